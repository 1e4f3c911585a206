import type { ComponentChildren } from 'preact';
import type { RequestContext } from '../../core/context/request-context';
import type { MessageKey } from '../i18n/i18n';
import { StatusTag } from '../render/components';
import type { PageContext } from '../render/page-context';

/** Where an organization's pages in this agency's portal live. */
export const orgBase = (ctx: PageContext, organizationId: string) =>
  `/${ctx.agency!.code}/organizations/${organizationId}`;
export const awardBase = (ctx: PageContext, organizationId: string, awardId: string) =>
  `${orgBase(ctx, organizationId)}/awards/${awardId}`;

/** Whether the signed-in person holds this role in the path's organization (to show or hide a button; the route still decides). */
export function holdsRole(context: RequestContext, organizationId: string, role: string): boolean {
  const roles = context.access?.organizationRoles[organizationId.toLowerCase()] ?? [];
  return roles.includes(role);
}

/** A date-only value ('2026-07-01') shown as a date: noon UTC is that day in every US zone. */
export function day(ctx: PageContext, value: string | null | undefined): string {
  return value ? ctx.formats.date(new Date(`${value}T12:00:00Z`)) : '';
}

export const lineName = (line: { functionCode: string; objectCode: string }) =>
  `${line.functionCode} / ${line.objectCode}`;

const GOOD = new Set(['active', 'approved', 'paid', 'applied', 'closed']);
const BAD = new Set(['declined', 'rejected', 'denied', 'returned', 'withdrawn']);
const tone = (status: string) => (GOOD.has(status) ? 'good' : BAD.has(status) ? 'bad' : 'neutral');

export function AwardStatus({ ctx, status }: { ctx: PageContext; status: string }) {
  return (
    <StatusTag label={ctx.t(`awards.awardStatus.${status}` as MessageKey)} tone={tone(status)} />
  );
}

export function PaymentStatus({ ctx, status }: { ctx: PageContext; status: string }) {
  return (
    <StatusTag label={ctx.t(`awards.paymentStatus.${status}` as MessageKey)} tone={tone(status)} />
  );
}

export function RevisionStatus({ ctx, status }: { ctx: PageContext; status: string }) {
  return (
    <StatusTag label={ctx.t(`awards.revisionStatus.${status}` as MessageKey)} tone={tone(status)} />
  );
}

export function ApplicationStatus({ ctx, status }: { ctx: PageContext; status: string }) {
  return (
    <StatusTag
      label={ctx.t(`awards.applicationStatus.${status}` as MessageKey)}
      tone={tone(status)}
    />
  );
}

/** A USWDS summary list: terms and their values. */
export function Facts({ rows }: { rows: Array<[string, ComponentChildren]> }) {
  return (
    <dl class="gc-facts">
      {rows.map(([term, value]) => (
        <div class="gc-facts__row" key={term}>
          <dt class="text-bold">{term}</dt>
          <dd class="margin-left-0 margin-bottom-2">{value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** The "what will happen" box of a money action's confirmation page (WEB.md). */
export function WhatHappens({ heading, items }: { heading: string; items: string[] }) {
  return (
    <div class="usa-summary-box margin-y-3" role="region" aria-labelledby="what-happens">
      <div class="usa-summary-box__body">
        <h2 class="usa-summary-box__heading" id="what-happens">
          {heading}
        </h2>
        <ul class="usa-list">
          {items.map((item) => (
            <li key={item}>{item}</li>
          ))}
        </ul>
      </div>
    </div>
  );
}

/** A link back, above the heading. */
export function BackLink({ href, children }: { href: string; children: ComponentChildren }) {
  return (
    <p class="margin-top-0">
      <a class="usa-link" href={href}>
        {children}
      </a>
    </p>
  );
}
