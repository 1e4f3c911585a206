import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '../../core/config/config.module';
import { AppConfig } from '../../core/config/env';
import { TenantDb } from '../../core/context/tenant-db';
import { FieldCipher } from '../../core/crypto/field-cipher';
import { DutyConflictError, DutyDirectory } from '../../identity/duties/duty-directory';
import { Payee } from '../entities/payee.entity';
import { PaymentRequest } from '../entities/payment-request.entity';
import { PayeeChangedError, PayeeDutyConflictError, PayeeNotFoundError } from '../payments.errors';

export interface PayeeBankDetails {
  organizationId: string;
  payeeName: string;
  routingNumber: string;
  accountNumber: string;
  accountType: 'checking' | 'savings';
}

/** The payee a payment approval is bound to (null: the organization had none). */
export interface PayeeBinding {
  id: string;
  version: number;
}

/** What any response shows of a payee: masks only, never the numbers. */
export const payeeView = (p: Payee) => ({
  id: p.id,
  organizationId: p.organizationId,
  payeeName: p.payeeName,
  routingNumber: p.routingNumberMask,
  accountNumber: p.accountNumberMask,
  accountType: p.accountType,
  version: p.version,
  updatedBy: p.updatedBy,
  activatedBy: p.activatedBy,
  updatedAt: p.updatedAt.toISOString(),
});

export type SealedField = 'routing' | 'account';

/**
 * The AES-256-GCM cipher for bank details and the authenticated context of each sealed field.
 * v2 binds agency, organization, row id and field, so a value copied to another row, field or
 * organization does not open; v1 values (before the organization was bound) open with their
 * legacy context and are re-sealed as v2 when the payee is next activated.
 */
@Injectable()
export class PayeeSeal {
  private readonly cipher: FieldCipher;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.cipher = new FieldCipher(config.payeeEncryptionKey);
  }

  seal(kind: 'payee' | 'payee-change', row: SealedRow, field: SealedField, plain: string) {
    return this.cipher.seal(plain, context(kind, row, field));
  }

  open(kind: 'payee' | 'payee-change', row: SealedRow, field: SealedField, sealed: string) {
    return this.cipher.open(
      sealed,
      context(kind, row, field),
      `${kind}:${row.agencyId}:${row.id}:${field}`,
    );
  }
}

interface SealedRow {
  agencyId: string;
  organizationId: string;
  id: string;
}

const context = (kind: string, row: SealedRow, field: SealedField) =>
  `${kind}:${row.agencyId}:${row.organizationId}:${row.id}:${field}`;

/**
 * Organizations' ACTIVE bank details (changes go through PayeeChanges and a second finance
 * officer). Numbers are decrypted only while a payment file is written. Also the payee side of
 * paying: which payee an approval is bound to, and the checks a batch makes before it pays.
 */
@Injectable()
export class Payees {
  constructor(
    private readonly db: TenantDb,
    private readonly seal: PayeeSeal,
    private readonly duties: DutyDirectory,
  ) {}

  async get(organizationId: string) {
    const payee = await this.find(organizationId);
    if (!payee) throw new PayeeNotFoundError();
    return payeeView(payee);
  }

  async find(organizationId: string, lock = false): Promise<Payee | null> {
    return this.db.repo(Payee).findOne({
      where: { agencyId: this.db.agencyId, organizationId },
      ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
    });
  }

  /** The active payee of each organization (absent: none yet). */
  async active(organizationIds: string[]): Promise<Map<string, Payee>> {
    const ids = [...new Set(organizationIds)];
    if (ids.length === 0) return new Map();
    const rows = await this.db
      .repo(Payee)
      .createQueryBuilder('p')
      .where('p.agency_id = :agencyId AND p.organization_id IN (:...ids)', {
        agencyId: this.db.agencyId,
        ids,
      })
      .getMany();
    return new Map(rows.map((p) => [p.organizationId, p]));
  }

  async binding(organizationId: string): Promise<PayeeBinding | null> {
    const payee = (await this.active([organizationId])).get(organizationId);
    return payee ? { id: payee.id, version: payee.version } : null;
  }

  /** Decrypted bank details of these organizations (only for writing a payment file). */
  async bankDetails(organizationIds: string[]): Promise<Map<string, PayeeBankDetails>> {
    const rows = await this.active(organizationIds);
    return new Map(
      [...rows.values()].map((p) => [
        p.organizationId,
        {
          organizationId: p.organizationId,
          payeeName: p.payeeName,
          accountType: p.accountType,
          routingNumber: this.seal.open('payee', p, 'routing', p.routingNumberSealed),
          accountNumber: this.seal.open('payee', p, 'account', p.accountNumberSealed),
        },
      ]),
    );
  }

  async organizationsWithout(organizationIds: string[]): Promise<string[]> {
    const found = await this.active(organizationIds);
    return [...new Set(organizationIds)].filter((id) => !found.has(id));
  }

  /** Requests whose payee (id, version) is no longer the one their approvals are bound to. */
  async staleBindings(requests: PaymentRequest[]): Promise<PaymentRequest[]> {
    const active = await this.active(requests.map((r) => r.organizationId));
    return requests.filter((r) => !sameBinding(r, active.get(r.organizationId)));
  }

  /**
   * Before a batch pays these requests: each must still be bound to its organization's active
   * payee (an approval never pays another account), and whoever requested or activated that
   * payee may not be the one creating the batch (separation of duties).
   */
  async checkBatch(requests: PaymentRequest[], creatorId: string): Promise<void> {
    const active = await this.active(requests.map((r) => r.organizationId));
    const stale = requests.filter((r) => !sameBinding(r, active.get(r.organizationId)));
    if (stale.length > 0) throw new PayeeChangedError(stale.map((r) => r.id));
    // Creating the batch decides to pay: the one separation-of-duties rule, per request.
    const found = await this.duties.firstConflict(
      creatorId,
      requests.map((r) => ({
        requestId: r.id,
        requesterId: r.requestedBy,
        organizationId: r.organizationId,
        payeeChangedBy: payeeChangers(active.get(r.organizationId)),
      })),
    );
    if (found?.conflict === 'payee_changer') {
      throw new PayeeDutyConflictError([found.case.organizationId]);
    }
    if (found) {
      throw new DutyConflictError('payment_batch', found.conflict, {
        paymentRequestId: found.case.requestId,
      });
    }
  }
}

/** Who chose the payee's bank details: its change's requester and its activator (no batch). */
export function payeeChangers(payee: Payee | undefined | null): string[] {
  return [payee?.updatedBy, payee?.activatedBy].filter((id): id is string => !!id);
}

/**
 * Who asked for the bank details in force: may not approve paying into them (ARCHITECTURE rule
 * 13). The activator may: they checked someone else's request, so redirecting money still needs
 * two people, and excluding them too would make a dual-approval agency need four finance officers
 * for every district whose bank details ever changed.
 */
export function payeeRequesters(payee: Payee | undefined | null): string[] {
  return [payee?.updatedBy].filter((id): id is string => !!id);
}

export function sameBinding(
  request: Pick<PaymentRequest, 'payeeId' | 'payeeVersion'>,
  payee: PayeeBinding | undefined | null,
): boolean {
  return (
    (request.payeeId ?? null) === (payee?.id ?? null) &&
    (request.payeeVersion ?? null) === (payee?.version ?? null)
  );
}
