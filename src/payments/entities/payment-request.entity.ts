import {
  Check,
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  Unique,
} from 'typeorm';
import { Agency } from '../../agencies/entities/agency.entity';
import { Award } from '../../awards/entities/award.entity';
import { PaymentRequestStatus } from '../payment-request-status';
import { PaymentBatch } from './payment-batch.entity';

export {
  isOpenPaymentRequest,
  OPEN_PAYMENT_REQUEST_STATUSES,
  PAYMENT_REQUEST_STATUSES,
} from '../payment-request-status';
export type { OpenPaymentRequestStatus, PaymentRequestStatus } from '../payment-request-status';

export type PaymentType = 'reimbursement' | 'advance';

/**
 * A draw-down on an award. `amount` is what is under approval (the requested amount, or less
 * once an approver reduced it); `cashAmount` what the bank pays: a reimbursement on an award
 * holding advanced cash first uses that cash (`advanceApplied`). Unpaid requests reserve their
 * amount against the award's balance.
 */
@Entity({ name: 'payment_requests' })
@Unique('UQ_payment_requests_reference', ['agencyId', 'reference'])
@Index('IDX_payment_requests_award_status', ['agencyId', 'awardId', 'status'])
@Index('IDX_payment_requests_status_approved', ['agencyId', 'status', 'approvedAt'])
@Index('IDX_payment_requests_organization', ['agencyId', 'organizationId', 'requestedAt', 'id'])
@Index('IDX_payment_requests_batch', ['agencyId', 'batchId'])
// The agency's request list, newest first (keyset), unfiltered and by status (approval queue).
@Index('IDX_payment_requests_requested', ['agencyId', 'requestedAt', 'id'])
@Index('IDX_payment_requests_status_requested', ['agencyId', 'status', 'requestedAt', 'id'])
@Check(
  'CHK_payment_requests_status',
  `"status" IN ('submitted', 'awaiting_second_approval', 'approved', 'rejected', 'batched', 'paid')`,
)
@Check('CHK_payment_requests_type', `"type" IN ('reimbursement', 'advance')`)
@Check(
  'CHK_payment_requests_amounts',
  `"amount" > 0 AND "amount" <= "amount_requested" AND "advance_applied" >= 0 AND "advance_applied" <= "amount"`,
)
@Check('CHK_payment_requests_period', `"period_end" >= "period_start"`)
export class PaymentRequest {
  @PrimaryColumn({
    name: 'agency_id',
    type: 'uuid',
    primaryKeyConstraintName: 'PK_payment_requests',
  })
  agencyId: string;

  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_payment_requests' })
  id: string;

  @ManyToOne(() => Agency)
  @JoinColumn({ name: 'agency_id', foreignKeyConstraintName: 'FK_payment_requests_agency' })
  agency?: Agency;

  @Column({ type: 'text' })
  reference: string;

  @Column({ name: 'award_id', type: 'uuid' })
  awardId: string;

  @ManyToOne(() => Award)
  @JoinColumn([
    {
      name: 'agency_id',
      referencedColumnName: 'agencyId',
      foreignKeyConstraintName: 'FK_payment_requests_award',
    },
    {
      name: 'award_id',
      referencedColumnName: 'id',
      foreignKeyConstraintName: 'FK_payment_requests_award',
    },
  ])
  award?: Award;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId: string;

  @Column({ type: 'text' })
  type: PaymentType;

  @Column({ type: 'text', default: 'submitted' })
  status: PaymentRequestStatus;

  @Column({ name: 'amount_requested', type: 'numeric', precision: 14, scale: 2 })
  amountRequested: string;

  @Column({ type: 'numeric', precision: 14, scale: 2 })
  amount: string;

  @Column({ name: 'advance_applied', type: 'numeric', precision: 14, scale: 2, default: '0' })
  advanceApplied: string;

  @Column({ name: 'period_start', type: 'date' })
  periodStart: string;

  @Column({ name: 'period_end', type: 'date' })
  periodEnd: string;

  @Column({ type: 'text', default: '' })
  description: string;

  /** 1, or 2 when the amount is at or above the agency's dual-approval threshold. */
  @Column({ name: 'required_approvals', type: 'integer' })
  requiredApprovals: number;

  /** sha256 of what an approval approves (amount, lines, period, type, award). */
  @Column({ name: 'content_hash', type: 'text' })
  contentHash: string;

  /** The organization's active payee (id and version) this request's approvals are bound to. */
  @Column({ name: 'payee_id', type: 'uuid', nullable: true })
  payeeId: string | null;

  @Column({ name: 'payee_version', type: 'integer', nullable: true })
  payeeVersion: number | null;

  @Column({ name: 'reduction_reason', type: 'text', nullable: true })
  reductionReason: string | null;

  @Column({ name: 'rejection_reason', type: 'text', nullable: true })
  rejectionReason: string | null;

  @Column({ name: 'requested_by', type: 'uuid' })
  requestedBy: string;

  @Column({ name: 'requested_at', type: 'timestamptz', default: () => 'now()' })
  requestedAt: Date;

  @Column({ name: 'approved_at', type: 'timestamptz', nullable: true })
  approvedAt: Date | null;

  @Column({ name: 'rejected_at', type: 'timestamptz', nullable: true })
  rejectedAt: Date | null;

  @Column({ name: 'batch_id', type: 'uuid', nullable: true })
  batchId: string | null;

  @ManyToOne(() => PaymentBatch)
  @JoinColumn([
    {
      name: 'agency_id',
      referencedColumnName: 'agencyId',
      foreignKeyConstraintName: 'FK_payment_requests_batch',
    },
    {
      name: 'batch_id',
      referencedColumnName: 'id',
      foreignKeyConstraintName: 'FK_payment_requests_batch',
    },
  ])
  batch?: PaymentBatch;

  @Column({ name: 'paid_on', type: 'date', nullable: true })
  paidOn: string | null;

  @Column({ name: 'paid_at', type: 'timestamptz', nullable: true })
  paidAt: Date | null;
}
