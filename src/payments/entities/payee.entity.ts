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
import { Organization } from '../../organizations/entities/organization.entity';

/**
 * Where an organization is paid: the ACTIVE bank details, written only by activating a payee
 * change (PayeeChange) that a second finance officer confirmed. Routing and account numbers are
 * sealed with AES-256-GCM (FieldCipher; the agency, organization and payee id and the field as
 * authenticated context); responses only ever show the masks. `version` counts activations:
 * payment approvals are bound to it.
 */
@Entity({ name: 'payees' })
@Unique('UQ_payees_organization', ['agencyId', 'organizationId'])
@Check('CHK_payees_account_type', `"account_type" IN ('checking', 'savings')`)
export class Payee {
  @PrimaryColumn({ name: 'agency_id', type: 'uuid', primaryKeyConstraintName: 'PK_payees' })
  agencyId: string;

  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_payees' })
  id: string;

  @ManyToOne(() => Agency)
  @JoinColumn({ name: 'agency_id', foreignKeyConstraintName: 'FK_payees_agency' })
  agency?: Agency;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId: string;

  @ManyToOne(() => Organization)
  @JoinColumn([
    {
      name: 'agency_id',
      referencedColumnName: 'agencyId',
      foreignKeyConstraintName: 'FK_payees_organization',
    },
    {
      name: 'organization_id',
      referencedColumnName: 'id',
      foreignKeyConstraintName: 'FK_payees_organization',
    },
  ])
  organization?: Organization;

  @Column({ name: 'payee_name', type: 'text' })
  payeeName: string;

  @Column({ name: 'routing_number_sealed', type: 'text' })
  routingNumberSealed: string;

  @Column({ name: 'account_number_sealed', type: 'text' })
  accountNumberSealed: string;

  @Column({ name: 'account_type', type: 'text' })
  accountType: 'checking' | 'savings';

  /** Masks kept in the clear so lists never decrypt. */
  @Column({ name: 'routing_number_mask', type: 'text' })
  routingNumberMask: string;

  @Column({ name: 'account_number_mask', type: 'text' })
  accountNumberMask: string;

  @Column({ type: 'integer', default: 1 })
  version: number;

  /** Who requested the active details (the change's requester). */
  @Column({ name: 'updated_by', type: 'uuid', nullable: true })
  updatedBy: string | null;

  /** Who activated them (null for details recorded before changes needed a second person). */
  @Column({ name: 'activated_by', type: 'uuid', nullable: true })
  activatedBy: string | null;

  @Column({ name: 'change_id', type: 'uuid', nullable: true })
  changeId: string | null;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;
}
