import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { WebhookEndpoint } from './webhook-endpoint.entity';

export type WebhookDeliveryState = 'pending' | 'delivered' | 'failed';

/**
 * One event for one endpoint: the exact body sent (every attempt and replay sends the same bytes
 * under the same `webhook-id`, the event id), and where its attempts stand. Deleted with its
 * endpoint.
 */
@Entity({ name: 'webhook_deliveries' })
@Index('IDX_webhook_deliveries_endpoint', ['agencyId', 'endpointId', 'createdAt', 'id'])
@Check('CHK_webhook_deliveries_state', `"state" IN ('pending', 'delivered', 'failed')`)
export class WebhookDelivery {
  @PrimaryColumn({
    name: 'agency_id',
    type: 'uuid',
    primaryKeyConstraintName: 'PK_webhook_deliveries',
  })
  agencyId: string;

  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_webhook_deliveries' })
  id: string;

  @Column({ name: 'endpoint_id', type: 'uuid' })
  endpointId: string;

  @ManyToOne(() => WebhookEndpoint, { onDelete: 'CASCADE' })
  @JoinColumn([
    {
      name: 'agency_id',
      referencedColumnName: 'agencyId',
      foreignKeyConstraintName: 'FK_webhook_deliveries_endpoint',
    },
    {
      name: 'endpoint_id',
      referencedColumnName: 'id',
      foreignKeyConstraintName: 'FK_webhook_deliveries_endpoint',
    },
  ])
  endpoint?: WebhookEndpoint;

  /** `msg_...`: the event's id, the same for every endpoint and attempt (webhook-id). */
  @Column({ name: 'event_id', type: 'text' })
  eventId: string;

  @Column({ name: 'event_type', type: 'text' })
  eventType: string;

  /** The JSON body, byte for byte as signed and sent. */
  @Column({ type: 'text' })
  body: string;

  @Column({ type: 'text', default: 'pending' })
  state: WebhookDeliveryState;

  @Column({ type: 'integer', default: 0 })
  attempts: number;

  @Column({ name: 'next_attempt_at', type: 'timestamptz', nullable: true })
  nextAttemptAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true })
  completedAt: Date | null;
}
