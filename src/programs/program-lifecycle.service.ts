import { Injectable } from '@nestjs/common';
import { AgencyDirectory } from '../agencies/agency-directory';
import { Clock } from '../core/clock/clock';
import { TenantDb } from '../core/context/tenant-db';
import { Program, ProgramStatus } from './entities/program.entity';
import { AuditLog } from '../core/audit/audit-log';
import { publishProblems } from './program-input';
import { ProgramFormVersions } from './program-form-versions.service';
import { ProgramTemplates } from './program-templates.service';
import { ProgramNotPublishableError, ProgramTransitionError } from './programs.errors';
import { ProgramsService } from './programs.service';
import { ProgramView } from './program.view';
import { entitySql } from '../core/database/sql-statement';

/** Published programs whose window, grace included, closed before $3. */
const CLOSE_DUE = entitySql(
  'programs.close-due',
  Program,
  'p',
  `SELECT {columns} FROM programs p
    WHERE p.agency_id = $1 AND p.status = 'published'
      AND p.closes_at + make_interval(mins => COALESCE(p.grace_minutes, $2)) < $3
    ORDER BY p.closes_at, p.id`,
  { pick: ['id'] },
);

/** draft -> published -> closed -> archived; a closed program may be published again. */
const TRANSITIONS: Record<ProgramStatus, ProgramStatus[]> = {
  draft: ['published', 'archived'],
  published: ['closed'],
  closed: ['published', 'archived'],
  archived: [],
};

@Injectable()
export class ProgramLifecycle {
  constructor(
    private readonly db: TenantDb,
    private readonly programs: ProgramsService,
    private readonly formVersions: ProgramFormVersions,
    private readonly templates: ProgramTemplates,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly agencies: AgencyDirectory,
  ) {}

  private async move(
    programId: string,
    to: ProgramStatus,
    prepare?: (p: Program) => Promise<void>,
  ): Promise<ProgramView> {
    const program = await this.programs.find(programId, true);
    const from = program.status;
    if (!TRANSITIONS[from].includes(to)) throw new ProgramTransitionError(from, to);
    if (prepare) await prepare(program);
    const now = this.clock.now();
    program.status = to;
    program.version += 1;
    if (to === 'published') program.publishedAt = now;
    if (to === 'closed') program.closedAt = now;
    if (to === 'archived') program.archivedAt = now;
    await this.db.repo(Program).save(program);
    await this.audit.record({
      action: `program.${to}`,
      entityType: 'program',
      entityId: program.id,
      before: { status: from },
      after: { status: to, formVersion: program.currentFormVersion },
    });
    await this.templates.refresh(program);
    return this.programs.view(program);
  }

  /** Opens the program to applicants: everything they need must be there; the form is frozen. */
  publish(programId: string): Promise<ProgramView> {
    return this.move(programId, 'published', async (program) => {
      const problems = publishProblems(program);
      if (problems.length > 0) throw new ProgramNotPublishableError(problems);
      program.currentFormVersion = await this.formVersions.publish(program);
    });
  }

  close(programId: string): Promise<ProgramView> {
    return this.move(programId, 'closed');
  }

  archive(programId: string): Promise<ProgramView> {
    return this.move(programId, 'archived');
  }

  /**
   * Closes the published programs whose window (plus grace) has passed by the server's clock.
   * Run by a schedule in each agency; idempotent (a closed program is not published any more).
   */
  async closeDue(): Promise<string[]> {
    const graceDefault = this.agencies.configOf(this.db.agencyId).applications
      .submissionGraceMinutes;
    const due = await this.db.rows(CLOSE_DUE, [this.db.agencyId, graceDefault, this.clock.now()]);
    for (const { id } of due) await this.close(id);
    return due.map((r) => r.id);
  }
}
