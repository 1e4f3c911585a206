import { Injectable } from '@nestjs/common';
import { TenantDb } from '../core/context/tenant-db';
import { canonicalJson } from '../core/idempotency/canonical-json';
import { Program } from './entities/program.entity';
import { ProgramFormVersion } from './entities/program-form-version.entity';
import { compileFormSchema } from './forms/form-compiler';
import { RequestContext } from '../core/context/request-context';

/** Published application forms: append-only versions, one per change after publication. */
@Injectable()
export class ProgramFormVersions {
  constructor(
    private readonly db: TenantDb,
    private readonly context: RequestContext,
  ) {}

  async get(programId: string, version: number): Promise<ProgramFormVersion | null> {
    return this.db
      .repo(ProgramFormVersion)
      .findOne({ where: { agencyId: this.db.agencyId, programId, version } });
  }

  /**
   * Makes the program's working form the current published version, unless it is identical to
   * the current one. Returns the version number applicants now get.
   */
  async publish(program: Program): Promise<number> {
    if (!program.form) throw new Error('publish() needs a form');
    if (program.currentFormVersion) {
      const current = await this.get(program.id, program.currentFormVersion);
      if (current && canonicalJson(current.definition) === canonicalJson(program.form))
        return current.version;
    }
    const version = (program.currentFormVersion ?? 0) + 1;
    const repo = this.db.repo(ProgramFormVersion);
    await repo.save(
      repo.create({
        agencyId: this.db.agencyId,
        programId: program.id,
        version,
        definition: program.form,
        jsonSchema: compileFormSchema(program.form),
        createdBy: this.context.actor?.userId ?? null,
      }),
    );
    return version;
  }

  async list(programId: string): Promise<Array<{ version: number; createdAt: string }>> {
    const rows = await this.db.repo(ProgramFormVersion).find({
      where: { agencyId: this.db.agencyId, programId },
      select: { version: true, createdAt: true },
      order: { version: 'ASC' },
    });
    return rows.map((r) => ({ version: r.version, createdAt: r.createdAt.toISOString() }));
  }
}
