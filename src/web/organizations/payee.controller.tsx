import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RequirePermission, WebPage } from '../../core/access/access.decorators';
import { RequestContext } from '../../core/context/request-context';
import { SendsEmail } from '../../core/http/rate-limits';
import { PageReply } from '../../core/http/page-reply';
import type { OrganizationView } from '../../organizations/organization.view';
import { OrganizationsService } from '../../organizations/organizations.service';
import { PayeeChanges } from '../../payments/payees/payee-changes.service';
import { Payees } from '../../payments/payees/payees.service';
import {
  PayeeChangeStateError,
  PayeeInvalidError,
  PayeeNotFoundError,
} from '../../payments/payments.errors';
import { PageContexts } from '../page-contexts';
import {
  Alert,
  CsrfField,
  ErrorSummary,
  errorFor,
  FieldError,
  TextField,
} from '../render/components';
import { page } from '../render/layout';
import type { PageContext } from '../render/page-context';
import { ChoiceGroup, textOf } from './form-controls';
import { rolesFor } from './organization-access';
import { Fact } from './overview.controller';

type Payee = Awaited<ReturnType<Payees['get']>>;
type PayeeChange = Awaited<ReturnType<PayeeChanges['list']>>['items'][number];

interface PayeeForm {
  payeeName: string;
  routingNumber: string;
  accountNumber: string;
  accountNumberConfirm: string;
  accountType: string;
}
const FIELDS = [
  'payeeName',
  'routingNumber',
  'accountNumber',
  'accountNumberConfirm',
  'accountType',
] as const;

interface PayeeView {
  organization: OrganizationView;
  payee: Payee | null;
  pending: PayeeChange | null;
  mayRequest: boolean;
  sent: boolean;
}

/** "****6789" -> "ending 6789": masks are all that ever reach a page. */
const ending = (ctx: PageContext, mask: string) =>
  ctx.t('organizations.payee.endingIn', { digits: mask.replace(/^\*+/, '') });

function PayeePage({
  ctx,
  view,
  form,
  errors,
}: {
  ctx: PageContext;
  view: PayeeView;
  form: Partial<PayeeForm>;
  errors?: FieldError[];
}) {
  const o = view.organization;
  const agency = ctx.agency!.displayName;
  const p = view.payee;
  return (
    <>
      <p>
        <a class="usa-link" href={`/${ctx.agency!.code}/organizations/${o.id}`}>
          {ctx.t('organizations.back', { organization: o.legalName })}
        </a>
      </p>
      <ErrorSummary ctx={ctx} errors={errors} />
      {view.sent && <Alert kind="success">{ctx.t('organizations.payee.sent')}</Alert>}
      <div class="usa-prose">
        <h1>{ctx.t('organizations.payee.title')}</h1>
        <p class="usa-intro">
          {ctx.t('organizations.payee.lead', { agency, organization: o.legalName })}
        </p>
      </div>
      {view.pending && (
        <Alert kind="warning" heading={ctx.t('organizations.payee.pendingHeading')}>
          {ctx.t('organizations.payee.pendingText', {
            date: ctx.formats.dateTime(new Date(view.pending.requestedAt)),
          })}{' '}
          {view.pending.payeeName},{' '}
          {ctx.t(`organizations.payee.accountTypes.${view.pending.accountType}`)},{' '}
          {ending(ctx, view.pending.accountNumber)}
        </Alert>
      )}
      <h2>{ctx.t('organizations.payee.current')}</h2>
      {p ? (
        <dl>
          <Fact term={ctx.t('organizations.payee.payeeName')}>{p.payeeName}</Fact>
          <Fact term={ctx.t('organizations.payee.accountType')}>
            {ctx.t(`organizations.payee.accountTypes.${p.accountType}`)}
          </Fact>
          <Fact term={ctx.t('organizations.payee.routing')}>{ending(ctx, p.routingNumber)}</Fact>
          <Fact term={ctx.t('organizations.payee.account')}>{ending(ctx, p.accountNumber)}</Fact>
        </dl>
      ) : (
        <p>{ctx.t('organizations.payee.none')}</p>
      )}
      <h2 class="margin-top-5">{ctx.t('organizations.payee.changeHeading')}</h2>
      {view.mayRequest ? (
        <form
          class="usa-form usa-form--large"
          method="post"
          action={`/${ctx.agency!.code}/organizations/${o.id}/payee`}
          novalidate
          autocomplete="off"
        >
          <p>{ctx.t('organizations.payee.changeLead', { agency })}</p>
          <CsrfField ctx={ctx} />
          <TextField
            name="payeeName"
            label={ctx.t('organizations.payee.payeeName')}
            value={form.payeeName}
            error={errorFor(errors, 'payeeName')}
            width="xl"
          />
          <ChoiceGroup
            name="accountType"
            type="radio"
            legend={ctx.t('organizations.payee.accountType')}
            choices={(['checking', 'savings'] as const).map((type) => ({
              value: type,
              label: ctx.t(`organizations.payee.accountTypes.${type}`),
            }))}
            checked={form.accountType ? [form.accountType] : []}
            error={errorFor(errors, 'accountType')}
          />
          <TextField
            name="routingNumber"
            label={ctx.t('organizations.payee.routing')}
            hint={ctx.t('organizations.payee.routingHint')}
            value={form.routingNumber}
            error={errorFor(errors, 'routingNumber')}
            inputMode="numeric"
            width="md"
          />
          <TextField
            name="accountNumber"
            label={ctx.t('organizations.payee.account')}
            hint={ctx.t('organizations.payee.accountNumberHint')}
            error={errorFor(errors, 'accountNumber')}
            width="lg"
          />
          <TextField
            name="accountNumberConfirm"
            label={ctx.t('organizations.payee.accountNumberConfirm')}
            error={errorFor(errors, 'accountNumberConfirm')}
            width="lg"
          />
          <button class="usa-button" type="submit">
            {ctx.t('organizations.payee.submit')}
          </button>
        </form>
      ) : (
        <p>{ctx.t('organizations.payee.cannotChange')}</p>
      )}
    </>
  );
}

