import { Injectable } from '@nestjs/common';
import { RequestContext } from '../../core/context/request-context';
import { ApplicationsService } from '../../applications/applications.service';
import {
  OrganizationMember,
  OrganizationMemberships,
} from '../../identity/memberships/organization-memberships.service';
import {
  OrganizationDirectory,
  OrganizationSummary,
} from '../../organizations/organization-directory';
import type { FormDefinition } from '../../programs/forms/form-definition';
import { ProgramCatalog, ProgramTerms } from '../../programs/program-catalog';

export type DraftDetail = Awaited<ReturnType<ApplicationsService['detail']>>;

/** Everything an application page shows, read through the applications API's own services. */
export interface Draft {
  agencyCode: string;
  detail: DraftDetail;
  terms: ProgramTerms;
  form: FormDefinition;
  organization: OrganizationSummary;
  members: OrganizationMember[];
  /** The task list and its pages are for drafts and returned applications only. */
  editable: boolean;
  /** Where this application's pages live. */
  base: string;
  lastSaved: { name: string; at: Date };
}

export const applicationBase = (
  agencyCode: string,
  organizationId: string,
  applicationId: string,
) => `/${agencyCode}/organizations/${organizationId}/applications/${applicationId}`;

/** Loads an application in its organization's scope (another organization's is "not found"). */
@Injectable()
export class DraftPages {
  constructor(
    private readonly applications: ApplicationsService,
    private readonly catalog: ProgramCatalog,
    private readonly organizations: OrganizationDirectory,
    private readonly memberships: OrganizationMemberships,
    private readonly context: RequestContext,
  ) {}

  async load(agencyCode: string, organizationId: string, applicationId: string): Promise<Draft> {
    const detail = await this.applications.detail({ organizationId }, applicationId);
    const [terms, organization, members] = await Promise.all([
      this.catalog.terms(detail.programId),
      this.organizations.get(organizationId),
      this.memberships.members(organizationId),
    ]);
    const form = await this.catalog.form(detail.programId, detail.formVersion);
    const by = members.find((m) => m.userId === detail.updatedBy);
    return {
      agencyCode,
      detail,
      terms,
      form,
      organization,
      members,
      editable: ['draft', 'returned'].includes(detail.status),
      base: applicationBase(agencyCode, organizationId, applicationId),
      lastSaved: { name: by?.name ?? by?.email ?? '', at: new Date(detail.updatedAt) },
    };
  }

  /** The active authorized representatives: who may certify and submit. */
  representatives(draft: Draft): OrganizationMember[] {
    return draft.members.filter(
      (m) => m.status === 'active' && m.roles.includes('authorized_representative'),
    );
  }

  isRepresentative(draft: Draft): boolean {
    const userId = this.context.actor?.userId;
    return this.representatives(draft).some((m) => m.userId === userId);
  }
}
