import type { AgencyConfig } from '../../agencies/agency-config';
import { NoticeContent, TEMPLATES, TemplateData, TemplateName } from './notification-templates';
import { TEMPLATES_ES } from './notification-templates-es';
import { isZonedInstant, noticeDate } from './notice-dates';

/** The languages notices are written in; English is the fallback. */
export type NoticeLocale = 'en' | 'es';

export const isNoticeLocale = (value: unknown): value is NoticeLocale =>
  value === 'en' || value === 'es';

/** The words of the frame around a notice, per language. */
const FRAME: Record<NoticeLocale, { hello: (name?: string) => string; open: string }> = {
  en: { hello: (name) => (name ? `Hello ${name},` : 'Hello,'), open: 'Open it in Grant Commons' },
  es: { hello: (name) => (name ? `Hola, ${name}:` : 'Hola:'), open: 'Ábralo en Grant Commons' },
};

export interface RenderedNotice {
  subject: string;
  /** The notice without branding (in-app body). */
  body: string;
  /** The whole email, plain text, with the agency's signature. */
  text: string;
  /** The whole email, HTML, branded; every interpolated value escaped. */
  html: string;
  /** The language it is written in (English when the template has no version in the asked one). */
  locale: NoticeLocale;
}

export interface RenderOptions {
  recipientName?: string;
  /** Where the notice points (shown as a link in the email). */
  link?: string;
  /** The recipient's language; a notice without a version in it goes out in English. */
  locale?: NoticeLocale;
}

/** The template in the asked language when one exists, else English; and that language. */
function contentOf<T extends TemplateName>(
  template: T,
  data: TemplateData[T],
  locale: NoticeLocale | undefined,
): { content: NoticeContent; locale: NoticeLocale } {
  const spanish = locale === 'es' ? TEMPLATES_ES[template] : undefined;
  if (spanish) {
    return {
      content: spanish(data),
      locale: 'es',
    };
  }
  const english = TEMPLATES[template] as (d: TemplateData[T]) => NoticeContent;
  return { content: english(data), locale: 'en' };
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/** A data value as an override's `{{placeholder}}` shows it (overrides are in English). */
const placeholderText = (value: unknown): string =>
  isZonedInstant(value) ? noticeDate(value, 'en') : String(value);

/** `{{name}}` placeholders in an agency's override; unknown names become empty. */
function interpolate(
  template: string,
  values: Record<string, string>,
  escape: (v: string) => string,
): string {
  return template.replace(/\{\{\s*([A-Za-z][A-Za-z0-9]*)\s*\}\}/g, (_, key: string) =>
    escape(values[key] ?? ''),
  );
}

/**
 * Renders one notice for one agency: the built-in template, or the agency's override of its
 * subject / text / html (config notifications.templateOverrides, `{{field}}` placeholders over
 * the template data plus agencyName and recipientName), wrapped in the agency's branding.
 */
export function renderNotice<T extends TemplateName>(
  template: T,
  data: TemplateData[T],
  agency: Pick<AgencyConfig, 'name' | 'branding' | 'notifications'>,
  options: RenderOptions = {},
): RenderedNotice {
  const { content, locale } = contentOf(template, data, options.locale);
  const frame = FRAME[locale];
  const values: Record<string, string> = {
    ...Object.fromEntries(
      Object.entries(data).map(([k, v]) => [k, v === undefined ? '' : placeholderText(v)]),
    ),
    agencyName: agency.branding.displayName,
    recipientName: options.recipientName ?? '',
  };
  // An agency's override is written in one language (English): it stands in for the English text.
  const override =
    locale === 'en' ? (agency.notifications.templateOverrides?.[template] ?? {}) : {};
  const subject = override.subject
    ? interpolate(override.subject, values, (v) => v)
    : content.subject;
  const greeting = frame.hello(options.recipientName);
  const body = override.text
    ? interpolate(override.text, values, (v) => v).trim()
    : content.paragraphs.join('\n\n');
  const linkLine = options.link ? `\n\n${frame.open}: ${options.link}` : '';
  const { branding } = agency;
  const text = `${greeting}\n\n${body}${linkLine}\n\n-- \n${branding.displayName}\n${branding.emailFooter}\n`;

  const innerHtml = override.html
    ? interpolate(override.html, values, escapeHtml)
    : content.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('\n');
  const color = /^#[0-9A-Fa-f]{6}$/.test(branding.primaryColor) ? branding.primaryColor : '#333333';
  const logo = branding.logoUrl
    ? `<img src="${escapeHtml(branding.logoUrl)}" alt="${escapeHtml(branding.displayName)}" style="max-height:48px">`
    : '';
  const link = options.link
    ? `<p><a href="${escapeHtml(options.link)}" style="color:${color}">${escapeHtml(frame.open)}</a></p>`
    : '';
  const html = `<!doctype html>
<html lang="${locale}"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>
<body style="margin:0;padding:24px;font-family:Arial,Helvetica,sans-serif;color:#222">
<div style="max-width:600px;margin:0 auto;border-top:6px solid ${color};padding-top:16px">
${logo}<div style="font-size:18px;font-weight:bold;color:${color}">${escapeHtml(branding.displayName)}</div>
<p>${escapeHtml(greeting)}</p>
${innerHtml}
${link}
<hr style="border:0;border-top:1px solid #ddd;margin-top:24px">
<p style="font-size:12px;color:#666">${escapeHtml(branding.emailFooter)}</p>
</div>
</body></html>`;
  return { subject, body, text, html, locale };
}
