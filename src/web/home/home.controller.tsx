import { Controller, Get, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RequirePermission, WebPage } from '../../core/access/access.decorators';
import { PageReply } from '../../core/http/page-reply';
import { Permission, roleGrants } from '../../identity/permissions';
import { AgencyBrands } from '../agency-brands';
import { ApplicationStatus, AwardStatus } from '../awards/award-parts';
import { Formats } from '../i18n/format';
import type { MessageKey } from '../i18n/i18n';
import { PageContexts } from '../page-contexts';
import { page } from '../render/layout';
import type { AgencyBrand, PageContext } from '../render/page-context';
import { AgencyOverview, HomeOverview } from './home-overview';

interface Task {
  text: string;
  href: string;
  /** For ordering: soonest first, undated last. */
  due: number;
}

interface AgencySection {
  brand: AgencyBrand;
  formats: Formats;
  overview: AgencyOverview;
}

const EDITABLE = new Set(['draft', 'returned']);

function applicationHref(code: string, a: AgencyOverview['applications'][number]) {
  const base = `/${code}/organizations/${a.organizationId}/applications/${a.id}`;
  return EDITABLE.has(a.status) ? base : `${base}/status`;
}

/** Everything that waits for the person, in every agency, soonest deadline first. */
function tasksOf(ctx: PageContext, sections: AgencySection[]): Task[] {
  const tasks: Task[] = [];
  for (const { brand, formats, overview } of sections) {
    const code = brand.code;
    for (const a of overview.applications) {
      if (!EDITABLE.has(a.status)) continue;
      const title = a.projectTitle ?? ctx.t('home.untitled');
      const date = a.dueAt ? formats.dateTime(new Date(a.dueAt)) : undefined;
      const key =
        a.status === 'draft'
          ? date
            ? 'home.taskDraft'
            : 'home.taskDraftNoDate'
          : date
            ? 'home.taskReturned'
            : 'home.taskReturnedNoDate';
      tasks.push({
        text: `${ctx.t(key, { title, program: a.programTitle, date: date ?? '' })} – ${brand.displayName}`,
        href: applicationHref(code, a),
        due: a.dueAt ? Date.parse(a.dueAt) : Number.MAX_SAFE_INTEGER,
      });
    }
    for (const w of overview.awards.filter((x) => x.status === 'offered')) {
      tasks.push({
        text: `${ctx.t('home.taskAccept', { reference: w.reference, amount: formats.money(w.amount) })} – ${brand.displayName}`,
        href: `/${code}/organizations/${w.organizationId}/awards/${w.id}`,
        due: Number.MAX_SAFE_INTEGER - 1,
      });
    }
    for (const p of overview.waitingPayments) {
      tasks.push({
        text: `${ctx.t('home.taskPayment', { reference: p.reference, amount: formats.money(p.amount) })} – ${brand.displayName}`,
        href: `/${code}/organizations/${p.organizationId}/awards/${p.awardId}/payment-requests/${p.id}`,
        due: Number.MAX_SAFE_INTEGER,
      });
    }
  }
  return tasks.sort((x, y) => x.due - y.due);
}

/** The agency's staff pages the person's roles open, each behind the permission its route asks. */
const STAFF_PAGES: Array<{ permission: Permission; path: string; text: MessageKey }> = [
  { permission: 'payment.approve', path: 'finance/payment-requests', text: 'home.financeQueue' },
  { permission: 'agency.usage.read', path: 'usage', text: 'home.agencyUsage' },
];

function StaffLinks({
  ctx,
  brand,
  roles,
}: {
  ctx: PageContext;
  brand: AgencyBrand;
  roles: string[];
}) {
  const pages = STAFF_PAGES.filter((p) => roles.some((role) => roleGrants(role, p.permission)));
  if (pages.length === 0) return null;
  return (
    <>
      <h3>{ctx.t('home.staffPages', { agency: brand.displayName })}</h3>
      <ul class="usa-list">
        {pages.map((p) => (
          <li key={p.path}>
            <a class="usa-link" href={`/${brand.code}/${p.path}`}>
              {ctx.t(p.text)}
            </a>
          </li>
        ))}
      </ul>
    </>
  );
}

