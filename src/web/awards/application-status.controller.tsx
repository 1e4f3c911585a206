import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RequirePermission, WebPage } from '../../core/access/access.decorators';
import { PageReply } from '../../core/http/page-reply';
import { ApplicationsService } from '../../applications/applications.service';
import { ApplicationVersions } from '../../applications/submission/application-versions.service';
import { AwardsService } from '../../awards/awards.service';
import { DecisionRelease } from '../../reviews/decisions/decision-release.service';
import { DecisionNotFoundError } from '../../reviews/decisions/decisions.errors';
import type { MessageKey } from '../i18n/i18n';
import { PageContexts } from '../page-contexts';
import { page } from '../render/layout';
import type { PageContext } from '../render/page-context';
import { ApplicationStatus, Facts, orgBase } from './award-parts';

type Detail = Awaited<ReturnType<ApplicationsService['detail']>>;
type Decision = Awaited<ReturnType<DecisionRelease['forApplicant']>>;

interface TimelineEntry {
  label: string;
  at: string;
  comment: string | null;
  /** On a resubmission: what changed since the version that was returned. */
  changes?: string[];
}

interface StatusView {
  organizationId: string;
  application: Detail;
  timeline: TimelineEntry[];
  decision: Decision | null;
  award: { id: string; reference: string } | null;
}

/** A change's pointer into a submitted version, in words a district would use. */
function changeLabel(ctx: PageContext, pointer: string): string {
  const [, root, ...rest] = pointer.split('/');
  if (root === 'projectTitle') return ctx.t('awards.status.change.projectTitle');
  if (root === 'amountRequested') return ctx.t('awards.status.change.amountRequested');
  if (root === 'answers') return ctx.t('awards.status.change.answers', { path: rest.join(' › ') });
  if (root === 'budget')
    return ctx.t('awards.status.change.budget', { number: Number(rest[0]) + 1 });
  if (root === 'attachments') {
    return ctx.t('awards.status.change.attachments', { number: Number(rest[0]) + 1 });
  }
  return ctx.t('awards.status.change.other', { path: pointer });
}

function Timeline({ ctx, entries }: { ctx: PageContext; entries: TimelineEntry[] }) {
  return (
    <ol class="usa-process-list">
      {entries.map((e, i) => (
        <li class="usa-process-list__item" key={`${e.at}-${i}`}>
          <h3 class="usa-process-list__heading">{e.label}</h3>
          <p class="margin-top-05">{ctx.formats.dateTime(new Date(e.at))}</p>
          {e.comment && (
            <div class="usa-summary-box margin-top-1">
              <div class="usa-summary-box__body">
                <h4 class="usa-summary-box__heading">{ctx.t('awards.status.officerComments')}</h4>
                <p class="usa-summary-box__text">{e.comment}</p>
              </div>
            </div>
          )}
          {e.changes && (
            <>
              <h4>{ctx.t('awards.status.changedSince')}</h4>
              {e.changes.length === 0 ? (
                <p>{ctx.t('awards.status.noChanges')}</p>
              ) : (
                <ul class="usa-list">
                  {e.changes.map((c) => (
                    <li key={c}>{c}</li>
                  ))}
                </ul>
              )}
            </>
          )}
        </li>
      ))}
    </ol>
  );
}

function DecisionSection({ ctx, view }: { ctx: PageContext; view: StatusView }) {
  const d = view.decision;
  return (
    <>
      <h2>{ctx.t('awards.status.decision')}</h2>
      {!d ? (
        <p>{ctx.t('awards.status.decisionPending')}</p>
      ) : (
        <>
          <Facts
            rows={[
              [ctx.t('awards.status.outcome'), <ApplicationStatus ctx={ctx} status={d.outcome} />],
              [ctx.t('awards.status.amountRequested'), ctx.formats.money(d.amountRequested)],
              ...(d.outcome === 'approved'
                ? ([[ctx.t('awards.status.amountAwarded'), ctx.formats.money(d.amount)]] as Array<
                    [string, string]
                  >)
                : []),
              [ctx.t('awards.status.releasedAt'), ctx.formats.dateTime(new Date(d.releasedAt))],
            ]}
          />
          {d.partial && <p>{ctx.t('awards.status.partial')}</p>}
          {view.award && (
            <p>
              <a
                class="usa-button"
                href={`${orgBase(ctx, view.organizationId)}/awards/${view.award.id}`}
              >
                {ctx.t('awards.status.openAward', { reference: view.award.reference })}
              </a>
            </p>
          )}
        </>
      )}
    </>
  );
}

