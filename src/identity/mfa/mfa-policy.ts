import { Inject, Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { AgencyDirectory } from '../../agencies/agency-directory';
import { APP_CONFIG } from '../../core/config/config.module';
import { AppConfig } from '../../core/config/env';
import { Actor } from '../../core/context/request-context';
import { sql, sqlRows } from '../../core/database/sql-statement';
import { SECOND_FACTOR_METHODS } from '../auth/session.service';

/** Lets the person's own membership rows be read in every agency (the own-rows policy). */
const AS_USER = sql('identity.mfa-as-user', `SELECT set_config('app.user_id', $1, true)`);

const ACTIVE_AGENCY_ROLES = sql<{ agencyId: string; roles: string[] }>(
  'identity.mfa-active-agency-roles',
  `SELECT agency_id AS "agencyId", roles FROM agency_memberships
    WHERE user_id = $1 AND status = 'active'`,
);

/** True when one of `roles` is one the agency's YAML protects with a second factor. */
export function holdsProtectedRole(roles: readonly string[], required: readonly string[]): boolean {
  return roles.some((role) => required.includes(role));
}

/** Whether the actor's session checked a second factor at all (sign-in or step-up). */
export function hasSecondFactor(actor: Pick<Actor, 'authMethods'>): boolean {
  return (actor.authMethods ?? []).some((m) => SECOND_FACTOR_METHODS.includes(m));
}

/** Whether that check is recent enough for a money action (`now` and the result in ms). */
export function secondFactorIsRecent(
  actor: Pick<Actor, 'authMethods' | 'secondFactorAt'>,
  maxAgeSeconds: number,
  now: number,
): boolean {
  if (!hasSecondFactor(actor) || actor.secondFactorAt === undefined) return false;
  return now - actor.secondFactorAt * 1000 <= maxAgeSeconds * 1000;
}

/**
 * Who must use a second factor and how recent it must be for money: what the agencies' YAML
 * says (access.mfaRequiredRoles, access.stepUpMaxAgeMinutes), read here and nowhere else.
 */
@Injectable()
export class MfaPolicy {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly agencies: AgencyDirectory,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The roles an agency protects with a second factor (its YAML, defaults included). */
  requiredRoles(agencyId: string): readonly string[] {
    return this.agencies.findById(agencyId)
      ? this.agencies.configOf(agencyId).access.mfaRequiredRoles
      : [];
  }

  /** How recent a second factor a money action in this agency needs. */
  stepUpMaxAgeSeconds(agencyId: string): number {
    const minutes = this.agencies.findById(agencyId)
      ? this.agencies.configOf(agencyId).access.stepUpMaxAgeMinutes
      : undefined;
    return minutes === undefined ? this.config.auth.stepUpMaxAgeSeconds : minutes * 60;
  }

  /**
   * Whether the person holds, in any active agency, a role that agency protects; platform
   * admins when any agency lists platform_admin. Runs in the current transaction (it sets
   * app.user_id, transaction-local, to read the person's memberships across agencies).
   */
  async mustUseSecondFactor(userId: string, platformAdmin: boolean): Promise<boolean> {
    if (
      platformAdmin &&
      this.agencies.list().some((a) => this.requiredRoles(a.agencyId).includes('platform_admin'))
    ) {
      return true;
    }
    await sqlRows(this.txHost.tx, AS_USER, [userId]);
    const memberships = await sqlRows(this.txHost.tx, ACTIVE_AGENCY_ROLES, [userId]);
    return memberships.some((m) => holdsProtectedRole(m.roles, this.requiredRoles(m.agencyId)));
  }
}