/**
 * The organization's bank details, masked, and new ones sent as a pending change through the
 * payee-change service the API uses: they pay nobody until a different finance officer, who is
 * not a member of the organization, activates them.
 */
@WebPage()
@Controller(':agencyCode/organizations/:organizationId/payee')
export class PayeeController {
  constructor(
    private readonly pages: PageContexts,
    private readonly organizations: OrganizationsService,
    private readonly payees: Payees,
    private readonly changes: PayeeChanges,
    private readonly context: RequestContext,
  ) {}

  @Get()
  @RequirePermission('payment.read')
  async show(
    @Param('agencyCode') agencyCode: string,
    @Param('organizationId') organizationId: string,
    @Query('sent') sent: string | undefined,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<PageReply> {
    const ctx = this.pages.build(request, reply, agencyCode);
    const view = await this.view(organizationId, sent === '1');
    return this.page(ctx, view, {});
  }

  @Post()
  @SendsEmail()
  @RequirePermission('payee.request')
  async request(
    @Param('agencyCode') agencyCode: string,
    @Param('organizationId') organizationId: string,
    @Body() body: Record<string, unknown>,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<PageReply> {
    const ctx = this.pages.build(request, reply, agencyCode);
    const form: PayeeForm = {
      payeeName: textOf(body.payeeName),
      routingNumber: textOf(body.routingNumber),
      accountNumber: textOf(body.accountNumber),
      accountNumberConfirm: textOf(body.accountNumberConfirm),
      accountType: textOf(body.accountType),
    };
    const message = (field: (typeof FIELDS)[number] | 'alreadyPending') =>
      ctx.t(`organizations.payee.errors.${field}`);
    const failed = new Set<(typeof FIELDS)[number]>();
    if (form.payeeName.length < 1 || form.payeeName.length > 200) failed.add('payeeName');
    if (form.accountType !== 'checking' && form.accountType !== 'savings')
      failed.add('accountType');
    if (!form.accountNumber) failed.add('accountNumber');
    else if (form.accountNumber !== form.accountNumberConfirm) failed.add('accountNumberConfirm');
    // Routing and account number formats are the service's rules (PayeeInvalidError below).
    let errors = FIELDS.filter((f) => failed.has(f)).map((field) => ({
      field,
      message: message(field),
    }));
    if (errors.length === 0) {
      try {
        await this.changes.request(organizationId, {
          payeeName: form.payeeName,
          routingNumber: form.routingNumber,
          accountNumber: form.accountNumber,
          accountType: form.accountType as 'checking' | 'savings',
        });
        return PageReply.redirect(`/${agencyCode}/organizations/${organizationId}/payee?sent=1`);
      } catch (error) {
        if (error instanceof PayeeInvalidError) {
          const problems = (error.extensions.errors ?? []) as Array<{ pointer: string }>;
          errors = FIELDS.filter((f) => problems.some((p) => p.pointer === `/${f}`)).map(
            (field) => ({ field, message: message(field) }),
          );
        } else if (error instanceof PayeeChangeStateError) {
          errors = [{ field: 'payeeName', message: message('alreadyPending') }];
        } else throw error;
      }
    }
    // Account numbers are not sent back to the browser: typed again, like a password.
    const kept = { ...form, accountNumber: '', accountNumberConfirm: '' };
    return this.page(ctx, await this.view(organizationId, false), kept, errors, 422);
  }

  private async view(organizationId: string, sent: boolean): Promise<PayeeView> {
    const organization = await this.organizations.get(organizationId);
    const payee = await this.payees.get(organizationId).catch((error: unknown) => {
      if (error instanceof PayeeNotFoundError) return null;
      throw error;
    });
    const { items } = await this.changes.list(organizationId, 'pending');
    return {
      organization,
      payee,
      pending: items[0] ?? null,
      mayRequest: rolesFor(this.context, organizationId).may('payee.request'),
      sent,
    };
  }

  private page(
    ctx: PageContext,
    view: PayeeView,
    form: Partial<PayeeForm>,
    errors?: FieldError[],
    status = 200,
  ): PageReply {
    return PageReply.html(
      page({
        ctx,
        title: `${ctx.t('organizations.payee.title')} – ${view.organization.legalName}`,
        hasErrors: !!errors?.length,
        children: <PayeePage ctx={ctx} view={view} form={form} errors={errors} />,
      }),
      status,
    );
  }
}
