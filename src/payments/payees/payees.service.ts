import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AuditLog } from '../../core/audit/audit-log';
import { APP_CONFIG } from '../../core/config/config.module';
import { AppConfig } from '../../core/config/env';
import { RequestContext } from '../../core/context/request-context';
import { TenantDb } from '../../core/context/tenant-db';
import { FieldCipher, maskAccountNumber } from '../../core/crypto/field-cipher';
import { FieldProblem } from '../../core/errors/domain-error';
import { OrganizationDirectory } from '../../organizations/organization-directory';
import { Payee } from '../entities/payee.entity';
import { isRoutingNumber } from '../export/routing-number';
import { PayeeInvalidError, PayeeNotFoundError } from '../payments.errors';

export interface PayeeInput {
  payeeName: string;
  routingNumber: string;
  accountNumber: string;
  accountType: 'checking' | 'savings';
}

export interface PayeeBankDetails {
  organizationId: string;
  payeeName: string;
  routingNumber: string;
  accountNumber: string;
  accountType: 'checking' | 'savings';
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
  updatedAt: p.updatedAt.toISOString(),
});

/**
 * Organizations' bank details, sealed at rest with AES-256-GCM (PAYEE_ENCRYPTION_KEY). The
 * payee id and field name are the authenticated context, so a sealed value copied to another
 * row or field does not open. Numbers are decrypted only while a payment file is written.
 */
@Injectable()
export class Payees {
  private readonly cipher: FieldCipher;

  constructor(
    private readonly db: TenantDb,
    private readonly context: RequestContext,
    private readonly organizations: OrganizationDirectory,
    private readonly audit: AuditLog,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.cipher = new FieldCipher(config.payeeEncryptionKey);
  }

  async get(organizationId: string) {
    const payee = await this.find(organizationId);
    if (!payee) throw new PayeeNotFoundError();
    return payeeView(payee);
  }

  async put(organizationId: string, input: PayeeInput) {
    await this.organizations.get(organizationId);
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
    const repo = this.db.repo(Payee);
    const existing = await this.find(organizationId, true);
    const payee =
      existing ?? repo.create({ agencyId: this.db.agencyId, organizationId, version: 0 });
    payee.id ??= randomUUID();
    const before = existing ? payeeView(existing) : undefined;
    Object.assign(payee, {
      payeeName: input.payeeName,
      accountType: input.accountType,
      routingNumberSealed: this.cipher.seal(input.routingNumber, this.aad(payee.id, 'routing')),
      accountNumberSealed: this.cipher.seal(input.accountNumber, this.aad(payee.id, 'account')),
      routingNumberMask: maskAccountNumber(input.routingNumber),
      accountNumberMask: maskAccountNumber(input.accountNumber),
      version: payee.version + 1,
      updatedBy: this.context.actor?.userId ?? null,
      updatedAt: new Date(),
    });
    await repo.save(payee);
    await this.audit.record({
      action: existing ? 'payee.updated' : 'payee.created',
      entityType: 'payee',
      entityId: payee.id,
      before,
      after: payeeView(payee),
    });
    return payeeView(payee);
  }

  /** Decrypted bank details of these organizations (only for writing a payment file). */
  async bankDetails(organizationIds: string[]): Promise<Map<string, PayeeBankDetails>> {
    if (organizationIds.length === 0) return new Map();
    const rows = await this.db
      .repo(Payee)
      .createQueryBuilder('p')
      .where('p.agency_id = :agencyId AND p.organization_id IN (:...ids)', {
        agencyId: this.db.agencyId,
        ids: [...new Set(organizationIds)],
      })
      .getMany();
    return new Map(
      rows.map((p) => [
        p.organizationId,
        {
          organizationId: p.organizationId,
          payeeName: p.payeeName,
          accountType: p.accountType,
          routingNumber: this.cipher.open(p.routingNumberSealed, this.aad(p.id, 'routing')),
          accountNumber: this.cipher.open(p.accountNumberSealed, this.aad(p.id, 'account')),
        },
      ]),
    );
  }

  async organizationsWithout(organizationIds: string[]): Promise<string[]> {
    const rows: Array<{ organization_id: string }> = await this.db.manager.query(
      'SELECT organization_id FROM payees WHERE agency_id = $1 AND organization_id = ANY($2::uuid[])',
      [this.db.agencyId, [...new Set(organizationIds)]],
    );
    const found = new Set(rows.map((r) => r.organization_id));
    return [...new Set(organizationIds)].filter((id) => !found.has(id));
  }

  private async find(organizationId: string, lock = false): Promise<Payee | null> {
    return this.db.repo(Payee).findOne({
      where: { agencyId: this.db.agencyId, organizationId },
      ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
    });
  }

  private aad(payeeId: string, field: 'routing' | 'account'): string {
    return `payee:${this.db.agencyId}:${payeeId}:${field}`;
  }
}
