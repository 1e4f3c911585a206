import { Injectable } from '@nestjs/common';
import { AgencyDirectory } from '../agencies/agency-directory';
import { TenantDb } from '../core/context/tenant-db';
import { isUuid } from '../core/ids';
import { Program } from './entities/program.entity';
import { FormDefinition } from './forms/form-definition';
import { ProgramCatalog, windowState } from './program-catalog';
import { publicProgramView } from './program.view';
import { ProgramNotFoundError } from './programs.errors';

/** How many programs of each kind a listing shows: open and upcoming are few; closed ones pile up. */
const OPEN_LISTED = 200;
const CLOSED_LISTED = 25;

export type PublicProgram = ReturnType<typeof publicProgramView> & {
  /** Where its window stands now: open, not yet open, or closed (window passed or closed early). */
  window: 'open' | 'upcoming' | 'closed';
};

/**
 * What anyone may see of an agency's programs (the "Find funding" pages): published programs and
 * closed ones, never drafts or archived programs. Each read is bounded by an index led by
 * (agency_id, status, closes_at), so it does not grow with the agency's history.
 */
@Injectable()
export class ProgramListings {
  constructor(
    private readonly db: TenantDb,
    private readonly agencies: AgencyDirectory,
    private readonly catalog: ProgramCatalog,
  ) {}

  /** Published programs by deadline, then the most recently closed ones. */
  async forApplicants(now: Date): Promise<PublicProgram[]> {
    const repo = this.db.repo(Program);
    // One after the other: both run on the request transaction's one connection.
    const published = await repo.find({
      where: { agencyId: this.db.agencyId, status: 'published' },
      order: { closesAt: 'ASC', id: 'ASC' },
      take: OPEN_LISTED,
    });
    const closed = await repo.find({
      where: { agencyId: this.db.agencyId, status: 'closed' },
      order: { closesAt: 'DESC', id: 'DESC' },
      take: CLOSED_LISTED,
    });
    return [...published, ...closed].map((p) => this.publicView(p, now));
  }

  /** One published or closed program with the sections of its published form. */
  async forApplicant(
    programId: string,
    now: Date,
  ): Promise<PublicProgram & { form: FormDefinition | null }> {
    const program = isUuid(programId)
      ? await this.db
          .repo(Program)
          .findOne({ where: { agencyId: this.db.agencyId, id: programId } })
      : null;
    if (!program || (program.status !== 'published' && program.status !== 'closed'))
      throw new ProgramNotFoundError();
    const form = program.currentFormVersion
      ? await this.catalog.form(program.id, program.currentFormVersion)
      : null;
    return { ...this.publicView(program, now), form };
  }

  private publicView(p: Program, now: Date): PublicProgram {
    const agency = this.agencies.configOf(this.db.agencyId);
    const view = publicProgramView(p, agency.timeZone, agency.applications.submissionGraceMinutes);
    const acceptsUntil = view.acceptsSubmissionsUntil
      ? new Date(view.acceptsSubmissionsUntil)
      : null;
    const state = windowState({ status: p.status, opensAt: p.opensAt, acceptsUntil }, now);
    return { ...view, window: state === 'not_yet_open' ? 'upcoming' : state };
  }
}
