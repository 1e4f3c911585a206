import type { FieldProblem } from '../../core/errors/domain-error';
import type { PageContext } from '../render/page-context';
import { answerText } from './answer-display';
import type { Draft } from './draft-pages';

/**
 * A readiness problem (a JSON Pointer and an English detail from the applications module) in the
 * reader's words, linked to where it is fixed. The usual ones ("not answered", no budget, a
 * missing document) are translated; anything else keeps the module's own detail.
 */
export function problemText(
  ctx: PageContext,
  draft: Draft,
  problem: FieldProblem,
): { text: string; href?: string } {
  const parts = problem.pointer.split('/').slice(1);
  const missing = problem.detail === 'is required';
  const blocker = (where: string) =>
    ctx.t('applications.review.blocker', { where, detail: problem.detail });
  if (parts[0] === 'answers') {
    const section = draft.form.sections.find((s) => s.key === parts[1]);
    const question = section?.questions.find((q) => q.key === parts[2]);
    const where = [section?.title, question?.label].filter(Boolean).join(': ') || problem.pointer;
    const anchor = parts.length > 2 ? `#${parts.slice(2).join('.')}` : '';
    return {
      text: missing ? ctx.t('applications.review.missing', { where }) : blocker(where),
      href: section ? `${draft.base}/sections/${section.key}${anchor}` : undefined,
    };
  }
  const budget = `${draft.base}/budget`;
  if (parts[0] === 'amountRequested' && missing)
    return { text: ctx.t('applications.review.noAmount'), href: `${budget}#amountRequested` };
  if (parts[0] === 'budget' && problem.detail === 'the budget has no lines')
    return { text: ctx.t('applications.review.noLines'), href: budget };
  if (parts[0] === 'budget' || parts[0] === 'amountRequested')
    return { text: blocker(ctx.t('applications.tasks.budget')), href: budget };
  if (parts[0] === 'attachments') {
    const requirement = draft.detail.program.requiredAttachments.find((r) => r.key === parts[1]);
    return {
      text: requirement
        ? ctx.t('applications.review.noAttachment', { label: requirement.label })
        : blocker(ctx.t('applications.tasks.attachments')),
      href: `${draft.base}/attachments`,
    };
  }
  return { text: blocker(draft.organization.legalName) };
}

function ChangeLink({ ctx, href, what }: { ctx: PageContext; href: string; what: string }) {
  return (
    <a class="usa-link" href={href}>
      {ctx.t('applications.review.change')}
      <span class="usa-sr-only"> {what}</span>
    </a>
  );
}

/** "Check your answers": every answer with a Change link back to where it is edited. */
export function ReviewAnswers({ ctx, draft }: { ctx: PageContext; draft: Draft }) {
  const d = draft.detail;
  const files = new Map(d.attachments.map((a) => [a.id, a.filename]));
  const none = ctx.t('applications.review.notAnswered');
  const row = (label: string, value: string | undefined, href: string) => (
    <tr key={label}>
      <th scope="row" class="width-card-lg">
        {label}
      </th>
      <td>{value ?? none}</td>
      <td class="text-right">
        <ChangeLink ctx={ctx} href={href} what={label} />
      </td>
    </tr>
  );
  const table = (caption: string, rows: preact.JSX.Element[]) => (
    <table class="usa-table usa-table--borderless width-full">
      <caption>
        <h2 class="margin-0">{caption}</h2>
      </caption>
      <tbody>{rows}</tbody>
    </table>
  );
  return (
    <>
      {table(ctx.t('applications.review.project'), [
        row(
          ctx.t('applications.review.amountRequested'),
          d.amountRequested ? ctx.formats.money(d.amountRequested) : undefined,
          `${draft.base}/budget#amountRequested`,
        ),
      ])}
      {draft.form.sections.map((s) => {
        const answers = (d.answers[s.key] ?? {}) as Record<string, unknown>;
        return (
          <div key={s.key}>
            {table(
              s.title,
              s.questions.map((q) =>
                row(
                  q.label,
                  answerText(ctx, q, answers[q.key], files),
                  `${draft.base}/sections/${s.key}#${q.key}`,
                ),
              ),
            )}
          </div>
        );
      })}
      {table(ctx.t('applications.tasks.budget'), [
        row(
          ctx.t('applications.review.budgetTotal'),
          d.budget.lines.length > 0
            ? `${ctx.formats.money(d.budget.total)} (${ctx.t('applications.review.budgetLines', { count: d.budget.lines.length })})`
            : undefined,
          `${draft.base}/budget`,
        ),
      ])}
      {table(ctx.t('applications.tasks.attachments'), [
        row(
          ctx.t('applications.review.files', { count: d.attachments.length }),
          d.attachments.length > 0 ? d.attachments.map((a) => a.filename).join(', ') : undefined,
          `${draft.base}/attachments`,
        ),
      ])}
    </>
  );
}
