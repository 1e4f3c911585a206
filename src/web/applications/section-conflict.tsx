import type { FormSection } from '../../programs/forms/form-definition';
import { CsrfField } from '../render/components';
import type { PageContext } from '../render/page-context';
import { answerText } from './answer-display';
import { changedQuestions, FormBody } from './answer-form';
import { ApplicationHeading } from './application-chrome';
import type { Draft } from './draft-pages';

/** Form fields the conflict page posts again when the person keeps their answers. */
const CONTROL = new Set(['_csrf', 'version', 'base', 'action']);

/**
 * A colleague saved this section after the person opened it: both versions of what changed,
 * side by side, and the choice (keep mine: post my answers again over the new version; take
 * theirs: reload the section as saved).
 */
export function SectionConflict({
  ctx,
  draft,
  section,
  body,
  mine,
}: {
  ctx: PageContext;
  draft: Draft;
  section: FormSection;
  body: FormBody;
  mine: Record<string, unknown>;
}) {
  const theirs = draft.detail.answers[section.key];
  const files = new Map(draft.detail.attachments.map((a) => [a.id, a.filename]));
  const changed = changedQuestions(section, mine, theirs);
  const name = draft.lastSaved.name || ctx.t('applications.conflict.empty');
  const time = ctx.formats.dateTime(draft.lastSaved.at);
  const empty = ctx.t('applications.conflict.empty');
  const saved = (theirs ?? {}) as Record<string, unknown>;
  return (
    <div class="grid-row">
      <div class="tablet:grid-col-10">
        <ApplicationHeading ctx={ctx} draft={draft} title={ctx.t('applications.conflict.title')}>
          <p class="usa-intro">{ctx.t('applications.conflict.lead', { name, time })}</p>
        </ApplicationHeading>
        <table class="usa-table usa-table--borderless width-full">
          <caption class="usa-sr-only">{section.title}</caption>
          <thead>
            <tr>
              <th scope="col">{ctx.t('applications.conflict.question')}</th>
              <th scope="col">{ctx.t('applications.conflict.yours')}</th>
              <th scope="col">{ctx.t('applications.conflict.theirs', { name })}</th>
            </tr>
          </thead>
          <tbody>
            {changed.map((q) => (
              <tr key={q.key}>
                <th scope="row">{q.label}</th>
                <td>{answerText(ctx, q, mine[q.key], files) ?? empty}</td>
                <td>{answerText(ctx, q, saved[q.key], files) ?? empty}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <form method="post" class="margin-top-3">
          <CsrfField ctx={ctx} />
          <input type="hidden" name="version" value={String(draft.detail.version)} />
          <input type="hidden" name="base" value={JSON.stringify(saved)} />
          {Object.entries(body)
            .filter(([k]) => !CONTROL.has(k))
            .flatMap(([k, v]) =>
              (Array.isArray(v) ? v : [v ?? '']).map((x, i) => (
                <input type="hidden" name={k} value={x} key={`${k}-${i}`} />
              )),
            )}
          <p class="usa-hint">{ctx.t('applications.conflict.keepMineHint')}</p>
          <button class="usa-button" type="submit" name="action" value="continue">
            {ctx.t('applications.conflict.keepMine')}
          </button>
          <a class="usa-button usa-button--outline" href={`${draft.base}/sections/${section.key}`}>
            {ctx.t('applications.conflict.takeTheirs')}
          </a>
        </form>
      </div>
    </div>
  );
}
