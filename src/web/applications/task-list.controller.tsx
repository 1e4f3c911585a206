import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RequirePermission, WebPage } from '../../core/access/access.decorators';
import { PageReply } from '../../core/http/page-reply';
import { applicationRef } from '../../applications/submission/application-notices';
import { PageContexts } from '../page-contexts';
import { Alert, StatusTag } from '../render/components';
import { page } from '../render/layout';
import type { PageContext } from '../render/page-context';
import { LastSaved, pageTitle } from './application-chrome';
import { Draft, DraftPages } from './draft-pages';
import { applicationTasks, Task } from './task-status';

const TONE = {
  completed: 'good',
  inProgress: undefined,
  notStarted: undefined,
  cannotStart: undefined,
} as const;

function TaskListPage({ ctx, draft, tasks }: { ctx: PageContext; draft: Draft; tasks: Task[] }) {
  const d = draft.detail;
  const done = tasks.filter((t) => t.status === 'completed').length;
  return (
    <div class="grid-row">
      <div class="tablet:grid-col-10 desktop:grid-col-8">
        <p class="margin-bottom-0 text-base-dark">
          {ctx.t('applications.tasks.forOrganization', {
            organization: draft.organization.legalName,
            program: draft.terms.title,
          })}
        </p>
        <h1 class="margin-top-05">{d.projectTitle ?? ctx.t('applications.tasks.title')}</h1>
        <p>
          {ctx.t('applications.tasks.reference')}: <strong>{applicationRef(draft.terms, d)}</strong>
        </p>
        {d.status === 'returned' && (
          <Alert kind="warning" heading={ctx.t('applications.tasks.returned')}>
            {ctx.t('applications.tasks.returnedLead')} {d.returnComment ?? ''}{' '}
            {d.revisionDueAt
              ? ctx.t('applications.tasks.deadline', {
                  date: ctx.formats.dateTime(new Date(d.revisionDueAt)),
                })
              : ''}
          </Alert>
        )}
        <p class="usa-intro">{ctx.t('applications.tasks.lead')}</p>
        <p>{ctx.t('applications.tasks.progress', { done, count: tasks.length })}</p>
        <LastSaved ctx={ctx} draft={draft} />
        <ul class="usa-list usa-list--unstyled gc-task-list">
          {tasks.map((t) => (
            <li class="gc-task-list__item" key={t.key}>
              <span class="gc-task-list__name" id={`task-${t.key}`}>
                {t.href ? (
                  <a class="usa-link" href={t.href} aria-describedby={`task-${t.key}-status`}>
                    {t.title}
                  </a>
                ) : (
                  t.title
                )}
              </span>
              <span id={`task-${t.key}-status`}>
                <StatusTag
                  label={ctx.t(`applications.tasks.status.${t.status}`)}
                  tone={TONE[t.status]}
                />
              </span>
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}

/** The application's task list (GOV.UK pattern) while it is a draft or returned for revision. */
@WebPage()
@Controller(':agencyCode/organizations/:organizationId/applications/:applicationId')
export class TaskListPages {
  constructor(
    private readonly pages: PageContexts,
    private readonly drafts: DraftPages,
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
    const draft = await this.drafts.load(agencyCode, organizationId, applicationId);
    if (!draft.editable) return PageReply.redirect(`${draft.base}/status`);
    const ctx = this.pages.build(request, reply, agencyCode);
    const d = draft.detail;
    const tasks = applicationTasks(
      {
        form: draft.form,
        answers: d.answers,
        problems: d.readiness.problems,
        budgetLines: d.budget.lines.length,
        amountRequested: d.amountRequested,
        attachments: d.attachments.length,
        requiredAttachments: d.program.requiredAttachments.length,
      },
      draft.base,
      {
        budget: ctx.t('applications.tasks.budget'),
        attachments: ctx.t('applications.tasks.attachments'),
        review: ctx.t('applications.tasks.review'),
      },
    );
    return PageReply.html(
      page({
        ctx,
        title: pageTitle(ctx.t('applications.tasks.title'), draft),
        children: <TaskListPage ctx={ctx} draft={draft} tasks={tasks} />,
      }),
    );
  }
}
