import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, Unique } from 'typeorm';
import { AuditEvent } from './audit-event.entity';

/**
 * A link of an agency's hash chain: event at `position`, hashed with the previous link. Written by
 * the sealer after the events committed (so writers never wait on the chain), append-only.
 */
@Entity({ name: 'audit_chain' })
@Unique('UQ_audit_chain_event', ['agencyId', 'eventId'])
export class AuditChainLink {
  @PrimaryColumn({ name: 'agency_id', type: 'uuid', primaryKeyConstraintName: 'PK_audit_chain' })
  agencyId: string;

  @PrimaryColumn({ type: 'bigint', primaryKeyConstraintName: 'PK_audit_chain' })
  position: string;

  @Column({ name: 'event_id', type: 'uuid' })
  eventId: string;

  @ManyToOne(() => AuditEvent, { nullable: false })
  @JoinColumn([
    {
      name: 'agency_id',
      referencedColumnName: 'agencyId',
      foreignKeyConstraintName: 'FK_audit_chain_event',
    },
    { name: 'event_id', referencedColumnName: 'id' },
    { name: 'event_occurred_at', referencedColumnName: 'occurredAt' },
  ])
  event?: AuditEvent;

  /** The event's partition key: the foreign key needs the whole key, and the join prunes by it. */
  @Column({ name: 'event_occurred_at', type: 'timestamptz' })
  eventOccurredAt: Date;

  @Column({ name: 'event_hash', type: 'text' })
  eventHash: string;

  @Column({ name: 'prev_hash', type: 'text' })
  prevHash: string;

  @Column({ name: 'link_hash', type: 'text' })
  linkHash: string;

  /** Every event of a transaction older than this was committed and linked when sealed. */
  @Column({ type: 'bigint' })
  watermark: string;

  @Column({ name: 'sealed_at', type: 'timestamptz', default: () => 'now()' })
  sealedAt: Date;
}