function StatusPage({ ctx, view }: { ctx: PageContext; view: StatusView }) {
  const a = view.application;
  const editUrl = `${orgBase(ctx, view.organizationId)}/applications/${a.id}`;
  return (
    <>
      <span class="usa-hint">{ctx.t('awards.status.caption', { program: a.program.title })}</span>
      <h1 class="margin-top-1">{ctx.t('awards.status.title')}</h1>
      <Facts
        rows={[
          [ctx.t('awards.status.reference'), a.projectTitle ?? a.id],
          [ctx.t('awards.status.current'), <ApplicationStatus ctx={ctx} status={a.status} />],
        ]}
      />
      {a.status === 'returned' && (
        <div class="usa-alert usa-alert--warning">
          <div class="usa-alert__body">
            <h2 class="usa-alert__heading">{ctx.t('awards.applicationStatus.returned')}</h2>
            {a.returnComment && <p class="usa-alert__text">{a.returnComment}</p>}
            {a.revisionDueAt && (
              <p class="usa-alert__text">
                {ctx.t('awards.status.revisionDue', {
                  date: ctx.formats.dateTime(new Date(a.revisionDueAt)),
                })}
              </p>
            )}
            <a class="usa-button margin-top-1" href={editUrl}>
              {ctx.t('awards.status.reviseLink')}
            </a>
          </div>
        </div>
      )}
      <h2>{ctx.t('awards.status.timeline')}</h2>
      <Timeline ctx={ctx} entries={view.timeline} />
      <DecisionSection ctx={ctx} view={view} />
    </>
  );
}

/** After submission: the status timeline, the officer's comments and what changed, the decision. */
@WebPage()
@Controller(':agencyCode/organizations/:organizationId/applications/:applicationId/status')
export class ApplicationStatusPages {
  constructor(
    private readonly pages: PageContexts,
    private readonly applications: ApplicationsService,
    private readonly versions: ApplicationVersions,
    private readonly decisions: DecisionRelease,
    private readonly awards: AwardsService,
  ) {}

  @Get()
  @RequirePermission('application.read')
  async show(
    @Param('agencyCode') agencyCode: string,
    @Param('organizationId') organizationId: string,
    @Param('applicationId') applicationId: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<PageReply> {
    const ctx = this.pages.build(request, reply, agencyCode);
    const scope = { organizationId };
    const application = await this.applications.detail(scope, applicationId);
    const timeline: TimelineEntry[] = [];
    for (const h of application.history) {
      const resubmission = h.to === 'submitted' && (h.submissionNumber ?? 1) > 1;
      const key = resubmission ? 'resubmitted' : h.to;
      const entry: TimelineEntry = {
        label: ctx.t(`awards.status.event.${key}` as MessageKey, {
          number: h.submissionNumber ?? 1,
        }),
        at: h.at,
        comment: h.to === 'returned' || h.to === 'denied' ? h.comment : null,
      };
      if (resubmission) {
        const n = h.submissionNumber!;
        const diff = await this.versions.diff(scope, application.id, n - 1, n);
        entry.changes = [...new Set(diff.changes.map((c) => changeLabel(ctx, c.path)))];
      }
      timeline.push(entry);
    }
    let decision: Decision | null = null;
    try {
      decision = await this.decisions.forApplicant(organizationId, application.id);
    } catch (error) {
      if (!(error instanceof DecisionNotFoundError)) throw error;
    }
    const award =
      decision?.outcome === 'approved'
        ? ((await this.awards.list(scope, { limit: '100' })).items.find(
            (x) => x.applicationId === application.id,
          ) ?? null)
        : null;
    const view: StatusView = {
      organizationId,
      application,
      timeline,
      decision,
      award: award && { id: award.id, reference: award.reference },
    };
    return PageReply.html(
      page({
        ctx,
        title: `${ctx.t('awards.status.title')} – ${application.program.title}`,
        children: <StatusPage ctx={ctx} view={view} />,
      }),
    );
  }
}
