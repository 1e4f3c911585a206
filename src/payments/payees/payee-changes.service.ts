import { Injectable } from '@nestjs/common';
import { Clock } from '../../core/clock/clock';
import { randomUUID } from 'node:crypto';
import { AwardNotifications } from '../../awards/award-notifications';
import { isUniqueViolation } from '../../core/database/unique-violation';
import { AuditLog } from '../../core/audit/audit-log';
import { RequestContext } from '../../core/context/request-context';
import { TenantDb } from '../../core/context/tenant-db';
import { maskAccountNumber } from '../../core/crypto/field-cipher';
import { FieldProblem } from '../../core/errors/domain-error';
import { isUuid } from '../../core/ids';
import { DutyDirectory } from '../../identity/duties/duty-directory';
import { OrganizationDirectory } from '../../organizations/organization-directory';
import { Payee } from '../entities/payee.entity';
import { PayeeChange, PayeeChangeStatus } from '../entities/payee-change.entity';
import { isRoutingNumber } from '../export/routing-number';
import {
  PayeeBatchInProgressError,
  PayeeChangeNotFoundError,
  PayeeChangeNotRequesterError,
  PayeeChangeStateError,
  PayeeInvalidError,
  PayeeSelfActivationError,
} from '../payments.errors';
import { PaymentRecords } from '../requests/payment-records';
import { Payees, payeeView, PayeeSeal } from './payees.service';
import { sql } from '../../core/database/sql-statement';
import { PaymentBatch } from '../entities/payment-batch.entity';

const BATCHES_BEING_WRITTEN = sql<Pick<PaymentBatch, 'id'>>(
  'payments.batches-being-written-for-organization',
  `SELECT DISTINCT b.id FROM payment_requests r
     JOIN payment_batches b ON b.agency_id = r.agency_id AND b.id = r.batch_id
    WHERE r.agency_id = $1 AND r.organization_id = $2 AND r.status = 'batched'
      AND b.status = 'exporting'`,
);

export interface PayeeInput {
  payeeName: string;
  routingNumber: string;
  accountNumber: string;
  accountType: 'checking' | 'savings';
}

/** What any response shows of a payee change: masks only, never the numbers. */
export const payeeChangeView = (c: PayeeChange) => ({
  id: c.id,
  organizationId: c.organizationId,
  status: c.status,
  payeeName: c.payeeName,
  routingNumber: c.routingNumberMask,
  accountNumber: c.accountNumberMask,
  accountType: c.accountType,
  requestedBy: c.requestedBy,
  requestedAt: c.requestedAt.toISOString(),
  decidedBy: c.decidedBy,
  decidedAt: c.decidedAt?.toISOString() ?? null,
  decisionReason: c.decisionReason,
  payeeVersion: c.payeeVersion,
});

/**
 * Changing where an organization is paid takes two people (the classic payment-fraud target):
 * one finance officer requests new bank details, a different one (separation-of-duties.ts)
 * activates them. Until then the old details, or none, stay in force. The organization's admins
 * and authorized representatives hear of every request and activation. Activating re-binds the
 * organization's open payment requests to the new payee: their approvals lapse and approved
 * ones go back for approval, so nothing approved for one account is paid to another.
 */
@Injectable()
export class PayeeChanges {
  constructor(
    private readonly db: TenantDb,
    private readonly context: RequestContext,
    private readonly organizations: OrganizationDirectory,
    private readonly payees: Payees,
    private readonly seal: PayeeSeal,
    private readonly records: PaymentRecords,
    private readonly duties: DutyDirectory,
    private readonly audit: AuditLog,
    private readonly notifications: AwardNotifications,
    private readonly clock: Clock,
  ) {}

