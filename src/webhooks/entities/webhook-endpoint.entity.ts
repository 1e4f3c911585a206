import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { Agency } from '../../agencies/entities/agency.entity';

/**
 * Where an agency's systems want to hear about events: a URL, the event types it subscribed to,
 * and its signing secret (sealed at rest, FieldCipher). After a rotation the previous secret
 * keeps signing beside the new one until `previous_secret_expires_at`. Failed attempts in a row
 * are counted here; at the deployment's limit the endpoint is disabled (`disabled_reason`).
 */
@Entity({ name: 'webhook_endpoints' })
@Check(
  'CHK_webhook_endpoints_disabled_reason',
  `"disabled_reason" IS NULL OR "disabled_reason" IN ('manual', 'failing')`,
)
export class WebhookEndpoint {
  @PrimaryColumn({
    name: 'agency_id',
    type: 'uuid',
    primaryKeyConstraintName: 'PK_webhook_endpoints',
  })
  agencyId: string;

  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_webhook_endpoints' })
  id: string;

  @ManyToOne(() => Agency)
  @JoinColumn({ name: 'agency_id', foreignKeyConstraintName: 'FK_webhook_endpoints_agency' })
  agency?: Agency;

  @Column({ type: 'text' })
  url: string;

  @Column({ type: 'text', nullable: true })
  description: string | null;

  @Column({ type: 'text', array: true })
  events: string[];

  @Column({ type: 'boolean', default: true })
  enabled: boolean;

  /** Why it is disabled: by an admin, or by repeated failure. Null while enabled. */
  @Column({ name: 'disabled_reason', type: 'text', nullable: true })
  disabledReason: 'manual' | 'failing' | null;

  @Column({ name: 'secret_sealed', type: 'text' })
  secretSealed: string;

  @Column({ name: 'previous_secret_sealed', type: 'text', nullable: true })
  previousSecretSealed: string | null;

  @Column({ name: 'previous_secret_expires_at', type: 'timestamptz', nullable: true })
  previousSecretExpiresAt: Date | null;

  @Column({ name: 'consecutive_failures', type: 'integer', default: 0 })
  consecutiveFailures: number;

  @Column({ name: 'failing_since', type: 'timestamptz', nullable: true })
  failingSince: Date | null;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
