import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { AuditLog } from '../core/audit/audit-log';
import { RequestContext } from '../core/context/request-context';
import { TenantDb } from '../core/context/tenant-db';
import { CsvSyntaxError, parseCsv } from '../core/csv/csv';
import { OrganizationDirectory } from '../organizations/organization-directory';
import { AllocationNotFoundError, FormulaInputInvalidError } from './allocations.errors';
import { FormulaInputRow } from './entities/formula-input-row.entity';
import { FormulaInputSet } from './entities/formula-input-set.entity';
import { FormulaRow } from './formula-allocation';
import { FormulaConfigs } from './formula-configs.service';
import { parseFormulaInput } from './formula-input';
import { isUuid } from '../core/ids';

const setView = (s: FormulaInputSet) => ({
  id: s.id,
  programId: s.programId,
  filename: s.filename,
  sha256: s.sha256,
  rows: s.rowCount,
  factorNames: s.factorNames,
  uploadedAt: s.uploadedAt.toISOString(),
});

/**
 * Formula inputs: a CSV per upload, one row per organization named by its state district code
 * or NCES LEA id, with the configured factors and an optional prior allocation. A file with any
 * bad row is refused whole, every problem named with its line.
 */
@Injectable()
export class FormulaInputs {
  constructor(
    private readonly db: TenantDb,
    private readonly context: RequestContext,
    private readonly configs: FormulaConfigs,
    private readonly organizations: OrganizationDirectory,
    private readonly audit: AuditLog,
  ) {}

  async upload(programId: string, csv: string, filename: string | null) {
    await this.configs.formulaProgram(programId);
    const config = await this.configs.require(programId);
    const factorNames = Object.keys(config.factors);
    let identifiers: string[] = [];
    try {
      identifiers = parseCsv(csv)
        .slice(1)
        .map((r) => (r.fields[0] ?? '').trim());
    } catch (error) {
      if (!(error instanceof CsvSyntaxError)) throw error; // parseFormulaInput reports it by line
    }
    const ids = await this.organizations.idsByIdentifier(identifiers);
    const parsed = parseFormulaInput(csv, factorNames, (identifier) => ids.get(identifier));
    if (parsed.problems.length > 0) throw new FormulaInputInvalidError(parsed.problems);

    const repo = this.db.repo(FormulaInputSet);
    const set = await repo.save(
      repo.create({
        agencyId: this.db.agencyId,
        programId,
        filename,
        sha256: createHash('sha256').update(csv).digest('hex'),
        rowCount: parsed.rows.length,
        factorNames,
        uploadedBy: this.context.actor?.userId ?? null,
      }),
    );
    await this.db.repo(FormulaInputRow).insert(
      parsed.rows.map((r) => ({
        agencyId: this.db.agencyId,
        inputSetId: set.id,
        organizationId: r.organizationId,
        line: r.line!,
        identifier: r.identifier,
        factors: Object.fromEntries(Object.entries(r.factors).map(([k, v]) => [k, v.toString()])),
        priorAllocation: r.priorAllocation ?? null,
      })),
    );
    await this.audit.record({
      action: 'allocation.inputs_uploaded',
      entityType: 'formula_input_set',
      entityId: set.id,
      after: { programId, filename, rows: set.rowCount, sha256: set.sha256, factorNames },
    });
    return setView(set);
  }

  async list(programId: string) {
    await this.configs.formulaProgram(programId);
    const sets = await this.db.repo(FormulaInputSet).find({
      where: { agencyId: this.db.agencyId, programId },
      order: { uploadedAt: 'DESC' },
    });
    return { items: sets.map(setView) };
  }

  /** An input set of the program (the latest when no id is given) and its rows. */
  async load(
    programId: string,
    inputSetId?: string,
  ): Promise<{ set: FormulaInputSet; rows: FormulaRow[] }> {
    const set =
      inputSetId === undefined
        ? await this.db.repo(FormulaInputSet).findOne({
            where: { agencyId: this.db.agencyId, programId },
            order: { uploadedAt: 'DESC' },
          })
        : isUuid(inputSetId)
          ? await this.db.repo(FormulaInputSet).findOne({
              where: { agencyId: this.db.agencyId, programId, id: inputSetId },
            })
          : null;
    if (!set) throw new AllocationNotFoundError('formula input set');
    const rows = await this.db.repo(FormulaInputRow).find({
      where: { agencyId: this.db.agencyId, inputSetId: set.id },
      order: { line: 'ASC' },
    });
    return {
      set,
      rows: rows.map((r) => ({
        organizationId: r.organizationId,
        identifier: r.identifier,
        factors: Object.fromEntries(Object.entries(r.factors).map(([k, v]) => [k, BigInt(v)])),
        priorAllocation: r.priorAllocation ?? undefined,
        line: r.line,
      })),
    };
  }
}
