import { Injectable } from '@nestjs/common';
import { AuditLog } from '../core/audit/audit-log';
import { Clock } from '../core/clock/clock';
import { RequestContext } from '../core/context/request-context';
import { TenantDb } from '../core/context/tenant-db';
import { FieldProblem } from '../core/errors/domain-error';
import { etagOf, IfMatch, ifMatchHolds } from '../core/idempotency/etag';
import { decodeCursor, pageLimit, TEXT_AND_ID, toPage } from '../core/pagination/keyset-cursor';
import { OrganizationMemberships } from '../identity/memberships/organization-memberships.service';
import { UserAccounts } from '../identity/memberships/user-accounts.service';
import {
  CreateOrganizationDto,
  OrganizationDto,
  OrganizationListQuery,
  OrganizationProfileDto,
  UpdateOrganizationDto,
} from './dto/organization.dto';
import { Organization } from './entities/organization.entity';
import { normalizeIdentifier } from './organization-identifiers';
import { OrganizationStatus } from './organization-types';
import { organizationView, OrganizationView } from './organization.view';
import {
  OrganizationIdentifierTakenError,
  OrganizationNotFoundError,
  OrganizationPreconditionRequiredError,
  OrganizationStaleError,
  OrganizationTransitionError,
} from './organizations.errors';
import { isUuid } from '../core/ids';
import { sql, SqlStatement } from '../core/database/sql-statement';

const IDENTIFIERS = ['stateDistrictCode', 'ncesLeaId', 'uei'] as const;
const COLUMNS = {
  stateDistrictCode: 'state_district_code',
  ncesLeaId: 'nces_lea_id',
  uei: 'uei',
} as const;

/** Per identifier: is it another live organization's in this agency? */
const IDENTIFIER_TAKEN = Object.fromEntries(
  IDENTIFIERS.map((field) => [
    field,
    sql<{ taken: 1 }>(
      `organizations.identifier-taken-${COLUMNS[field].replace(/_/g, '-')}`,
      `SELECT 1 AS taken FROM organizations WHERE agency_id = $1 AND ${COLUMNS[field]} = $2 AND status <> 'rejected' AND id IS DISTINCT FROM $3::uuid LIMIT 1`,
    ),
  ]),
) as Record<(typeof IDENTIFIERS)[number], SqlStatement<{ taken: 1 }>>;

/** pending -> active | rejected (agency decision); active <-> inactive. */
const TRANSITIONS: Record<OrganizationStatus, OrganizationStatus[]> = {
  pending: ['active', 'rejected'],
  active: ['inactive'],
  inactive: ['active'],
  rejected: [],
};

/** Applicant organizations: self-registration, agency approval, staff creation and edits. */
@Injectable()
export class OrganizationsService {
  constructor(
    private readonly db: TenantDb,
    private readonly context: RequestContext,
    private readonly audit: AuditLog,
    private readonly memberships: OrganizationMemberships,
    private readonly accounts: UserAccounts,
    private readonly clock: Clock,
  ) {}

  async find(organizationId: string, lock = false): Promise<Organization> {
    if (!isUuid(organizationId)) throw new OrganizationNotFoundError();
    const qb = this.db
      .repo(Organization)
      .createQueryBuilder('o')
      .where('o.agency_id = :agencyId AND o.id = :organizationId', {
        agencyId: this.db.agencyId,
        organizationId,
      });
    if (lock) qb.setLock('pessimistic_write');
    const organization = await qb.getOne();
    if (!organization) throw new OrganizationNotFoundError();
    return organization;
  }

  /** Identifiers must be unique among this agency's organizations that were not rejected. */
  private async assertIdentifiersFree(
    values: Partial<Organization>,
    exceptId?: string,
  ): Promise<void> {
    const problems: FieldProblem[] = [];
    for (const field of IDENTIFIERS) {
      const value = values[field];
      if (!value) continue;
      const rows = await this.db.rows(IDENTIFIER_TAKEN[field], [
        this.db.agencyId,
        value,
        exceptId ?? null,
      ]);
      if (rows.length > 0)
        problems.push({ pointer: `/${field}`, detail: 'is already registered in this agency' });
    }
    if (problems.length > 0) throw new OrganizationIdentifierTakenError(problems);
  }

  private fields(dto: UpdateOrganizationDto): Partial<Organization> {
    const changes: Partial<Organization> = {};
    if (dto.legalName !== undefined) changes.legalName = dto.legalName.trim();
    if (dto.type !== undefined) changes.type = dto.type;
    for (const field of IDENTIFIERS)
      if (dto[field] !== undefined) changes[field] = normalizeIdentifier(dto[field]);
    if (dto.address !== undefined) changes.address = { ...dto.address };
    if (dto.contacts !== undefined) changes.contacts = dto.contacts.map((c) => ({ ...c }));
    return changes;
  }

  private async insert(dto: OrganizationDto, status: OrganizationStatus): Promise<Organization> {
    const values = this.fields(dto);
    await this.assertIdentifiersFree(values);
    const actor = this.context.requireUser();
    const repo = this.db.repo(Organization);
    const selfRegistered = status === 'pending';
    return repo.save(
      repo.create({
        ...values,
        contacts: values.contacts ?? [],
        agencyId: this.db.agencyId,
        status,
        registeredBy: selfRegistered ? actor.userId : null,
        decidedBy: selfRegistered ? null : actor.userId,
        decidedAt: selfRegistered ? null : this.clock.now(),
      }),
    );
  }

