import type { PublicProgram } from '../../programs/program-listings';
import { Formats } from '../i18n/format';
import type { MessageKey } from '../i18n/i18n';
import type { PageContext } from '../render/page-context';

/** What a program's facts read as on the Find funding pages (list rows and the detail page). */

export function awardAmounts(ctx: PageContext, p: PublicProgram): string {
  const floor = p.awardFloor && ctx.formats.money(p.awardFloor);
  const ceiling = p.awardCeiling && ctx.formats.money(p.awardCeiling);
  if (floor && ceiling) return ctx.t('funding.awardRange', { floor, ceiling });
  if (ceiling) return ctx.t('funding.awardUpTo', { ceiling });
  if (floor) return ctx.t('funding.awardFrom', { floor });
  return ctx.t('funding.notStated');
}

/** A list in the reader's language ("A, B and C" / "A, B y C"). */
export function listOf(ctx: PageContext, items: string[]): string {
  return LIST_FORMATS[ctx.locale].format(items);
}

/** Built once: an Intl formatter costs tens of microseconds to make. */
const LIST_FORMATS = {
  en: new Intl.ListFormat('en-US', { style: 'long', type: 'conjunction' }),
  es: new Intl.ListFormat('es-US', { style: 'long', type: 'conjunction' }),
} as const;

export function eligibility(ctx: PageContext, p: PublicProgram): string[] {
  const types = p.eligibility.organizationTypes ?? [];
  const lines = [
    types.length === 0
      ? ctx.t('funding.anyOrganization')
      : listOf(
          ctx,
          types.map((type) => ctx.t(`organizations.types.${type}` as MessageKey)),
        ),
  ];
  const identifiers = p.eligibility.requiredIdentifiers ?? [];
  if (identifiers.length > 0) {
    const names = identifiers.map((i) => ctx.t(`organizations.identifiers.${i}` as MessageKey));
    lines.push(ctx.t('funding.mustHave', { identifiers: listOf(ctx, names) }));
  }
  return lines;
}

export function applicationWindow(ctx: PageContext, p: PublicProgram): string {
  if (!p.opensAt || !p.closesAt) return ctx.t('funding.notStated');
  return ctx.t('funding.windowRange', {
    opens: ctx.formats.dateTime(new Date(p.opensAt)),
    closes: ctx.formats.dateTime(new Date(p.closesAt)),
  });
}

export function deadline(ctx: PageContext, p: PublicProgram): string {
  return p.closesAt ? ctx.formats.dateTime(new Date(p.closesAt)) : ctx.t('funding.notStated');
}

/**
 * A calendar date (YYYY-MM-DD, no time of day) as the reader writes it. Formatted in UTC, where
 * the string's midnight is: in the agency's zone it would show the day before.
 */
export function calendarDate(ctx: PageContext, date: string): string {
  return new Formats(ctx.locale, 'UTC').date(new Date(`${date}T00:00:00Z`));
}

/** File types by what people call them; anything else by its media type. */
const FILE_TYPES: Record<string, string> = {
  'application/pdf': 'PDF',
  'application/msword': 'Word (.doc)',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'Word (.docx)',
  'application/vnd.ms-excel': 'Excel (.xls)',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'Excel (.xlsx)',
  'text/csv': 'CSV',
  'image/png': 'PNG',
  'image/jpeg': 'JPEG',
};

export const fileTypeName = (mediaType: string): string => FILE_TYPES[mediaType] ?? mediaType;

export function windowTag(ctx: PageContext, p: PublicProgram) {
  const label = {
    open: ctx.t('funding.statusOpen'),
    upcoming: ctx.t('funding.statusUpcoming'),
    closed: ctx.t('funding.statusClosed'),
  }[p.window];
  const tone = p.window === 'open' ? ' bg-green' : p.window === 'closed' ? ' bg-base-dark' : '';
  return <span class={`usa-tag${tone}`}>{label}</span>;
}
