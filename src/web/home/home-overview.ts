import { Injectable } from '@nestjs/common';
import { ApplicationsService } from '../../applications/applications.service';
import { AwardsService } from '../../awards/awards.service';
import { TenantRunner } from '../../core/context/tenant-db';
import { MeService } from '../../identity/me/me.service';
import { OrganizationDirectory } from '../../organizations/organization-directory';
import { PaymentRequests } from '../../payments/requests/payment-requests.service';
import { ProgramCatalog } from '../../programs/program-catalog';

/** How many programs' deadlines one agency's section reads (each is one indexed read). */
const PROGRAMS_READ = 20;

export interface AgencyOverview {
  agencyCode: string;
  organizations: Array<{ id: string; name: string; roles: string[] }>;
  applications: Array<{
    id: string;
    organizationId: string;
    programTitle: string;
    projectTitle: string | null;
    status: string;
    amountRequested: string | null;
    /** Drafts: the program's closing time; returned: the revision due date. */
    dueAt: string | null;
    updatedAt: string;
  }>;
  awards: Array<{
    id: string;
    organizationId: string;
    reference: string;
    programTitle: string;
    status: string;
    amount: string;
  }>;
  waitingPayments: Array<{
    id: string;
    reference: string;
    awardId: string;
    organizationId: string;
    amount: string;
    requestedAt: string;
  }>;
}

export interface HomeOverviewView {
  /** Agencies where the person is staff only (no organization): a link to the portal. */
  staffAgencies: string[];
  agencies: AgencyOverview[];
  /** The person's active agency roles by agency code: which staff pages to link. */
  staffRoles: Record<string, string[]>;
  /** A platform operator: links the deployment-wide pages (usage by agency). */
  platformAdmin: boolean;
}

/**
 * The front door's data: the signed-in person's memberships (as GET /me reads them, outside any
 * agency), then each agency read inside that agency's own tenant context (its transaction, its
 * row-level security), scoped to the person's organizations there. Never one query across
 * agencies. Per agency: organization names, applications, program deadlines, awards, waiting
 * payment requests.
 */
@Injectable()
export class HomeOverview {
  constructor(
    private readonly me: MeService,
    private readonly runner: TenantRunner,
    private readonly names: OrganizationDirectory,
    private readonly applications: ApplicationsService,
    private readonly programs: ProgramCatalog,
    private readonly awards: AwardsService,
    private readonly payments: PaymentRequests,
  ) {}

  async read(): Promise<HomeOverviewView> {
    const me = await this.me.me();
    const byAgency = new Map<string, { code: string; orgs: Map<string, string[]> }>();
    for (const m of me.organizations) {
      const entry = byAgency.get(m.agencyId) ?? { code: m.agencyCode, orgs: new Map() };
      entry.orgs.set(m.organizationId, m.roles);
      byAgency.set(m.agencyId, entry);
    }
    const actor = { kind: 'user' as const, userId: me.user.id, email: me.user.email };
    const agencies: AgencyOverview[] = [];
    // One agency after another, each in its own transaction: besides the request's own, at most
    // one more connection per request.
    for (const [agencyId, { code, orgs }] of byAgency) {
      agencies.push(
        await this.runner.run({ agencyId, agencyCode: code }, actor, () =>
          this.readAgency(code, orgs),
        ),
      );
    }
    const staffAgencies = me.agencies
      .map((a) => a.agencyCode)
      .filter((code) => !agencies.some((a) => a.agencyCode === code));
    const staffRoles = Object.fromEntries(me.agencies.map((a) => [a.agencyCode, a.roles]));
    return { staffAgencies, agencies, staffRoles, platformAdmin: me.user.platformAdmin };
  }

  private async readAgency(code: string, orgs: Map<string, string[]>): Promise<AgencyOverview> {
    const ids = [...orgs.keys()];
    const names = await this.names.names(ids);
    const applications = await this.applications.listForOrganizations(ids);
    const programIds = [...new Set(applications.map((a) => a.programId))].slice(0, PROGRAMS_READ);
    const programs = new Map<string, { title: string; closesAt: Date | null }>();
    for (const id of programIds) {
      const terms = await this.programs.terms(id);
      programs.set(id, { title: terms.title, closesAt: terms.closesAt });
    }
    const awards = await this.awards.listForOrganizations(ids);
    const waitingPayments = await this.payments.waitingForOrganizations(ids);
    return {
      agencyCode: code,
      organizations: ids.map((id) => ({
        id,
        name: names.get(id) ?? id,
        roles: orgs.get(id) ?? [],
      })),
      applications: applications.map((a) => {
        const program = programs.get(a.programId);
        const dueAt =
          a.status === 'returned'
            ? a.revisionDueAt
            : a.status === 'draft'
              ? (program?.closesAt?.toISOString() ?? null)
              : null;
        return {
          id: a.id,
          organizationId: a.organizationId,
          programTitle: program?.title ?? '',
          projectTitle: a.projectTitle,
          status: a.status,
          amountRequested: a.amountRequested,
          dueAt,
          updatedAt: a.updatedAt,
        };
      }),
      awards: awards.map((a) => ({
        id: a.id,
        organizationId: a.organizationId,
        reference: a.reference,
        programTitle: a.subaward.programTitle,
        status: a.status,
        amount: a.subaward.totalAmountObligated,
      })),
      waitingPayments,
    };
  }
}
