import { Injectable } from '@nestjs/common';
import { RequestContext } from '../core/context/request-context';
import { TenantDb } from '../core/context/tenant-db';
import { decodeCursor, pageLimit, toPage } from '../core/pagination/keyset-cursor';
import { AgencyDirectory } from '../agencies/agency-directory';
import { Program } from './entities/program.entity';
import { ProgramTemplate, TemplateDefinition } from './entities/program-template.entity';
import { AuditLog } from '../core/audit/audit-log';
import { agencyLimits } from './program-input';
import {
  ProgramCodeTakenError,
  ProgramTemplateDisabledError,
  ProgramTemplateNotFoundError,
} from './programs.errors';
import { isUuid } from '../core/ids';

/** The program statuses whose definition other agencies may see. */
const SHARED_STATUSES: ReadonlyArray<Program['status']> = ['published', 'closed'];

export function templateView(t: ProgramTemplate) {
  return {
    id: t.id,
    sourceAgencyCode: t.sourceAgencyCode,
    code: t.code,
    title: t.title,
    kind: t.kind,
    fundingSource: t.fundingSource,
    assistanceListingNumber: t.assistanceListingNumber,
    assistanceListingTitle: t.assistanceListingTitle,
    definition: t.definition,
    sharedAt: t.sharedAt.toISOString(),
    updatedAt: t.updatedAt.toISOString(),
  };
}

/**
 * Program templates: the only data that crosses agencies. A shareable program's definition is
 * copied into the global program_templates table (RLS: readable by all, written only in the
 * sharing agency's own context); other agencies clone from that copy, never from the program.
 */
@Injectable()
export class ProgramTemplates {
  constructor(
    private readonly db: TenantDb,
    private readonly context: RequestContext,
    private readonly agencies: AgencyDirectory,
    private readonly audit: AuditLog,
  ) {}

  private assertEnabled(): void {
    const agency = this.agencies.configOf(this.db.agencyId);
    if (agency.features?.programTemplates === false) throw new ProgramTemplateDisabledError();
  }

  /**
   * Keeps the shared snapshot in step with the program: written, refreshed, or withdrawn. Only a
   * program the agency has published (open or closed since) is shared: a draft is work in
   * progress (wording, amounts, rubric not yet agreed), so marking it shareable takes effect at
   * publication.
   */
  async refresh(program: Program): Promise<void> {
    const repo = this.db.repo(ProgramTemplate);
    const where = { sourceAgencyId: this.db.agencyId, sourceProgramId: program.id };
    // Marking a program shareable is refused where templates are off, draft or not.
    if (program.shareable && program.status !== 'archived') this.assertEnabled();
    if (!program.shareable || !SHARED_STATUSES.includes(program.status)) {
      const existing = await repo.findOne({ where, select: { id: true } });
      if (existing) {
        await repo.delete(where);
        await this.audit.record({
          action: 'program.unshared',
          entityType: 'program',
          entityId: program.id,
          before: { templateId: existing.id },
        });
      }
      return;
    }
    const definition: TemplateDefinition = {
      description: program.description,
      eligibility: program.eligibility,
      form: program.form,
      requiredAttachments: program.requiredAttachments,
      budgetRules: program.budgetRules,
      rubric: program.rubric,
      allowMultipleApplications: program.allowMultipleApplications,
    };
    await repo.upsert(
      {
        ...where,
        sourceAgencyCode: this.context.requireTenant().agencyCode,
        code: program.code,
        title: program.title,
        kind: program.kind,
        fundingSource: program.fundingSource,
        assistanceListingNumber: program.assistanceListingNumber,
        assistanceListingTitle: program.assistanceListingTitle,
        definition,
      },
      { conflictPaths: ['sourceAgencyId', 'sourceProgramId'] },
    );
    await this.audit.record({
      action: 'program.shared',
      entityType: 'program',
      entityId: program.id,
      after: { code: program.code },
    });
  }

