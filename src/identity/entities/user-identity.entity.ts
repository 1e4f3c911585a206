import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  Unique,
} from 'typeorm';
import { Agency } from '../../agencies/entities/agency.entity';
import { User } from './user.entity';

/**
 * A person's account at one of an agency's OpenID Connect providers, linked to their user
 * (tenant-owned, row-level security; a person reads their own rows across agencies on the
 * account page). The provider's key is the agency and the provider id of its YAML; `subject` is
 * the ID token's `sub`, which the provider never reassigns, so (provider, subject) is unique.
 */
@Entity({ name: 'user_identities' })
@Index('IDX_user_identities_user_id', ['userId'])
@Unique('UQ_user_identities_provider_user', ['agencyId', 'providerId', 'userId'])
export class UserIdentity {
  @PrimaryColumn({
    name: 'agency_id',
    type: 'uuid',
    primaryKeyConstraintName: 'PK_user_identities',
  })
  agencyId: string;

  @PrimaryColumn({
    name: 'provider_id',
    type: 'text',
    primaryKeyConstraintName: 'PK_user_identities',
  })
  providerId: string;

  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'PK_user_identities' })
  subject: string;

  @ManyToOne(() => Agency)
  @JoinColumn({ name: 'agency_id', foreignKeyConstraintName: 'FK_user_identities_agency' })
  agency?: Agency;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'FK_user_identities_user' })
  user?: User;

  /** The address the provider gave when the link was made (shown on the account page). */
  @Column({ type: 'text' })
  email: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'last_used_at', type: 'timestamptz' })
  lastUsedAt: Date;
}