function PlatformPart({ ctx }: { ctx: PageContext }) {
  return (
    <section class="margin-top-5" aria-labelledby="platform">
      <h2 id="platform">{ctx.t('home.platform')}</h2>
      <p>{ctx.t('home.platformLead')}</p>
      <ul class="usa-list">
        <li>
          <a class="usa-link" href="/platform/usage">
            {ctx.t('home.platformUsage')}
          </a>
        </li>
      </ul>
    </section>
  );
}

function AgencyPart({
  ctx,
  section,
  roles,
}: {
  ctx: PageContext;
  section: AgencySection;
  roles: string[];
}) {
  const { brand, formats, overview } = section;
  const names = new Map(overview.organizations.map((o) => [o.id, o.name]));
  const headingId = `agency-${brand.code}`;
  return (
    <section
      class="margin-top-5 border-top-05 border-primary padding-top-2"
      aria-labelledby={headingId}
    >
      <h2 id={headingId}>{ctx.t('home.agencySection', { agency: brand.name })}</h2>
      <ul class="usa-list usa-list--unstyled">
        <li>
          <a class="usa-link" href={`/${brand.code}`}>
            {ctx.t('home.openPortal', { agency: brand.displayName })}
          </a>
        </li>
        <li>
          <a class="usa-link" href={`/${brand.code}/notifications`}>
            {ctx.t('home.notifications', { agency: brand.displayName })}
          </a>
        </li>
      </ul>
      <StaffLinks ctx={ctx} brand={brand} roles={roles} />
      <h3>{ctx.t('home.organizations')}</h3>
      <ul class="usa-list">
        {overview.organizations.map((o) => (
          <li key={o.id}>
            <a class="usa-link" href={`/${brand.code}/organizations/${o.id}`}>
              {o.name}
            </a>
          </li>
        ))}
      </ul>
      <h3>{ctx.t('home.applications')}</h3>
      {overview.applications.length === 0 ? (
        <p>{ctx.t('home.noApplications')}</p>
      ) : (
        <table class="usa-table usa-table--borderless width-full">
          <caption class="usa-sr-only">
            {ctx.t('home.applications')} – {brand.displayName}
          </caption>
          <thead>
            <tr>
              <th scope="col">{ctx.t('home.project')}</th>
              <th scope="col">{ctx.t('home.program')}</th>
              <th scope="col">{ctx.t('home.organization')}</th>
              <th scope="col">{ctx.t('home.status')}</th>
              <th scope="col">{ctx.t('home.due')}</th>
            </tr>
          </thead>
          <tbody>
            {overview.applications.map((a) => (
              <tr key={a.id}>
                <th scope="row">
                  <a class="usa-link" href={applicationHref(brand.code, a)}>
                    {a.projectTitle ?? ctx.t('home.untitled')}
                  </a>
                </th>
                <td>{a.programTitle}</td>
                <td>{names.get(a.organizationId)}</td>
                <td>
                  <ApplicationStatus ctx={ctx} status={a.status} />
                </td>
                <td>{a.dueAt ? formats.dateTime(new Date(a.dueAt)) : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h3>{ctx.t('home.awards')}</h3>
      {overview.awards.length === 0 ? (
        <p>{ctx.t('home.noAwards')}</p>
      ) : (
        <table class="usa-table usa-table--borderless width-full">
          <caption class="usa-sr-only">
            {ctx.t('home.awards')} – {brand.displayName}
          </caption>
          <thead>
            <tr>
              <th scope="col">{ctx.t('home.reference')}</th>
              <th scope="col">{ctx.t('home.program')}</th>
              <th scope="col">{ctx.t('home.organization')}</th>
              <th scope="col">{ctx.t('home.amount')}</th>
              <th scope="col">{ctx.t('home.status')}</th>
            </tr>
          </thead>
          <tbody>
            {overview.awards.map((w) => (
              <tr key={w.id}>
                <th scope="row">
                  <a
                    class="usa-link"
                    href={`/${brand.code}/organizations/${w.organizationId}/awards/${w.id}`}
                  >
                    {w.reference}
                  </a>
                </th>
                <td>{w.programTitle}</td>
                <td>{names.get(w.organizationId)}</td>
                <td class="text-tabular">{formats.money(w.amount)}</td>
                <td>
                  <AwardStatus ctx={ctx} status={w.status} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function HomePage({
  ctx,
  sections,
  staff,
  staffRoles,
  platformAdmin,
}: {
  ctx: PageContext;
  sections: AgencySection[];
  staff: AgencyBrand[];
  staffRoles: Record<string, string[]>;
  platformAdmin: boolean;
}) {
  const tasks = tasksOf(ctx, sections);
  return (
    <>
      <h1>{ctx.t('home.heading')}</h1>
      <p class="usa-intro">{ctx.t('home.lead')}</p>
      {sections.length === 0 && staff.length === 0 && !platformAdmin && (
        <p>{ctx.t('home.nothing')}</p>
      )}
      {platformAdmin && <PlatformPart ctx={ctx} />}
      {sections.length > 0 && (
        <section aria-labelledby="tasks">
          <h2 id="tasks">{ctx.t('home.tasks')}</h2>
          {tasks.length === 0 ? (
            <p>{ctx.t('home.noTasks')}</p>
          ) : (
            <ul class="usa-list">
              {tasks.map((task) => (
                <li key={task.href}>
                  <a class="usa-link" href={task.href}>
                    {task.text}
                  </a>
                </li>
              ))}
            </ul>
          )}
        </section>
      )}
      {sections.map((section) => (
        <AgencyPart
          ctx={ctx}
          section={section}
          roles={staffRoles[section.brand.code] ?? []}
          key={section.brand.code}
        />
      ))}
      {staff.map((brand) => (
        <section class="margin-top-5" aria-labelledby={`agency-${brand.code}`} key={brand.code}>
          <h2 id={`agency-${brand.code}`}>{brand.name}</h2>
          <p>{ctx.t('home.staffOnly')}</p>
          <a class="usa-link" href={`/${brand.code}`}>
            {ctx.t('home.openPortal', { agency: brand.displayName })}
          </a>
          <StaffLinks ctx={ctx} brand={brand} roles={staffRoles[brand.code] ?? []} />
        </section>
      ))}
    </>
  );
}

/** The front door across agencies: one page with the person's work in every agency. */
@WebPage()
@Controller('home')
export class HomeController {
  constructor(
    private readonly pages: PageContexts,
    private readonly brands: AgencyBrands,
    private readonly overview: HomeOverview,
  ) {}

  @Get()
  @RequirePermission('self.read')
  async show(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<PageReply> {
    const ctx = this.pages.build(request, reply);
    const view = await this.overview.read();
    const sections = view.agencies.flatMap((overview) => {
      const brand = this.brands.brandOf(overview.agencyCode);
      return brand ? [{ brand, formats: new Formats(ctx.locale, brand.timeZone), overview }] : [];
    });
    const staff = view.staffAgencies.flatMap((code) => {
      const brand = this.brands.brandOf(code);
      return brand ? [brand] : [];
    });
    return PageReply.html(
      page({
        ctx,
        title: ctx.t('home.title'),
        children: (
          <HomePage
            ctx={ctx}
            sections={sections}
            staff={staff}
            staffRoles={view.staffRoles}
            platformAdmin={view.platformAdmin}
          />
        ),
      }),
    );
  }
}
