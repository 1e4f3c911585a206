import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, Unique } from 'typeorm';
import { PlatformAuditEvent } from './platform-audit-event.entity';

/** The platform log's hash chain (see AuditChainLink). */
@Entity({ name: 'platform_audit_chain' })
@Unique('UQ_platform_audit_chain_event', ['eventId'])
export class PlatformAuditChainLink {
  @PrimaryColumn({ type: 'bigint', primaryKeyConstraintName: 'PK_platform_audit_chain' })
  position: string;

  @Column({ name: 'event_id', type: 'uuid' })
  eventId: string;

  @ManyToOne(() => PlatformAuditEvent, { nullable: false })
  @JoinColumn({
    name: 'event_id',
    foreignKeyConstraintName: 'FK_platform_audit_chain_event',
  })
  event?: PlatformAuditEvent;

  @Column({ name: 'event_hash', type: 'text' })
  eventHash: string;

  @Column({ name: 'prev_hash', type: 'text' })
  prevHash: string;

  @Column({ name: 'link_hash', type: 'text' })
  linkHash: string;

  @Column({ type: 'bigint' })
  watermark: string;

  @Column({ name: 'sealed_at', type: 'timestamptz', default: () => 'now()' })
  sealedAt: Date;
}
