import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

/**
 * A tenant: one state agency on the shared deployment. Rows are synced from
 * config/agencies/<code>.yaml; the YAML is the source of truth, `config` its validated copy.
 * Not itself tenant-owned (no agency_id): every agency's code is public, as in URLs.
 */
@Entity({ name: 'agencies' })
export class Agency {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text', unique: true })
  code: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text' })
  jurisdiction: string;

  @Column({ name: 'time_zone', type: 'text' })
  timeZone: string;

  @Column({ type: 'jsonb' })
  config: Record<string, unknown>;

  /** sha256 of the canonical config: sync writes only when it changes. */
  @Column({ name: 'config_hash', type: 'text' })
  configHash: string;

  @Column({ type: 'boolean', default: true })
  active: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
