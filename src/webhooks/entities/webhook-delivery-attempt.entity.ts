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
import { WebhookDelivery } from './webhook-delivery.entity';

/**
 * One HTTP attempt of a delivery: when, how long, the status code or the error, and at most a
 * short snippet of the response (a receiver's body is not ours to keep).
 */
@Entity({ name: 'webhook_delivery_attempts' })
@Index('IDX_webhook_delivery_attempts_delivery', ['agencyId', 'deliveryId', 'attemptedAt'])
@Check('CHK_webhook_delivery_attempts_trigger', `"trigger" IN ('scheduled', 'replay')`)
export class WebhookDeliveryAttempt {
  @PrimaryColumn({
    name: 'agency_id',
    type: 'uuid',
    primaryKeyConstraintName: 'PK_webhook_delivery_attempts',
  })
  agencyId: string;

  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_webhook_delivery_attempts' })
  id: string;

  @Column({ name: 'delivery_id', type: 'uuid' })
  deliveryId: string;

  @ManyToOne(() => WebhookDelivery, { onDelete: 'CASCADE' })
  @JoinColumn([
    {
      name: 'agency_id',
      referencedColumnName: 'agencyId',
      foreignKeyConstraintName: 'FK_webhook_delivery_attempts_delivery',
    },
    {
      name: 'delivery_id',
      referencedColumnName: 'id',
      foreignKeyConstraintName: 'FK_webhook_delivery_attempts_delivery',
    },
  ])
  delivery?: WebhookDelivery;

  @Column({ name: 'attempted_at', type: 'timestamptz', precision: 3 })
  attemptedAt: Date;

  @Column({ type: 'text' })
  trigger: 'scheduled' | 'replay';

  /** The HTTP status, or null when no response came (refused address, timeout, TLS...). */
  @Column({ name: 'status_code', type: 'integer', nullable: true })
  statusCode: number | null;

  @Column({ name: 'duration_ms', type: 'integer' })
  durationMs: number;

  @Column({ type: 'boolean' })
  succeeded: boolean;

  @Column({ type: 'text', nullable: true })
  error: string | null;

  @Column({ name: 'response_snippet', type: 'text', nullable: true })
  responseSnippet: string | null;
}
