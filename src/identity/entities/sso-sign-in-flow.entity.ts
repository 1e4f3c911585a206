import {
  Column,
  CreateDateColumn,
  Entity,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  Unique,
} from 'typeorm';
import { Agency } from '../../agencies/entities/agency.entity';

/**
 * A sign-in through an OpenID Connect provider between leaving for the provider and coming back
 * (tenant-owned): the state (stored hashed), the nonce and the PKCE verifier, kept on the server
 * and bound to the browser that started it by a cookie whose hash is here. The callback deletes
 * the row as it reads it, so a state works once; a row past `expires_at` is refused.
 */
@Entity({ name: 'sso_sign_in_flows' })
@Unique('UQ_sso_sign_in_flows_state', ['agencyId', 'stateHash'])
export class SsoSignInFlow {
  @PrimaryColumn({
    name: 'agency_id',
    type: 'uuid',
    primaryKeyConstraintName: 'PK_sso_sign_in_flows',
  })
  agencyId: string;

  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_sso_sign_in_flows' })
  id: string;

  @ManyToOne(() => Agency)
  @JoinColumn({ name: 'agency_id', foreignKeyConstraintName: 'FK_sso_sign_in_flows_agency' })
  agency?: Agency;

  @Column({ name: 'provider_id', type: 'text' })
  providerId: string;

  @Column({ name: 'state_hash', type: 'text' })
  stateHash: string;

  @Column({ type: 'text' })
  nonce: string;

  @Column({ name: 'code_verifier', type: 'text' })
  codeVerifier: string;

  /** sha256 of the flow cookie the starting browser holds. */
  @Column({ name: 'browser_hash', type: 'text' })
  browserHash: string;

  /** Where to go after signing in (a local path), if the person was sent to sign in. */
  @Column({ name: 'return_to', type: 'text', nullable: true })
  returnTo: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;
}
