import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public, WebPage } from '../../core/access/access.decorators';
import { Clock } from '../../core/clock/clock';
import { PageReply } from '../../core/http/page-reply';
import type { FormDefinition } from '../../programs/forms/form-definition';
import { ProgramListings, PublicProgram } from '../../programs/program-listings';
import { PageContexts } from '../page-contexts';
import { Alert } from '../render/components';
import { page } from '../render/layout';
import type { PageContext } from '../render/page-context';
import {
  applicationWindow,
  awardAmounts,
  calendarDate,
  deadline,
  eligibility,
  fileTypeName,
  listOf,
  windowTag,
} from './program-facts';

const GROUPS = ['open', 'upcoming', 'closed'] as const;

function ProgramTable({
  ctx,
  programs,
  caption,
}: {
  ctx: PageContext;
  programs: PublicProgram[];
  caption: string;
}) {
  const base = `/${ctx.agency!.code}/programs`;
  return (
    <table class="usa-table usa-table--borderless usa-table--stacked width-full">
      <caption class="usa-sr-only">{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{ctx.t('funding.program')}</th>
          <th scope="col">{ctx.t('funding.eligibility')}</th>
          <th scope="col">{ctx.t('funding.awards')}</th>
          <th scope="col">{ctx.t('funding.window')}</th>
          <th scope="col">{ctx.t('funding.deadline')}</th>
        </tr>
      </thead>
      <tbody>
        {programs.map((p) => (
          <tr key={p.id}>
            <th scope="row" data-label={ctx.t('funding.program')}>
              <a class="usa-link" href={`${base}/${p.id}`}>
                {p.title}
              </a>
              <div class="font-body-3xs text-base">
                {p.assistanceListingNumber ? `${p.assistanceListingNumber} · ` : ''}
                {ctx.t(`funding.kindShort.${p.kind}`)}
              </div>
            </th>
            <td data-label={ctx.t('funding.eligibility')}>
              {eligibility(ctx, p).map((line) => (
                <div key={line}>{line}</div>
              ))}
            </td>
            <td data-label={ctx.t('funding.awards')}>{awardAmounts(ctx, p)}</td>
            <td data-label={ctx.t('funding.window')}>{applicationWindow(ctx, p)}</td>
            <td data-label={ctx.t('funding.deadline')}>
              {deadline(ctx, p)} {windowTag(ctx, p)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function ProgramList({ ctx, programs }: { ctx: PageContext; programs: PublicProgram[] }) {
  const agency = ctx.agency!.displayName;
  const empty = { open: 'noOpen', upcoming: 'noUpcoming', closed: 'noClosed' } as const;
  return (
    <>
      <div class="usa-prose">
        <h1>{ctx.t('funding.title')}</h1>
        <p class="usa-intro">{ctx.t('funding.lead', { agency })}</p>
      </div>
      {GROUPS.map((group) => {
        const inGroup = programs.filter((p) => p.window === group);
        return (
          <section key={group} aria-labelledby={`group-${group}`} class="margin-top-4">
            <h2 id={`group-${group}`}>{ctx.t(`funding.${group}`)}</h2>
            {inGroup.length === 0 ? (
              <p>{ctx.t(`funding.${empty[group]}`)}</p>
            ) : (
              <ProgramTable ctx={ctx} programs={inGroup} caption={ctx.t(`funding.${group}`)} />
            )}
          </section>
        );
      })}
    </>
  );
}

type ProgramDetailView = PublicProgram & { form: FormDefinition | null };

function Fact({ term, children }: { term: string; children: preact.ComponentChildren }) {
  return (
    <div class="grid-row grid-gap padding-y-1 border-bottom border-base-lighter">
      <dt class="tablet:grid-col-4 text-bold">{term}</dt>
      <dd class="tablet:grid-col-8 margin-left-0">{children}</dd>
    </div>
  );
}

function ProgramDetail({ ctx, p }: { ctx: PageContext; p: ProgramDetailView }) {
  const base = `/${ctx.agency!.code}/programs`;
  return (
    <>
      <p>
        <a class="usa-link" href={base}>
          {ctx.t('funding.backToList')}
        </a>
      </p>
      <div class="usa-prose">
        <h1>{p.title}</h1>
        <p>
          {windowTag(ctx, p)}{' '}
          <span class="text-base">{ctx.t('funding.programCode', { code: p.code })}</span>
        </p>
        {p.description && <p class="usa-intro">{p.description}</p>}
      </div>
      {p.window === 'open' && (
        <div class="margin-y-3">
          <a class="usa-button usa-button--big" href={`${base}/${p.id}/apply`}>
            {ctx.t('funding.apply')}
          </a>
          <p class="usa-hint">{ctx.t('funding.applyHint')}</p>
        </div>
      )}
      {p.window === 'upcoming' && p.opensAt && (
        <Alert kind="info">
          {ctx.t('funding.opensOn', { date: ctx.formats.dateTime(new Date(p.opensAt)) })}
        </Alert>
      )}
      {p.window === 'closed' && <Alert kind="warning">{ctx.t('funding.closedText')}</Alert>}

      <h2>{ctx.t('funding.about')}</h2>
      <dl>
        <Fact term={ctx.t('funding.eligibility')}>
          {eligibility(ctx, p).map((line) => (
            <div key={line}>{line}</div>
          ))}
        </Fact>
        <Fact term={ctx.t('funding.awards')}>
          <div>{awardAmounts(ctx, p)}</div>
          {p.fundsAvailable && (
            <div>
              {ctx.t('funding.fundsAvailable', { amount: ctx.formats.money(p.fundsAvailable) })}
            </div>
          )}
        </Fact>
        <Fact term={ctx.t('funding.window')}>{applicationWindow(ctx, p)}</Fact>
        <Fact term={ctx.t('funding.deadline')}>
          <strong>{deadline(ctx, p)}</strong>
        </Fact>
        <Fact term={ctx.t('funding.kind')}>{ctx.t(`funding.kinds.${p.kind}`)}</Fact>
        {p.fundingSource && (
          <Fact term={ctx.t('funding.fundingSource')}>
            {ctx.t(`funding.sources.${p.fundingSource}`)}
          </Fact>
        )}
        {p.assistanceListingNumber && (
          <Fact term={ctx.t('funding.assistanceListing')}>
            {p.assistanceListingNumber}
            {p.assistanceListingTitle ? ` – ${p.assistanceListingTitle}` : ''}
          </Fact>
        )}
        {p.fiscalYear !== null && <Fact term={ctx.t('funding.fiscalYear')}>{p.fiscalYear}</Fact>}
        {p.performanceStart && p.performanceEnd && (
          <Fact term={ctx.t('funding.performancePeriod')}>
            {ctx.t('funding.windowRange', {
              opens: calendarDate(ctx, p.performanceStart),
              closes: calendarDate(ctx, p.performanceEnd),
            })}
          </Fact>
        )}
      </dl>

      <h2>{ctx.t('funding.requiredDocuments')}</h2>
      {p.requiredAttachments.length === 0 ? (
        <p>{ctx.t('funding.noDocuments')}</p>
      ) : (
        <ul class="usa-list">
          {p.requiredAttachments.map((a) => (
            <li key={a.key}>
              <strong>{a.label}</strong>
              {a.description && <div>{a.description}</div>}
              {a.allowedTypes && a.allowedTypes.length > 0 && (
                <div class="usa-hint">
                  {ctx.t('funding.acceptedTypes', {
                    types: listOf(ctx, a.allowedTypes.map(fileTypeName)),
                  })}
                </div>
              )}
            </li>
          ))}
        </ul>
      )}

      {p.form && (
        <>
          <h2>{ctx.t('funding.formSections')}</h2>
          <p>{ctx.t('funding.formSectionsLead')}</p>
          <ol class="usa-list">
            {p.form.sections.map((s) => (
              <li key={s.key}>
                <strong>{s.title}</strong> (
                {ctx.t('funding.questions', { count: s.questions.length })})
                {s.description && <div>{s.description}</div>}
              </li>
            ))}
          </ol>
        </>
      )}
    </>
  );
}

/** Find funding: the agency's programs, open, upcoming and closed, for anyone (no sign-in). */
@WebPage()
@Controller(':agencyCode/programs')
export class ProgramPagesController {
  constructor(
    private readonly pages: PageContexts,
    private readonly listings: ProgramListings,
    private readonly clock: Clock,
  ) {}

  @Get()
  @Public()
  async list(
    @Param('agencyCode') agencyCode: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<PageReply> {
    const ctx = this.pages.build(request, reply, agencyCode);
    const programs = await this.listings.forApplicants(this.clock.now());
    return PageReply.html(
      page({
        ctx,
        title: ctx.t('funding.title'),
        children: <ProgramList ctx={ctx} programs={programs} />,
      }),
    );
  }

  @Get(':programId')
  @Public()
  async show(
    @Param('agencyCode') agencyCode: string,
    @Param('programId') programId: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<PageReply> {
    const ctx = this.pages.build(request, reply, agencyCode);
    const program = await this.listings.forApplicant(programId, this.clock.now());
    return PageReply.html(
      page({
        ctx,
        title: `${program.title} – ${ctx.t('funding.title')}`,
        children: <ProgramDetail ctx={ctx} p={program} />,
      }),
    );
  }
}
