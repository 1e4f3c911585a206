import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { RequirePermission, WebPage } from '../../core/access/access.decorators';
import { DomainError } from '../../core/errors/domain-error';
import { IdempotencyService, requestFingerprint } from '../../core/idempotency/idempotency.service';
import { PageReply } from '../../core/http/page-reply';
import { AwardsService } from '../../awards/awards.service';
import { PaymentRequestNotFoundError } from '../../payments/payments.errors';
import { PaymentRequests } from '../../payments/requests/payment-requests.service';
import { PageContexts } from '../page-contexts';
import { FormExpiredError } from '../session/form-tokens';
import type { FieldError } from '../render/components';
import { page } from '../render/layout';
import type { PageContext } from '../render/page-context';
import { awardBase, day } from './award-parts';
import {
  amountField,
  checkPaymentForm,
  LineBalance,
  PaymentConfirmPage,
  PaymentForm,
  PaymentRequestFormPage,
  readPaymentForm,
  requestedLines,
  totalOf,
} from './payment-request-form';
import { PaymentRequestPage } from './payment-request-page';

/** The refusals a person can fix by changing the form (balances, lines, period, type). */
const FIXABLE = new Set([
  'payment.invalid',
  'payment.future_costs',
  'payment.unknown_budget_line',
  'payment.exceeds_budget_line',
  'payment.exceeds_balance',
  'payment.outside_period_of_availability',
  'payment.type_not_allowed',
  'payment.award_not_active',
]);

type Params = { agencyCode: string; organizationId: string; awardId: string };

/** The confirmation page's one-time key, as the API's Idempotency-Key header takes them. */
const ONE_TIME_KEY = /^[\x21-\x7e]{1,200}$/;

/** What a key remembers of its first answer, so a second press answers the same. */
type Remembered = { location: string } | { errors: FieldError[] };

/**
 * Payment requests on an award: the form by budget line (what remains on each), a page that
 * says exactly what sending will do, then the request with its approval chain.
 */
@WebPage()
@Controller(':agencyCode/organizations/:organizationId/awards/:awardId/payment-requests')
export class PaymentRequestPages {
  constructor(
    private readonly pages: PageContexts,
    private readonly awards: AwardsService,
    private readonly payments: PaymentRequests,
    private readonly keys: IdempotencyService,
  ) {}

