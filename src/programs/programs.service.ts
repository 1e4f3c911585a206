import { Injectable } from '@nestjs/common';
import { Brackets } from 'typeorm';
import { RequestContext } from '../core/context/request-context';
import { TenantDb } from '../core/context/tenant-db';
import { etagOf, ifMatchHolds, IfMatch } from '../core/idempotency/etag';
import { decodeCursor, pageLimit, TIME_AND_ID, toPage } from '../core/pagination/keyset-cursor';
import { AgencyDirectory } from '../agencies/agency-directory';
import { CreateProgramDto, ProgramListQuery, UpdateProgramDto } from './dto/program.dto';
import { Program } from './entities/program.entity';
import { AuditLog } from '../core/audit/audit-log';
import { crossFieldProblems, programChanges } from './program-input';
import { ProgramFormVersions } from './program-form-versions.service';
import { ProgramTemplates } from './program-templates.service';
import { programView, ProgramView } from './program.view';
import {
  ProgramCodeTakenError,
  ProgramInvalidError,
  ProgramNotEditableError,
  ProgramNotFoundError,
  ProgramPreconditionRequiredError,
  ProgramStaleError,
} from './programs.errors';
import { isUuid } from '../core/ids';

/** Program officers' side of programs: create, edit, read, list. */
@Injectable()
export class ProgramsService {
  constructor(
    private readonly db: TenantDb,
    private readonly context: RequestContext,
    private readonly agencies: AgencyDirectory,
    private readonly audit: AuditLog,
    private readonly formVersions: ProgramFormVersions,
    private readonly templates: ProgramTemplates,
  ) {}

  view(program: Program): ProgramView {
    const agency = this.agencies.configOf(this.db.agencyId);
    return programView(program, agency.timeZone, agency.applications.submissionGraceMinutes);
  }

  async find(programId: string, lock = false): Promise<Program> {
    const query = this.db
      .repo(Program)
      .createQueryBuilder('p')
      .where('p.agency_id = :agencyId AND p.id = :programId', {
        agencyId: this.db.agencyId,
        programId,
      });
    if (lock) query.setLock('pessimistic_write');
    const program = isUuid(programId) ? await query.getOne() : null;
    if (!program) throw new ProgramNotFoundError();
    return program;
  }

  private async assertCodeFree(code: string, exceptId?: string): Promise<void> {
    const clash = await this.db
      .repo(Program)
      .findOne({ where: { agencyId: this.db.agencyId, code }, select: { id: true } });
    if (clash && clash.id !== exceptId) throw new ProgramCodeTakenError(code);
  }

  async create(dto: CreateProgramDto): Promise<ProgramView> {
    const agency = this.agencies.configOf(this.db.agencyId);
    const { changes, problems } = programChanges(dto, agency);
    problems.push(...crossFieldProblems(changes));
    if (problems.length > 0) throw new ProgramInvalidError(problems);
    await this.assertCodeFree(dto.code);
    const repo = this.db.repo(Program);
    const program = await repo.save(
      repo.create({
        ...changes,
        agencyId: this.db.agencyId,
        status: 'draft',
        createdBy: this.context.actor?.userId ?? null,
      }),
    );
    await this.audit.record({
      action: 'program.created',
      entityType: 'program',
      entityId: program.id,
      after: { code: program.code, title: program.title, kind: program.kind },
    });
    if (program.shareable) await this.templates.refresh(program);
    return this.view(await this.find(program.id));
  }

  async update(programId: string, dto: UpdateProgramDto, ifMatch: IfMatch): Promise<ProgramView> {
    if (ifMatch.kind === 'missing') throw new ProgramPreconditionRequiredError();
    const program = await this.find(programId, true);
    if (!ifMatchHolds(ifMatch, program.version))
      throw new ProgramStaleError(etagOf(program.version));
    if (program.status === 'archived') throw new ProgramNotEditableError(program.status);

    const agency = this.agencies.configOf(this.db.agencyId);
    const { changes, problems } = programChanges(dto, agency);
    if (program.status !== 'draft' && changes.kind !== undefined && changes.kind !== program.kind) {
      problems.push({ pointer: '/kind', detail: 'cannot change once the program is published' });
    }
    if (program.status !== 'draft' && 'form' in changes && changes.form === null) {
      problems.push({
        pointer: '/form',
        detail: 'cannot be removed once the program is published',
      });
    }
    problems.push(...crossFieldProblems({ ...program, ...changes }));
    if (problems.length > 0) throw new ProgramInvalidError(problems);
    if (changes.code && changes.code !== program.code)
      await this.assertCodeFree(changes.code, program.id);

    const before = { ...program };
    Object.assign(program, changes);
    program.version += 1;
    // A published form is never edited in place: a changed form becomes the next version.
    if (program.status !== 'draft' && changes.form) {
      program.currentFormVersion = await this.formVersions.publish(program);
    }
    await this.db.repo(Program).save(program);
    await this.audit.record({
      action: 'program.updated',
      entityType: 'program',
      entityId: program.id,
      before: pick(before, Object.keys(changes)),
      after: pick(program, Object.keys(changes)),
    });
    await this.templates.refresh(program);
    return this.view(await this.find(program.id));
  }

  async get(programId: string): Promise<ProgramView> {
    return this.view(await this.find(programId));
  }

  /** Staff list: every status, newest first, keyset-paginated. */
  async list(query: ProgramListQuery) {
    const limit = pageLimit(query.limit);
    const qb = this.db
      .repo(Program)
      .createQueryBuilder('p')
      .where('p.agency_id = :agencyId', { agencyId: this.db.agencyId });
    if (query.status) qb.andWhere('p.status = :status', { status: query.status });
    if (query.kind) qb.andWhere('p.kind = :kind', { kind: query.kind });
    if (query.fiscalYear) qb.andWhere('p.fiscal_year = :fy', { fy: Number(query.fiscalYear) });
    if (query.search) {
      const term = `%${query.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      qb.andWhere(
        new Brackets((w) =>
          w.where('p.title ILIKE :term', { term }).orWhere('p.code ILIKE :term', { term }),
        ),
      );
    }
    const cursor = decodeCursor(query.cursor, TIME_AND_ID);
    if (cursor)
      qb.andWhere('(p.created_at, p.id) < (:at::timestamptz, :id::uuid)', {
        at: cursor[0],
        id: cursor[1],
      });
    const rows = await qb
      .orderBy('p.created_at', 'DESC')
      .addOrderBy('p.id', 'DESC')
      .limit(limit + 1)
      .getMany();
    const agency = this.agencies.configOf(this.db.agencyId);
    return toPage(
      rows,
      limit,
      (p) => [p.createdAt.toISOString(), p.id],
      (p) => programView(p, agency.timeZone, agency.applications.submissionGraceMinutes),
    );
  }
}

function pick(source: object, keys: string[]): Record<string, unknown> {
  const record = source as Record<string, unknown>;
  return Object.fromEntries(keys.map((k) => [k, record[k]]));
}
