import type { ComponentChildren } from 'preact';
import type { FieldError } from '../render/components';
import type { PageContext } from '../render/page-context';
import type { AnswerError } from './answer-form';
import type { Draft } from './draft-pages';

/** "Last saved by Maria at 3:42 pm" (WEB.md: a draft shows who saved it and when). */
export function LastSaved({ ctx, draft }: { ctx: PageContext; draft: Draft }) {
  const time = ctx.formats.dateTime(draft.lastSaved.at);
  return (
    <p class="usa-hint" id="last-saved">
      {draft.lastSaved.name
        ? ctx.t('applications.lastSaved', { name: draft.lastSaved.name, time })
        : ctx.t('applications.lastSavedAt', { time })}
    </p>
  );
}

/** The heading block every application page opens with: whose application, to what. */
export function ApplicationHeading({
  ctx,
  draft,
  title,
  children,
}: {
  ctx: PageContext;
  draft: Draft;
  title: string;
  children?: ComponentChildren;
}) {
  return (
    <>
      <p class="margin-top-2 margin-bottom-1">
        <a class="usa-link" href={draft.base}>
          {ctx.t('applications.backToTasks')}
        </a>
      </p>
      <p class="margin-bottom-0 text-base-dark">
        {ctx.t('applications.tasks.forOrganization', {
          organization: draft.organization.legalName,
          program: draft.terms.title,
        })}
      </p>
      <h1 class="margin-top-05">{title}</h1>
      {children}
    </>
  );
}

/** A page title as WEB.md wants it: "What – Program" (the layout appends the portal). */
export const pageTitle = (what: string, draft: Draft) => `${what} – ${draft.terms.title}`;

export function answerErrors(ctx: PageContext, errors: AnswerError[]): FieldError[] {
  return errors.map((e) => ({
    field: e.field,
    message: ctx.t(`applications.problem.${e.problem}`, { label: e.label, limit: e.limit ?? '' }),
  }));
}
