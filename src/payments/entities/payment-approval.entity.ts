import {
  Check,
  Column,
  Entity,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  Unique,
} from 'typeorm';
import { Agency } from '../../agencies/entities/agency.entity';
import { PaymentRequest } from './payment-request.entity';

/**
 * One finance officer's decision on a request, bound to exactly what they saw: the amount and
 * the content hash. Append-only. An approver approves a given content once (unique).
 */
@Entity({ name: 'payment_approvals' })
@Unique('UQ_payment_approvals_once', ['agencyId', 'requestId', 'approverId', 'contentHash'])
@Check('CHK_payment_approvals_decision', `"decision" IN ('approved', 'rejected')`)
export class PaymentApproval {
  @PrimaryColumn({
    name: 'agency_id',
    type: 'uuid',
    primaryKeyConstraintName: 'PK_payment_approvals',
  })
  agencyId: string;

  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_payment_approvals' })
  id: string;

  @ManyToOne(() => Agency)
  @JoinColumn({ name: 'agency_id', foreignKeyConstraintName: 'FK_payment_approvals_agency' })
  agency?: Agency;

  @Column({ name: 'request_id', type: 'uuid' })
  requestId: string;

  @ManyToOne(() => PaymentRequest)
  @JoinColumn([
    {
      name: 'agency_id',
      referencedColumnName: 'agencyId',
      foreignKeyConstraintName: 'FK_payment_approvals_request',
    },
    {
      name: 'request_id',
      referencedColumnName: 'id',
      foreignKeyConstraintName: 'FK_payment_approvals_request',
    },
  ])
  request?: PaymentRequest;

  @Column({ name: 'approver_id', type: 'uuid' })
  approverId: string;

  /** The approver's email when they decided (readable in the chain without a user lookup). */
  @Column({ name: 'approver_email', type: 'text', nullable: true })
  approverEmail: string | null;

  @Column({ type: 'text' })
  decision: 'approved' | 'rejected';

  @Column({ type: 'numeric', precision: 14, scale: 2 })
  amount: string;

  @Column({ name: 'content_hash', type: 'text' })
  contentHash: string;

  @Column({ type: 'text', nullable: true })
  reason: string | null;

  /** The real time of the decision (clock_timestamp(): distinct even within one transaction). */
  @Column({ name: 'decided_at', type: 'timestamptz', default: () => 'clock_timestamp()' })
  decidedAt: Date;
}
