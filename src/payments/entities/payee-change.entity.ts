import {
  Check,
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { Agency } from '../../agencies/entities/agency.entity';
import { Organization } from '../../organizations/entities/organization.entity';

export const PAYEE_CHANGE_STATUSES = ['pending', 'activated', 'rejected', 'cancelled'] as const;
export type PayeeChangeStatus = (typeof PAYEE_CHANGE_STATUSES)[number];

/**
 * A requested change of an organization's bank details. It pays nobody until a DIFFERENT finance
 * officer (see separation-of-duties.ts) activates it; then it becomes the payee. Sealed like the
 * payee (its own id in the authenticated context). At most one pending change per organization:
 * a newer request cancels the older one.
 */
@Entity({ name: 'payee_changes' })
@Index('UQ_payee_changes_one_pending', ['agencyId', 'organizationId'], {
  unique: true,
  where: `"status" = 'pending'`,
})
@Index('IDX_payee_changes_organization', ['agencyId', 'organizationId', 'requestedAt'])
@Check('CHK_payee_changes_status', `"status" IN ('pending', 'activated', 'rejected', 'cancelled')`)
@Check('CHK_payee_changes_account_type', `"account_type" IN ('checking', 'savings')`)
export class PayeeChange {
  @PrimaryColumn({ name: 'agency_id', type: 'uuid', primaryKeyConstraintName: 'PK_payee_changes' })
  agencyId: string;

  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_payee_changes' })
  id: string;

  @ManyToOne(() => Agency)
  @JoinColumn({ name: 'agency_id', foreignKeyConstraintName: 'FK_payee_changes_agency' })
  agency?: Agency;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId: string;

  @ManyToOne(() => Organization)
  @JoinColumn([
    {
      name: 'agency_id',
      referencedColumnName: 'agencyId',
      foreignKeyConstraintName: 'FK_payee_changes_organization',
    },
    {
      name: 'organization_id',
      referencedColumnName: 'id',
      foreignKeyConstraintName: 'FK_payee_changes_organization',
    },
  ])
  organization?: Organization;

  @Column({ type: 'text', default: 'pending' })
  status: PayeeChangeStatus;

  @Column({ name: 'payee_name', type: 'text' })
  payeeName: string;

  @Column({ name: 'routing_number_sealed', type: 'text' })
  routingNumberSealed: string;

  @Column({ name: 'account_number_sealed', type: 'text' })
  accountNumberSealed: string;

  @Column({ name: 'account_type', type: 'text' })
  accountType: 'checking' | 'savings';

  @Column({ name: 'routing_number_mask', type: 'text' })
  routingNumberMask: string;

  @Column({ name: 'account_number_mask', type: 'text' })
  accountNumberMask: string;

  @Column({ name: 'requested_by', type: 'uuid' })
  requestedBy: string;

  @Column({ name: 'requested_at', type: 'timestamptz', default: () => 'now()' })
  requestedAt: Date;

  @Column({ name: 'decided_by', type: 'uuid', nullable: true })
  decidedBy: string | null;

  @Column({ name: 'decided_at', type: 'timestamptz', nullable: true })
  decidedAt: Date | null;

  @Column({ name: 'decision_reason', type: 'text', nullable: true })
  decisionReason: string | null;

  /** The payee version this change became when activated. */
  @Column({ name: 'payee_version', type: 'integer', nullable: true })
  payeeVersion: number | null;
}