  /** Shareable programs of every agency (templates are public to program officers). */
  async list(query: { search?: string; cursor?: string; limit?: string }) {
    this.assertEnabled();
    const limit = pageLimit(query.limit);
    const qb = this.db.repo(ProgramTemplate).createQueryBuilder('t');
    if (query.search) {
      const term = `%${query.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      qb.where(
        '(t.title ILIKE :term OR t.code ILIKE :term OR t.assistance_listing_number ILIKE :term)',
        { term },
      );
    }
    const cursor = decodeCursor(query.cursor, 2);
    if (cursor)
      qb.andWhere('(t.shared_at, t.id) < (:at::timestamptz, :id::uuid)', {
        at: cursor[0],
        id: cursor[1],
      });
    const rows = await qb
      .orderBy('t.shared_at', 'DESC')
      .addOrderBy('t.id', 'DESC')
      .limit(limit + 1)
      .getMany();
    return toPage(rows, limit, (t) => [t.sharedAt.toISOString(), t.id], templateView);
  }

  async get(templateId: string): Promise<ProgramTemplate> {
    const template = isUuid(templateId)
      ? await this.db.repo(ProgramTemplate).findOne({ where: { id: templateId } })
      : null;
    if (!template) throw new ProgramTemplateNotFoundError();
    return template;
  }

  /**
   * Clones a template into this agency as a draft. Codes and file types this agency does not
   * allow are dropped (and listed in `adjustments`), so the draft always fits local policy.
   */
  async clone(
    templateId: string,
    code: string,
    title?: string,
  ): Promise<{ programId: string; adjustments: string[] }> {
    this.assertEnabled();
    const template = await this.get(templateId);
    const repo = this.db.repo(Program);
    if (await repo.findOne({ where: { agencyId: this.db.agencyId, code }, select: { id: true } })) {
      throw new ProgramCodeTakenError(code);
    }
    const limits = agencyLimits(this.agencies.configOf(this.db.agencyId));
    const adjustments: string[] = [];
    const keep = (values: string[] | undefined, allowed: string[], what: string) => {
      if (!values) return undefined;
      const dropped = values.filter((v) => !allowed.includes(v));
      if (dropped.length > 0)
        adjustments.push(`dropped ${what} not allowed here: ${dropped.join(', ')}`);
      return values.filter((v) => allowed.includes(v));
    };
    const d = template.definition;
    const budgetRules = {
      ...d.budgetRules,
      allowedFunctionCodes: keep(
        d.budgetRules.allowedFunctionCodes,
        limits.allowedFunctionCodes,
        'function codes',
      ),
      allowedObjectCodes: keep(
        d.budgetRules.allowedObjectCodes,
        limits.allowedObjectCodes,
        'object codes',
      ),
    };
    const requiredAttachments = d.requiredAttachments.map((a) => {
      const types = keep(a.allowedTypes, limits.allowedAttachmentTypes, `file types for ${a.key}`);
      return { ...a, allowedTypes: types && types.length > 0 ? types : undefined };
    });
    const program = await repo.save(
      repo.create({
        agencyId: this.db.agencyId,
        code,
        title: title ?? template.title,
        description: d.description,
        kind: template.kind as Program['kind'],
        status: 'draft',
        fundingSource: template.fundingSource as Program['fundingSource'],
        assistanceListingNumber: template.assistanceListingNumber,
        assistanceListingTitle: template.assistanceListingTitle,
        eligibility: d.eligibility,
        form: d.form,
        requiredAttachments: JSON.parse(
          JSON.stringify(requiredAttachments),
        ) as typeof requiredAttachments,
        budgetRules: JSON.parse(JSON.stringify(budgetRules)) as typeof budgetRules,
        rubric: d.rubric,
        allowMultipleApplications: d.allowMultipleApplications,
        clonedFromTemplateId: template.id,
        createdBy: this.context.actor?.userId ?? null,
      }),
    );
    await this.audit.record({
      action: 'program.cloned',
      entityType: 'program',
      entityId: program.id,
      after: {
        code,
        templateId: template.id,
        sourceAgencyCode: template.sourceAgencyCode,
        adjustments,
      },
    });
    return { programId: program.id, adjustments };
  }
}