  async request(organizationId: string, input: PayeeInput) {
    const organization = await this.organizations.get(organizationId);
    const problems: FieldProblem[] = [];
    if (!isRoutingNumber(input.routingNumber)) {
      problems.push({
        pointer: '/routingNumber',
        detail: 'must be 9 digits with a valid check digit',
      });
    }
    if (!/^[0-9A-Za-z-]{1,17}$/.test(input.accountNumber)) {
      problems.push({
        pointer: '/accountNumber',
        detail: 'must be 1-17 letters, digits or hyphens',
      });
    }
    if (problems.length > 0) throw new PayeeInvalidError(problems);
    const requester = this.context.requireUser().userId;
    // One pending change per organization: the newest request replaces an older one.
    for (const older of await this.pending(organization.id)) {
      await this.close(older, 'cancelled', 'replaced by a newer request');
    }
    const repo = this.db.repo(PayeeChange);
    const row = { agencyId: this.db.agencyId, organizationId: organization.id, id: randomUUID() };
    const change = repo.create({
      ...row,
      status: 'pending',
      payeeName: input.payeeName,
      accountType: input.accountType,
      routingNumberSealed: this.seal.seal('payee-change', row, 'routing', input.routingNumber),
      accountNumberSealed: this.seal.seal('payee-change', row, 'account', input.accountNumber),
      routingNumberMask: maskAccountNumber(input.routingNumber),
      accountNumberMask: maskAccountNumber(input.accountNumber),
      requestedBy: requester,
      requestedAt: this.clock.now(),
      decidedBy: null,
      decidedAt: null,
      decisionReason: null,
      payeeVersion: null,
    });
    try {
      await repo.save(change);
    } catch (error) {
      // Two requests at once for one organization: the second is told, not failed with a 500.
      if (isUniqueViolation(error, 'UQ_payee_changes_one_pending'))
        throw new PayeeChangeStateError('already pending for this organization');
      throw error;
    }
    await this.audit.record({
      action: 'payee_change.requested',
      entityType: 'payee_change',
      entityId: change.id,
      after: payeeChangeView(change),
    });
    await this.tell(change, organization.legalName);
    return payeeChangeView(change);
  }

  async list(organizationId: string, status?: PayeeChangeStatus) {
    const organization = await this.organizations.get(organizationId);
    const rows = await this.db.repo(PayeeChange).find({
      where: {
        agencyId: this.db.agencyId,
        organizationId: organization.id,
        ...(status ? { status } : {}),
      },
      order: { requestedAt: 'DESC', id: 'DESC' },
      take: 100,
    });
    return { items: rows.map(payeeChangeView) };
  }

  /** A different finance officer makes the requested details the organization's payee. */
  async activate(organizationId: string, changeId: string) {
    const organization = await this.organizations.get(organizationId);
    // The payee row first (every payee writer's order), then the change.
    const existing = await this.payees.find(organization.id, true);
    const change = await this.lockPending(organization.id, changeId);
    await this.duties.assertMayDecide(
      'payee_change',
      { requesterId: change.requestedBy, organizationId: organization.id },
      () => new PayeeSelfActivationError(),
    );
    const writing = await this.batchesBeingWritten(organization.id);
    if (writing.length > 0) throw new PayeeBatchInProgressError(writing);

    const activator = this.context.requireUser().userId;
    const repo = this.db.repo(Payee);
    const before = existing ? payeeView(existing) : undefined;
    const payee =
      existing ??
      repo.create({
        agencyId: this.db.agencyId,
        organizationId: organization.id,
        id: randomUUID(),
        version: 0,
      });
    const routing = this.seal.open('payee-change', change, 'routing', change.routingNumberSealed);
    const account = this.seal.open('payee-change', change, 'account', change.accountNumberSealed);
    Object.assign(payee, {
      payeeName: change.payeeName,
      accountType: change.accountType,
      // Re-sealed under the payee row's own context (v2: organization bound).
      routingNumberSealed: this.seal.seal('payee', payee, 'routing', routing),
      accountNumberSealed: this.seal.seal('payee', payee, 'account', account),
      routingNumberMask: change.routingNumberMask,
      accountNumberMask: change.accountNumberMask,
      version: payee.version + 1,
      updatedBy: change.requestedBy,
      activatedBy: activator,
      changeId: change.id,
      updatedAt: this.clock.now(),
    });
    await repo.save(payee);
    Object.assign(change, {
      status: 'activated',
      decidedBy: activator,
      decidedAt: this.clock.now(),
      payeeVersion: payee.version,
    });
    await this.db.repo(PayeeChange).save(change);
    await this.audit.record({
      action: existing ? 'payee.updated' : 'payee.created',
      entityType: 'payee',
      entityId: payee.id,
      before,
      after: { ...payeeView(payee), changeId: change.id },
    });
    await this.audit.record({
      action: 'payee_change.activated',
      entityType: 'payee_change',
      entityId: change.id,
      before: { status: 'pending' },
      after: payeeChangeView(change),
    });
    await this.sendBack(organization.id, payee);
    await this.tell(change, organization.legalName);
    return payeeView(payee);
  }

