import type { LeafQuestion, Question } from '../../programs/forms/form-definition';
import type { PageContext } from '../render/page-context';

function leafText(
  ctx: PageContext,
  q: LeafQuestion,
  value: unknown,
  files: Map<string, string>,
): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const plain = typeof value === 'string' || typeof value === 'number' ? String(value) : '';
  switch (q.type) {
    case 'money':
      return ctx.formats.money(plain);
    case 'date':
      // Noon UTC is the same calendar day in every U.S. time zone.
      return ctx.formats.date(new Date(`${plain}T12:00:00Z`));
    case 'choice':
      return q.options.find((o) => o.value === plain)?.label ?? plain;
    case 'multi-choice':
      return (Array.isArray(value) ? (value as unknown[]).map(String) : [])
        .map((v) => q.options.find((o) => o.value === v)?.label ?? v)
        .join(', ');
    case 'file':
      return files.get(plain) ?? plain;
    default:
      return plain;
  }
}

/** An answer as a person reads it (labels for options, money and dates in the reader's format). */
export function answerText(
  ctx: PageContext,
  q: Question,
  value: unknown,
  files: Map<string, string>,
): string | undefined {
  if (q.type !== 'group') return leafText(ctx, q, value, files);
  const item = (v: unknown) =>
    q.questions
      .map((sub) => {
        const text = leafText(
          ctx,
          sub,
          (v as Record<string, unknown> | undefined)?.[sub.key],
          files,
        );
        return text === undefined ? undefined : `${sub.label}: ${text}`;
      })
      .filter(Boolean)
      .join(', ');
  if (Array.isArray(value)) {
    const items = value.map(item).filter((s) => s !== '');
    return items.length > 0 ? items.join('; ') : undefined;
  }
  const single = item(value);
  return single === '' ? undefined : single;
}
