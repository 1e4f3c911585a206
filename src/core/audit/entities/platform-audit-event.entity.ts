import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * Audited events that belong to no agency (a failed login for an unknown email, platform
 * administration). Global, not tenant-owned; same shape, triggers and chaining as audit_events.
 */
@Entity({ name: 'platform_audit_events' })
@Index('IDX_platform_audit_events_time', ['occurredAt', 'id'])
@Index('IDX_platform_audit_events_actor', ['actorUserId', 'occurredAt', 'id'])
@Index('IDX_platform_audit_events_tx', ['txId'])
export class PlatformAuditEvent {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_platform_audit_events' })
  id: string;

  @Column({ name: 'occurred_at', type: 'timestamptz', default: () => 'now()' })
  occurredAt: Date;

  @Column({ name: 'actor_kind', type: 'text' })
  actorKind: string;

  @Column({ name: 'actor_user_id', type: 'uuid', nullable: true })
  actorUserId: string | null;

  @Column({ type: 'text' })
  action: string;

  @Column({ name: 'entity_type', type: 'text' })
  entityType: string;

  @Column({ name: 'entity_id', type: 'text' })
  entityId: string;

  @Column({ type: 'jsonb', nullable: true })
  before: unknown;

  @Column({ type: 'jsonb', nullable: true })
  after: unknown;

  @Column({ name: 'request_id', type: 'text', nullable: true })
  requestId: string | null;

  @Column({ name: 'client_ip', type: 'text', nullable: true })
  clientIp: string | null;

  @Column({ name: 'tx_id', type: 'bigint' })
  txId: string;

  @Column({ name: 'content_hash', type: 'text' })
  contentHash: string;
}