  @Get('new')
  @RequirePermission('payment.request')
  async form(
    @Param() params: Params,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<PageReply> {
    const ctx = this.pages.build(request, reply, params.agencyCode);
    const { award, lines } = await this.load(params);
    const form = readPaymentForm({}, lines);
    return this.formPage(ctx, params, award.reference, lines, form);
  }

  /** The form's answers: back to the form (errors, or "change"), else the confirmation page. */
  @Post('new')
  @RequirePermission('payment.request')
  async check(
    @Param() params: Params,
    @Body() body: Record<string, string>,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<PageReply> {
    const ctx = this.pages.build(request, reply, params.agencyCode);
    const { award, lines } = await this.load(params);
    const form = readPaymentForm(body, lines);
    if (body._edit) return this.formPage(ctx, params, award.reference, lines, form);
    const errors = checkPaymentForm(ctx, form, lines, this.payments.paymentModels());
    if (errors.length > 0) {
      return this.formPage(ctx, params, award.reference, lines, form, errors);
    }
    const chosen = requestedLines(form, lines);
    return PageReply.html(
      page({
        ctx,
        title: `${ctx.t('awards.payment.confirmTitle', { reference: award.reference })} – ${award.subaward.programTitle}`,
        children: (
          <PaymentConfirmPage
            ctx={ctx}
            view={{
              reference: award.reference,
              awardUrl: awardBase(ctx, params.organizationId, award.id),
              form,
              lines: chosen,
              approvalsNeeded: this.payments.approvalsNeeded(totalOf(chosen)),
              idempotencyKey: randomUUID(),
            }}
          />
        ),
      }),
    );
  }

  /**
   * Sends the confirmed request; a refusal the person can fix goes back to the form. The
   * confirmation page's one-time key is claimed first (the API's idempotency keys, in this
   * transaction): a double press or a resent form waits for the first and answers as it did,
   * so one confirmation files at most one request.
   */
  @Post()
  @RequirePermission('payment.request')
  async create(
    @Param() params: Params,
    @Body() body: Record<string, string>,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<PageReply> {
    const ctx = this.pages.build(request, reply, params.agencyCode);
    const { award, lines } = await this.load(params);
    const form = readPaymentForm(body, lines);
    const key = (body.idempotencyKey ?? '').trim();
    if (!ONE_TIME_KEY.test(key)) throw new FormExpiredError();
    const claim = await this.keys.claim(key, requestFingerprint('POST', request.url, form));
    if (claim.kind === 'replay') {
      const first = claim.body as Remembered;
      if ('location' in first) return PageReply.redirect(first.location);
      return this.formPage(ctx, params, award.reference, lines, form, first.errors);
    }
    // A refusal is remembered too (this request commits); the form's next confirmation has a
    // new key, so the corrected request is a new attempt.
    const refused = async (errors: FieldError[]) => {
      await this.keys.complete(claim.id, 422, { errors } satisfies Remembered);
      return this.formPage(ctx, params, award.reference, lines, form, errors);
    };
    const errors = checkPaymentForm(ctx, form, lines, this.payments.paymentModels());
    if (errors.length > 0) return refused(errors);
    try {
      const created = await this.payments.create(params.organizationId, award.id, {
        type: form.type as 'reimbursement' | 'advance',
        periodStart: form.periodStart,
        periodEnd: form.periodEnd,
        description: form.description || undefined,
        lines: requestedLines(form, lines),
      });
      const base = awardBase(ctx, params.organizationId, award.id);
      const location = `${base}/payment-requests/${created.id}?sent=1`;
      await this.keys.complete(claim.id, 303, { location } satisfies Remembered);
      return PageReply.redirect(location);
    } catch (error) {
      if (!(error instanceof DomainError) || !FIXABLE.has(error.code)) throw error;
      return refused(refusals(ctx, error, lines));
    }
  }

  @Get(':requestId')
  @RequirePermission('payment.read')
  async show(
    @Param() params: Params,
    @Param('requestId') requestId: string,
    @Query('sent') sent: string | undefined,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<PageReply> {
    const ctx = this.pages.build(request, reply, params.agencyCode);
    const scope = { organizationId: params.organizationId };
    const award = await this.awards.get(scope, params.awardId);
    const view = await this.payments.get(scope, requestId);
    // The path names the award: another award's request is not found here.
    if (view.awardId !== award.id) throw new PaymentRequestNotFoundError();
    return PageReply.html(
      page({
        ctx,
        title: `${ctx.t('awards.payment.detailTitle', { reference: view.reference })} – ${award.subaward.programTitle}`,
        children: (
          <PaymentRequestPage
            ctx={ctx}
            view={{
              awardUrl: awardBase(ctx, params.organizationId, award.id),
              awardReference: award.reference,
              request: view,
              sent: !!sent,
            }}
          />
        ),
      }),
    );
  }

  private async load(params: Params) {
    const scope = { organizationId: params.organizationId };
    const award = await this.awards.get(scope, params.awardId);
    const lines = await this.payments.lineBalances(scope, award.id);
    return { award, lines };
  }

  private formPage(
    ctx: PageContext,
    params: Params,
    reference: string,
    lines: LineBalance[],
    form: PaymentForm,
    errors?: FieldError[],
  ): PageReply {
    return PageReply.html(
      page({
        ctx,
        title: ctx.t('awards.payment.newTitle', { reference }),
        hasErrors: !!errors,
        children: (
          <PaymentRequestFormPage
            ctx={ctx}
            view={{
              reference,
              awardUrl: awardBase(ctx, params.organizationId, params.awardId),
              lines,
              allowedTypes: this.payments.paymentModels(),
              form,
              errors,
            }}
          />
        ),
      }),
      errors ? 422 : 200,
    );
  }
}

/** A service refusal, in the reader's language, beside the field it is about. */
function refusals(ctx: PageContext, error: DomainError, lines: LineBalance[]): FieldError[] {
  const first = amountField(lines[0]);
  const x = error.extensions;
  const money = (value: unknown) => ctx.formats.money(typeof value === 'string' ? value : '0.00');
  if (
    error.code === 'payment.exceeds_budget_line' ||
    error.code === 'payment.unknown_budget_line'
  ) {
    const problems = (x.errors ?? []) as Array<{
      functionCode?: string;
      objectCode?: string;
      available?: string;
    }>;
    return problems.map((p) => ({
      field:
        p.functionCode && p.objectCode
          ? amountField({ functionCode: p.functionCode, objectCode: p.objectCode })
          : first,
      message:
        error.code === 'payment.unknown_budget_line'
          ? ctx.t('awards.payment.refusal.unknownLine')
          : ctx.t('awards.payment.refusal.lineLeft', { available: money(p.available) }),
    }));
  }
  switch (error.code) {
    case 'payment.exceeds_balance':
      return [
        {
          field: first,
          message: ctx.t('awards.payment.refusal.balance', { available: money(x.available) }),
        },
      ];
    case 'payment.future_costs':
      return [{ field: 'periodEnd', message: ctx.t('awards.payment.refusal.futureCosts') }];
    case 'payment.outside_period_of_availability': {
      const period = (x.periodOfAvailability ?? {}) as { start?: string; end?: string };
      return [
        {
          field: 'periodStart',
          message: ctx.t('awards.payment.refusal.outsidePeriod', {
            start: day(ctx, period.start),
            end: day(ctx, period.end),
          }),
        },
      ];
    }
    case 'payment.type_not_allowed':
      return [
        { field: 'type-reimbursement', message: ctx.t('awards.payment.refusal.typeNotAllowed') },
      ];
    case 'payment.award_not_active':
      return [{ field: first, message: ctx.t('awards.payment.refusal.notActive') }];
    default:
      return [{ field: first, message: ctx.t('awards.payment.refusal.invalid') }];
  }
}