  /** Another finance officer turns the request down (reason required). */
  async reject(organizationId: string, changeId: string, reason: string) {
    const organization = await this.organizations.get(organizationId);
    const change = await this.lockPending(organization.id, changeId);
    // A decision like activation: the same people may not take it (the requester cancels).
    await this.duties.assertMayDecide(
      'payee_change',
      { requesterId: change.requestedBy, organizationId: organization.id },
      () => new PayeeSelfActivationError(),
    );
    await this.close(change, 'rejected', reason);
    await this.tell(change, organization.legalName);
    return payeeChangeView(change);
  }

  /** The requester withdraws their own request. */
  async cancel(organizationId: string, changeId: string, reason?: string) {
    const organization = await this.organizations.get(organizationId);
    const change = await this.lockPending(organization.id, changeId);
    if (change.requestedBy !== this.context.requireUser().userId) {
      throw new PayeeChangeNotRequesterError();
    }
    await this.close(change, 'cancelled', reason ?? null);
    await this.tell(change, organization.legalName);
    return payeeChangeView(change);
  }

  private async close(
    change: PayeeChange,
    status: 'rejected' | 'cancelled',
    reason: string | null,
  ) {
    Object.assign(change, {
      status,
      decidedBy: this.context.requireUser().userId,
      decidedAt: this.clock.now(),
      decisionReason: reason,
    });
    await this.db.repo(PayeeChange).save(change);
    await this.audit.record({
      action: `payee_change.${status}`,
      entityType: 'payee_change',
      entityId: change.id,
      before: { status: 'pending' },
      after: payeeChangeView(change),
    });
  }

  /** Open requests of the organization now follow the new payee; approvals of the old lapse. */
  private async sendBack(organizationId: string, payee: Payee): Promise<void> {
    const changed = await this.records.rebindToPayee(organizationId, {
      id: payee.id,
      version: payee.version,
    });
    for (const { request, previousStatus, previousHash } of changed) {
      await this.audit.record({
        action: 'payment_request.payee_rebound',
        entityType: 'payment_request',
        entityId: request.id,
        before: { status: previousStatus, contentHash: previousHash },
        after: {
          status: request.status,
          contentHash: request.contentHash,
          payeeId: payee.id,
          payeeVersion: payee.version,
          approvalsLapsed: true,
        },
      });
    }
  }

  private async batchesBeingWritten(organizationId: string): Promise<string[]> {
    const rows = await this.db.rows(BATCHES_BEING_WRITTEN, [this.db.agencyId, organizationId]);
    return rows.map((r) => r.id);
  }

  private async pending(organizationId: string): Promise<PayeeChange[]> {
    return this.db.repo(PayeeChange).find({
      where: { agencyId: this.db.agencyId, organizationId, status: 'pending' },
      lock: { mode: 'pessimistic_write' },
    });
  }

  private async lockPending(organizationId: string, changeId: string): Promise<PayeeChange> {
    const change = isUuid(changeId)
      ? await this.db.repo(PayeeChange).findOne({
          where: { agencyId: this.db.agencyId, organizationId, id: changeId },
          lock: { mode: 'pessimistic_write' },
        })
      : null;
    if (!change) throw new PayeeChangeNotFoundError();
    if (change.status !== 'pending') throw new PayeeChangeStateError(change.status);
    return change;
  }

  /** Every request, activation, rejection: to the organization's admins and representatives. */
  private async tell(change: PayeeChange, organizationName: string): Promise<void> {
    const contacts = await this.notifications.organizationContacts(change.organizationId);
    await this.notifications.send(
      'payee.change',
      {
        organizationName,
        status: change.status,
        payeeName: change.payeeName,
        accountNumber: change.accountNumberMask,
      },
      contacts,
      `/organizations/${change.organizationId}/payee`,
    );
  }
}
