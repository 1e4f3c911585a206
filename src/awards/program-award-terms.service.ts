import { Injectable } from '@nestjs/common';
import { Clock } from '../core/clock/clock';
import { AuditLog } from '../core/audit/audit-log';
import { RequestContext } from '../core/context/request-context';
import { TenantDb } from '../core/context/tenant-db';
import { NotFoundError } from '../core/errors/domain-error';
import { ProgramCatalog } from '../programs/program-catalog';
import { isUuid } from '../core/ids';
import { AwardInvalidError } from './awards.errors';
import { ProgramAwardTerms } from './entities/program-award-terms.entity';

export interface CarryoverTerms {
  carryoverAllowed: boolean;
  carryoverCapPercent: string | null;
}

const PERCENT = /^(100(\.0{1,2})?|\d{1,2}(\.\d{1,2})?)$/;

/** A program's carryover terms (default: no carryover), set by program or finance officers. */
@Injectable()
export class ProgramAwardTermsService {
  constructor(
    private readonly db: TenantDb,
    private readonly context: RequestContext,
    private readonly programs: ProgramCatalog,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  async get(programId: string): Promise<CarryoverTerms & { programId: string }> {
    await this.requireProgram(programId);
    const row = await this.db.repo(ProgramAwardTerms).findOne({
      where: { agencyId: this.db.agencyId, programId },
    });
    return {
      programId,
      carryoverAllowed: row?.carryoverAllowed ?? false,
      carryoverCapPercent: row?.carryoverCapPercent ?? null,
    };
  }

  async put(programId: string, terms: CarryoverTerms) {
    await this.requireProgram(programId);
    if (terms.carryoverCapPercent !== null && !PERCENT.test(terms.carryoverCapPercent)) {
      throw new AwardInvalidError([
        { pointer: '/carryoverCapPercent', detail: 'must be a percent from "0" to "100"' },
      ]);
    }
    const before = await this.get(programId);
    const repo = this.db.repo(ProgramAwardTerms);
    await repo.save(
      repo.create({
        agencyId: this.db.agencyId,
        programId,
        carryoverAllowed: terms.carryoverAllowed,
        carryoverCapPercent: terms.carryoverCapPercent,
        updatedBy: this.context.actor?.userId ?? null,
        updatedAt: this.clock.now(),
      }),
    );
    const after = await this.get(programId);
    await this.audit.record({
      action: 'program_award_terms.updated',
      entityType: 'program',
      entityId: programId,
      before,
      after,
    });
    return after;
  }

  private async requireProgram(programId: string): Promise<void> {
    if (!isUuid(programId) || !(await this.programs.federalAwardTerms(programId))) {
      throw new NotFoundError('program', 'program.not_found');
    }
  }
}
