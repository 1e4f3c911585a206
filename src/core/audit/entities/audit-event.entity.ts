import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One audited state change in an agency. Append-only: a trigger refuses UPDATE, DELETE and
 * TRUNCATE, and stamps `tx_id` and `content_hash` on insert (see the AuditLog migration).
 * Written with raw SQL by AuditLog; this entity describes the schema for the drift check.
 * Partitioned by month of occurred_at (docs/decisions/0013).
 */
@Entity({ name: 'audit_events' })
@Index('IDX_audit_events_time', ['agencyId', 'occurredAt', 'id'])
@Index('IDX_audit_events_entity', ['agencyId', 'entityType', 'entityId', 'occurredAt', 'id'])
@Index('IDX_audit_events_actor', ['agencyId', 'actorUserId', 'occurredAt', 'id'])
@Index('IDX_audit_events_tx', ['agencyId', 'txId'])
export class AuditEvent {
  @PrimaryColumn({ name: 'agency_id', type: 'uuid', primaryKeyConstraintName: 'PK_audit_events' })
  agencyId: string;

  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_audit_events' })
  id: string;

  // No foreign key to agencies (migration 1764405000000): RLS WITH CHECK pins agency_id to the
  // transaction's agency, taken from the agency directory, and agencies are never deleted. The
  // key's FOR KEY SHARE on the one agency row was paid by every write.

  /** The partition key (monthly partitions, migration 1790001200000), so part of the key. */
  @PrimaryColumn({
    name: 'occurred_at',
    type: 'timestamptz',
    default: () => 'now()',
    primaryKeyConstraintName: 'PK_audit_events',
  })
  occurredAt: Date;

  /** 'user', 'system' (jobs, scripts) or 'anonymous' (public routes, failed logins). */
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

  /** The inserting transaction's id (set by trigger): lets the sealer link only finished work. */
  @Column({ name: 'tx_id', type: 'bigint' })
  txId: string;

  /** sha256 of the row's content (set by trigger via audit_content_hash). */
  @Column({ name: 'content_hash', type: 'text' })
  contentHash: string;
}
