import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { RequirePermission, RequireRecentSecondFactor } from '../core/access/access.decorators';
import { ReadReplica } from '../core/context/read-replica';
import { SendsEmail } from '../core/http/rate-limits';
import { Idempotent } from '../core/idempotency/idempotent-responses';
import { PaymentApprovals } from './approvals/payment-approvals.service';
import {
  ApprovalDto,
  PaymentRequestDto,
  PaymentRequestListQuery,
  PayeeChangeCancelDto,
  PayeeChangeListQuery,
  PayeeDto,
  RejectionDto,
} from './dto/payment.dto';
import { Ledger } from '../ledger/ledger';
import { PayeeChanges } from './payees/payee-changes.service';
import { Payees } from './payees/payees.service';
import { PaymentRequests } from './requests/payment-requests.service';

/** The organization's side: requesting payments on its awards and following them. */
@ApiTags('payments')
@Controller('agencies/:agencyCode/organizations/:organizationId')
export class OrganizationPaymentsController {
  constructor(
    private readonly requests: PaymentRequests,
    private readonly payees: Payees,
    private readonly payeeChanges: PayeeChanges,
    private readonly replica: ReadReplica,
  ) {}

  /** Reimbursement or advance by budget line and period. Requires an Idempotency-Key. */
  @Post('awards/:awardId/payment-requests')
  @SendsEmail()
  @RequirePermission('payment.request')
  @Idempotent()
  create(
    @Param('organizationId') organizationId: string,
    @Param('awardId') awardId: string,
    @Body() dto: PaymentRequestDto,
  ) {
    return this.requests.create(organizationId, awardId, dto);
  }

  @Get('awards/:awardId/balance')
  @RequirePermission('payment.read')
  balance(@Param('organizationId') organizationId: string, @Param('awardId') awardId: string) {
    return this.requests.awardPosition({ organizationId }, awardId);
  }

  @Get('payment-requests')
  @RequirePermission('payment.read')
  list(@Param('organizationId') organizationId: string, @Query() query: PaymentRequestListQuery) {
    // A list to browse (the web pages that show one after a write read the primary).
    return this.replica.lagTolerant(() => this.requests.list({ organizationId }, query));
  }

  @Get('payment-requests/:requestId')
  @RequirePermission('payment.read')
  get(@Param('organizationId') organizationId: string, @Param('requestId') requestId: string) {
    return this.requests.get({ organizationId }, requestId);
  }

  /** Bank details, masked. */
  @Get('payee')
  @RequirePermission('payment.read')
  payee(@Param('organizationId') organizationId: string) {
    return this.payees.get(organizationId);
  }

  /**
   * The district's administrator or representative, or a finance officer, requests new bank
   * details (sealed at rest). They stay pending, and pay nobody, until a different finance
   * officer activates them (who is never a member of the organization).
   */
  @Post('payee')
  @SendsEmail()
  @RequirePermission('payee.request')
  requestPayeeChange(@Param('organizationId') organizationId: string, @Body() dto: PayeeDto) {
    return this.payeeChanges.request(organizationId, dto);
  }

  /** Requested changes of the bank details, newest first (masked). */
  @Get('payee/changes')
  @RequirePermission('payment.read')
  listPayeeChanges(
    @Param('organizationId') organizationId: string,
    @Query() query: PayeeChangeListQuery,
  ) {
    return this.payeeChanges.list(organizationId, query.status);
  }

  /** A different finance officer activates a pending change: it becomes the payee. */
  @Post('payee/changes/:changeId/activate')
  @SendsEmail()
  @HttpCode(200)
  @RequirePermission('payment.batch')
  @RequireRecentSecondFactor()
  activatePayeeChange(
    @Param('organizationId') organizationId: string,
    @Param('changeId') changeId: string,
  ) {
    return this.payeeChanges.activate(organizationId, changeId);
  }

  @Post('payee/changes/:changeId/reject')
  @SendsEmail()
  @HttpCode(200)
  @RequirePermission('payment.batch')
  rejectPayeeChange(
    @Param('organizationId') organizationId: string,
    @Param('changeId') changeId: string,
    @Body() dto: RejectionDto,
  ) {
    return this.payeeChanges.reject(organizationId, changeId, dto.reason);
  }

  /** The requester withdraws their pending change. */
  @Post('payee/changes/:changeId/cancel')
  @SendsEmail()
  @HttpCode(200)
  @RequirePermission('payment.batch')
  cancelPayeeChange(
    @Param('organizationId') organizationId: string,
    @Param('changeId') changeId: string,
    @Body() dto: PayeeChangeCancelDto,
  ) {
    return this.payeeChanges.cancel(organizationId, changeId, dto?.reason);
  }
}

/** Finance officers: the approval queue and decisions; an award's ledger. */
@ApiTags('payments')
@Controller('agencies/:agencyCode')
export class PaymentRequestsController {
  constructor(
    private readonly requests: PaymentRequests,
    private readonly approvals: PaymentApprovals,
    private readonly ledger: Ledger,
    private readonly replica: ReadReplica,
  ) {}

  @Get('payment-requests')
  @RequirePermission('payment.read')
  list(@Query() query: PaymentRequestListQuery) {
    return this.replica.lagTolerant(() => this.requests.list({}, query));
  }

  @Get('payment-requests/:requestId')
  @RequirePermission('payment.read')
  get(@Param('requestId') requestId: string) {
    return this.requests.get({}, requestId);
  }

  /** Approve (optionally less, with a reason). Requires an Idempotency-Key. */
  @Post('payment-requests/:requestId/approve')
  @HttpCode(200)
  @RequirePermission('payment.approve')
  @RequireRecentSecondFactor()
  @Idempotent()
  approve(@Param('requestId') requestId: string, @Body() dto: ApprovalDto) {
    return this.approvals.approve(requestId, dto);
  }

  @Post('payment-requests/:requestId/reject')
  @HttpCode(200)
  @RequirePermission('payment.approve')
  @RequireRecentSecondFactor()
  reject(@Param('requestId') requestId: string, @Body() dto: RejectionDto) {
    return this.approvals.reject(requestId, dto.reason);
  }

  /** The award's balances (derived from the ledger) and every posting. */
  @Get('awards/:awardId/ledger')
  @RequirePermission('payment.read')
  async awardLedger(@Param('awardId') awardId: string) {
    const position = await this.requests.awardPosition({}, awardId);
    return { ...position, transactions: await this.ledger.history(position.awardId) };
  }
}
