import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn, Unique } from 'typeorm';

/**
 * One Idempotency-Key a caller used in an agency. The row is inserted first in the request's
 * transaction, so a concurrent duplicate waits on the unique index and then replays the stored
 * response; a failed request rolls its key back with everything else.
 */
@Entity({ name: 'idempotency_keys' })
@Unique('UQ_idempotency_keys_key', ['agencyId', 'principal', 'key'])
// The daily prune deletes by age within one agency.
@Index('IDX_idempotency_keys_created', ['agencyId', 'createdAt'])
export class IdempotencyKey {
  @PrimaryColumn({
    name: 'agency_id',
    type: 'uuid',
    primaryKeyConstraintName: 'PK_idempotency_keys',
  })
  agencyId: string;

  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_idempotency_keys' })
  id: string;

  // No foreign key to agencies (migration 1764405000000): RLS WITH CHECK pins agency_id to the
  // transaction's agency, taken from the agency directory, and agencies are never deleted. The
  // key's FOR KEY SHARE on the one agency row was paid by every write.

  /** Who used the key (user id): keys are scoped per caller, like Stripe's per account. */
  @Column({ type: 'text' })
  principal: string;

  @Column({ type: 'text' })
  key: string;

  /** sha256 of method, path and canonical body: the same key with another request is refused. */
  @Column({ name: 'request_hash', type: 'text' })
  requestHash: string;

  @Column({ name: 'response_status', type: 'integer', nullable: true })
  responseStatus: number | null;

  /** The JSON exactly as first sent (text, not jsonb, which would reorder keys on replay). */
  @Column({ name: 'response_body', type: 'text', nullable: true })
  responseBody: string | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true })
  completedAt: Date | null;
}
