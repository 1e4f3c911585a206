import { Injectable } from '@nestjs/common';
import { RequestContext } from '../../core/context/request-context';
import { TenantDb } from '../../core/context/tenant-db';
import { DomainError } from '../../core/errors/domain-error';
import { DUTY_CONFLICT_TEXT, DutyConflict, dutyConflict, DutyFacts } from './separation-of-duties';
import { sql } from '../../core/database/sql-statement';

/** Is the decider an active member of the organization; did they invite the requester? */
const FACTS = sql<{ member: boolean; inviter: boolean }>(
  'identity.duty-facts',
  `SELECT
     EXISTS (SELECT 1 FROM organization_memberships
              WHERE agency_id = $1 AND organization_id = $2 AND user_id = $3
                AND status = 'active') AS member,
     EXISTS (SELECT 1 FROM user_invitations
              WHERE user_id = $4 AND invited_by_user_id = $3) AS inviter`,
);

/** The same facts for one decider over many (requester, organization) pairs, in their order. */
const FACTS_OF_MANY = sql<{ member: boolean; inviter: boolean }>(
  'identity.duty-facts-of-many',
  `SELECT
     EXISTS (SELECT 1 FROM organization_memberships m
              WHERE m.agency_id = $1 AND m.organization_id = c.organization_id
                AND m.user_id = $2 AND m.status = 'active') AS member,
     EXISTS (SELECT 1 FROM user_invitations i
              WHERE i.user_id = c.requester_id AND i.invited_by_user_id = $2) AS inviter
     FROM unnest($3::uuid[], $4::uuid[]) WITH ORDINALITY AS c(requester_id, organization_id, n)
    ORDER BY c.n`,
);

/** Per (requester, organization): the organization's active members and the requester's inviters. */
const EXCLUDED = sql<{ requesterId: string; organizationId: string; excluded: string[] }>(
  'identity.duty-excluded',
  `SELECT c.requester_id AS "requesterId", c.organization_id AS "organizationId",
          ARRAY(SELECT m.user_id FROM organization_memberships m
                 WHERE m.agency_id = $1 AND m.organization_id = c.organization_id
                   AND m.status = 'active'
                UNION
                SELECT i.invited_by_user_id FROM user_invitations i
                 WHERE i.user_id = c.requester_id AND i.invited_by_user_id IS NOT NULL
                ORDER BY 1)::text[] AS excluded
     FROM unnest($2::uuid[], $3::uuid[]) AS c(requester_id, organization_id)`,
);

/** Who asked, for whom: the requester and the requesting organization of a decision. */
export interface DecisionParties {
  requesterId: string;
  organizationId: string;
  /** For payments: who requested and who activated the payee the money would go to. */
  payeeChangedBy?: Array<string | null>;
}

/**
 * One shared code for a decision refused because of who the decider is, with `reason`
 * (organization_member, inviter; requester too where a path has no older code of its own) and
 * `subject` (payment_request, payee_change, budget_revision, award_amendment).
 */
export class DutyConflictError extends DomainError {
  constructor(subject: string, reason: DutyConflict, extensions: Record<string, unknown> = {}) {
    super(
      'separation_of_duties.conflict',
      403,
      `Separation of duties: you may not decide this ${subject.replace(/_/g, ' ')} (${DUTY_CONFLICT_TEXT[reason]}).`,
      { subject, reason, ...extensions },
    );
  }
}

/**
 * The identity module's public surface for separation of duties: gathers the facts the rule in
 * separation-of-duties.ts needs (active organization memberships of any role, invitations) in
 * one statement and applies it. Other modules call this, never the membership or invitation
 * tables.
 */
@Injectable()
export class DutyDirectory {
  constructor(
    private readonly db: TenantDb,
    private readonly context: RequestContext,
  ) {}

  async facts(deciderId: string, parties: DecisionParties): Promise<DutyFacts> {
    const [row] = await this.db.rows(FACTS, [
      this.db.agencyId,
      parties.organizationId,
      deciderId,
      parties.requesterId,
    ]);
    return {
      deciderId,
      requesterId: parties.requesterId,
      deciderIsOrganizationMember: row.member,
      deciderInvitedRequester: row.inviter,
      deciderChangedPayee: (parties.payeeChangedBy ?? []).includes(deciderId),
    };
  }

  /**
   * The rule for one decider over many decisions at once (a batch pays many requests): the
   * first conflict found, with the decision it concerns, or null. One statement.
   */
  async firstConflict<T extends DecisionParties>(
    deciderId: string,
    cases: T[],
  ): Promise<{ conflict: DutyConflict; case: T } | null> {
    if (cases.length === 0) return null;
    const rows = await this.db.rows(FACTS_OF_MANY, [
      this.db.agencyId,
      deciderId,
      cases.map((c) => c.requesterId),
      cases.map((c) => c.organizationId),
    ]);
    for (const [i, row] of rows.entries()) {
      const conflict = dutyConflict({
        deciderId,
        requesterId: cases[i].requesterId,
        deciderIsOrganizationMember: row.member,
        deciderInvitedRequester: row.inviter,
        deciderChangedPayee: (cases[i].payeeChangedBy ?? []).includes(deciderId),
      });
      if (conflict) return { conflict, case: cases[i] };
    }
    return null;
  }

  /**
   * Refuses the signed-in user as the decider when the rule says so. `ownRequest` gives a path's
   * older, more specific error for the requester case (e.g. payment.self_approval).
   */
  async assertMayDecide(
    subject: string,
    parties: DecisionParties,
    ownRequest?: () => DomainError,
  ): Promise<void> {
    const deciderId = this.context.requireUser().userId;
    const conflict = dutyConflict(await this.facts(deciderId, parties));
    if (conflict === 'requester' && ownRequest) throw ownRequest();
    if (conflict) throw new DutyConflictError(subject, conflict);
  }

  /**
   * Per decision, everyone besides the requester the rule excludes: the organization's active
   * members and the requester's inviters. One statement for a page of decisions.
   */
  async excluded(cases: DecisionParties[]): Promise<Map<string, string[]>> {
    // Also with no cases: a page costs the same statements whatever it holds.
    const unique = [...new Map(cases.map((c) => [partiesKey(c), c])).values()];
    const rows = await this.db.rows(EXCLUDED, [
      this.db.agencyId,
      unique.map((c) => c.requesterId),
      unique.map((c) => c.organizationId),
    ]);
    const changers = new Map(unique.map((c) => [partiesKey(c), c.payeeChangedBy ?? []]));
    return new Map(
      rows.map((r) => {
        const key = partiesKey(r);
        const others = [...r.excluded, ...(changers.get(key) ?? [])].filter(
          (id): id is string => !!id && id !== r.requesterId,
        );
        return [key, [...new Set(others)]];
      }),
    );
  }
}

export const partiesKey = (p: DecisionParties) => `${p.requesterId}/${p.organizationId}`;