  /** Any signed-in user registers an organization: pending approval, with them as its org admin. */
  async register(dto: OrganizationDto): Promise<OrganizationView> {
    const organization = await this.insert(dto, 'pending');
    await this.audit.record({
      action: 'organization.registered',
      entityType: 'organization',
      entityId: organization.id,
      after: this.summary(organization),
    });
    await this.memberships.grant(organization.id, this.context.requireUser().userId, ['org_admin']);
    return organizationView(await this.find(organization.id));
  }

  /** Agency staff create an active organization, optionally inviting its first org admin. */
  async create(dto: CreateOrganizationDto): Promise<OrganizationView> {
    const organization = await this.insert(dto, 'active');
    await this.audit.record({
      action: 'organization.created',
      entityType: 'organization',
      entityId: organization.id,
      after: this.summary(organization),
    });
    if (dto.initialAdmin) {
      // Someone else's account: pending until they accept (consent before membership).
      const { user, invitation } = await this.accounts.ensure(dto.initialAdmin, {
        organizationName: organization.legalName,
        organizationId: organization.id,
      });
      await this.memberships.invite(organization.id, user.id, ['org_admin']);
      if (!invitation) await this.accounts.tellInvited(user.id, organization.legalName);
    }
    return organizationView(await this.find(organization.id));
  }

  /** Agency staff: any field, identifiers included. */
  async update(
    organizationId: string,
    dto: UpdateOrganizationDto,
    ifMatch: IfMatch,
  ): Promise<OrganizationView> {
    return this.change(organizationId, this.fields(dto), ifMatch, 'organization.updated', (o) =>
      this.summary(o),
    );
  }

  /**
   * The organization's own admins: legal name, address and contacts only (the DTO admits
   * nothing else). The audit keeps the contacts before and after: redirecting a district's
   * contact is exactly the change someone will want to trace.
   */
  async updateProfile(
    organizationId: string,
    dto: OrganizationProfileDto,
    ifMatch: IfMatch,
  ): Promise<OrganizationView> {
    return this.change(
      organizationId,
      this.fields(dto),
      ifMatch,
      'organization.profile_updated',
      (o) => ({ legalName: o.legalName, address: o.address, contacts: o.contacts }),
    );
  }

  private async change(
    organizationId: string,
    changes: Partial<Organization>,
    ifMatch: IfMatch,
    action: string,
    audited: (o: Organization) => Record<string, unknown>,
  ): Promise<OrganizationView> {
    if (ifMatch.kind === 'missing') throw new OrganizationPreconditionRequiredError();
    const organization = await this.find(organizationId, true);
    if (!ifMatchHolds(ifMatch, organization.version))
      throw new OrganizationStaleError(etagOf(organization.version));
    await this.assertIdentifiersFree(changes, organization.id);
    const before = audited(organization);
    Object.assign(organization, changes);
    organization.version += 1;
    await this.db.repo(Organization).save(organization);
    await this.audit.record({
      action,
      entityType: 'organization',
      entityId: organization.id,
      before,
      after: audited(organization),
    });
    return organizationView(organization);
  }

  async decide(
    organizationId: string,
    to: OrganizationStatus,
    reason?: string,
  ): Promise<OrganizationView> {
    const organization = await this.find(organizationId, true);
    const from = organization.status;
    if (!TRANSITIONS[from].includes(to)) throw new OrganizationTransitionError(from, to);
    if (to === 'active' && from === 'pending')
      await this.assertIdentifiersFree(organization, organization.id);
    organization.status = to;
    organization.decidedBy = this.context.requireUser().userId;
    organization.decidedAt = this.clock.now();
    organization.decisionReason = reason ?? null;
    organization.version += 1;
    await this.db.repo(Organization).save(organization);
    const action = {
      active: from === 'pending' ? 'approved' : 'reactivated',
      rejected: 'rejected',
      inactive: 'deactivated',
      pending: 'pending',
    }[to];
    await this.audit.record({
      action: `organization.${action}`,
      entityType: 'organization',
      entityId: organization.id,
      before: { status: from },
      after: { status: to, reason },
    });
    return organizationView(organization);
  }

  async get(organizationId: string): Promise<OrganizationView> {
    return organizationView(await this.find(organizationId));
  }

  /** Staff list: by name, filtered by status, type and a name/identifier search. */
  async list(query: OrganizationListQuery) {
    const limit = pageLimit(query.limit);
    const qb = this.db
      .repo(Organization)
      .createQueryBuilder('o')
      .where('o.agency_id = :agencyId', { agencyId: this.db.agencyId });
    if (query.status) qb.andWhere('o.status = :status', { status: query.status });
    if (query.type) qb.andWhere('o.type = :type', { type: query.type });
    if (query.search) {
      const term = `%${query.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      qb.andWhere(
        '(o.legal_name ILIKE :term OR o.uei = :exact OR o.nces_lea_id = :exact OR o.state_district_code = :exact)',
        {
          term,
          exact: query.search.trim().toUpperCase(),
        },
      );
    }
    const cursor = decodeCursor(query.cursor, TEXT_AND_ID);
    if (cursor)
      qb.andWhere('(o.legal_name, o.id) > (:name, :id::uuid)', { name: cursor[0], id: cursor[1] });
    const rows = await qb
      .orderBy('o.legal_name', 'ASC')
      .addOrderBy('o.id', 'ASC')
      .limit(limit + 1)
      .getMany();
    return toPage(rows, limit, (o) => [o.legalName, o.id], organizationView);
  }

  private summary(o: Organization) {
    return {
      legalName: o.legalName,
      type: o.type,
      status: o.status,
      stateDistrictCode: o.stateDistrictCode,
      ncesLeaId: o.ncesLeaId,
      uei: o.uei,
    };
  }
}
