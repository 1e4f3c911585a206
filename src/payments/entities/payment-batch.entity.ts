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

export type PaymentBatchStatus = 'exporting' | 'exported' | 'reconciled';

/**
 * The approved requests of one cut-off window, paid together by the pay-by date. The payment
 * file is written by a job through the agency's export strategy. One batch per window.
 */
@Entity({ name: 'payment_batches' })
@Unique('UQ_payment_batches_window', ['agencyId', 'windowStart'])
@Unique('UQ_payment_batches_reference', ['agencyId', 'reference'])
@Check('CHK_payment_batches_status', `"status" IN ('exporting', 'exported', 'reconciled')`)
export class PaymentBatch {
  @PrimaryColumn({
    name: 'agency_id',
    type: 'uuid',
    primaryKeyConstraintName: 'PK_payment_batches',
  })
  agencyId: string;

  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_payment_batches' })
  id: string;

  @ManyToOne(() => Agency)
  @JoinColumn({ name: 'agency_id', foreignKeyConstraintName: 'FK_payment_batches_agency' })
  agency?: Agency;

  @Column({ type: 'text' })
  reference: string;

  @Column({ type: 'text', default: 'exporting' })
  status: PaymentBatchStatus;

  @Column({ name: 'window_start', type: 'date' })
  windowStart: string;

  @Column({ name: 'window_end', type: 'date' })
  windowEnd: string;

  @Column({ name: 'pay_by', type: 'date' })
  payBy: string;

  /** The export strategy the file is written with (the agency's choice when built). */
  @Column({ type: 'text' })
  format: string;

  @Column({ type: 'numeric', precision: 14, scale: 2 })
  total: string;

  @Column({ name: 'payment_count', type: 'integer' })
  paymentCount: number;

  @Column({ name: 'file_name', type: 'text', nullable: true })
  fileName: string | null;

  @Column({ name: 'media_type', type: 'text', nullable: true })
  mediaType: string | null;

  @Column({ name: 'storage_key', type: 'text', nullable: true })
  storageKey: string | null;

  @Column({ name: 'file_sha256', type: 'text', nullable: true })
  fileSha256: string | null;

  /** Length and sha256 above are of the plaintext file (what the bank receives). */
  @Column({ name: 'file_bytes', type: 'integer', nullable: true })
  fileBytes: number | null;

  /** The master key wrapping the stored file's data key; null: written before encryption. */
  @Column({ name: 'file_key_id', type: 'text', nullable: true })
  fileKeyId: string | null;

  /** When the stored file was deleted (reconciliation plus the agency's retention days). */
  @Column({ name: 'file_purged_at', type: 'timestamptz', nullable: true })
  filePurgedAt: Date | null;

  @Column({ name: 'created_by', type: 'uuid' })
  createdBy: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ name: 'exported_at', type: 'timestamptz', nullable: true })
  exportedAt: Date | null;

  @Column({ name: 'reconciled_at', type: 'timestamptz', nullable: true })
  reconciledAt: Date | null;
}
