import { Injectable } from '@nestjs/common';
import { TenantDb } from '../core/context/tenant-db';
import { FieldProblem } from '../core/errors/domain-error';
import { decodeCursor, pageLimit, TIME_AND_ID, toPage } from '../core/pagination/keyset-cursor';
import { AgencyDirectory } from '../agencies/agency-directory';
import { Program } from './entities/program.entity';
import { ProgramFormVersion } from './entities/program-form-version.entity';
import { AnswerMode, AnswerValidator, fileAnswers } from './forms/answer-validator';
import { FormDefinition } from './forms/form-definition';
import { agencyLimits } from './program-input';
import {
  BudgetRules,
  effectiveBudgetRules,
  Eligibility,
  RequiredAttachment,
  Rubric,
} from './program-settings';
import { ProgramFormVersions } from './program-form-versions.service';
import { ProgramNotFoundError } from './programs.errors';
import { publicProgramView } from './program.view';
import { isUuid } from '../core/ids';
import { entitySql } from '../core/database/sql-statement';

/** Published form versions kept in memory (a few KB each). */
const PUBLISHED_FORMS_CACHED = 500;

/** What the applications module needs to know about a program (the programs public surface). */
export interface ProgramTerms {
  id: string;
  code: string;
  title: string;
  status: Program['status'];
  kind: Program['kind'];
  fiscalYear: number | null;
  assistanceListingNumber: string | null;
  timeZone: string;
  opensAt: Date | null;
  closesAt: Date | null;
  /** closesAt plus the grace minutes (program's, else the agency's). */
  acceptsUntil: Date | null;
  currentFormVersion: number | null;
  allowMultipleApplications: boolean;
  awardFloor: string | null;
  awardCeiling: string | null;
  /** Read by the reviews module (funding decisions) and the allocations module. */
  fundsAvailable: string | null;
  rubric: Rubric | null;
  budgetRules: Required<Omit<BudgetRules, 'indirectCostCapPercent'>> &
    Pick<BudgetRules, 'indirectCostCapPercent'>;
  requiredAttachments: RequiredAttachment[];
  eligibility: Eligibility;
  /** The program officer who created it (told about new submissions). */
  ownerUserId: string | null;
}

/**
 * The federal award a program passes through, as a subaward must identify it (2 CFR 200.332):
 * what the awards module copies onto each award it makes under the program.
 */
export interface FederalAwardTerms {
  programId: string;
  title: string;
  fain: string | null;
  assistanceListingNumber: string | null;
  assistanceListingTitle: string | null;
  fiscalYear: number | null;
  /** The program's default period of performance, dates YYYY-MM-DD. */
  performanceStart: string | null;
  performanceEnd: string | null;
}

export type WindowState = 'not_yet_open' | 'open' | 'closed';

export function windowState(
  terms: Pick<ProgramTerms, 'opensAt' | 'acceptsUntil' | 'status'>,
  now: Date,
): WindowState {
  if (terms.status !== 'published' || !terms.opensAt || !terms.acceptsUntil) return 'closed';
  if (now < terms.opensAt) return 'not_yet_open';
  return now <= terms.acceptsUntil ? 'open' : 'closed';
}

const PROGRAM = entitySql(
  'programs.program',
  Program,
  'p',
  'SELECT {columns} FROM programs p WHERE p.agency_id = $1 AND p.id = $2',
);

/** The program columns terms are made of (not the form definition, a program's largest JSON). */
const TERMS = entitySql(
  'programs.terms',
  Program,
  'p',
  'SELECT {columns} FROM programs p WHERE p.agency_id = $1 AND p.id = $2',
  {
    pick: [
      'id',
      'code',
      'title',
      'status',
      'kind',
      'fiscalYear',
      'assistanceListingNumber',
      'opensAt',
      'closesAt',
      'graceMinutes',
      'currentFormVersion',
      'allowMultipleApplications',
      'awardFloor',
      'awardCeiling',
      'fundsAvailable',
      'rubric',
      'budgetRules',
      'requiredAttachments',
      'eligibility',
      'createdBy',
    ],
  },
);
type TermsColumns = ReturnType<typeof TERMS.shape>[number];

/** Read-only program information for other modules and for the public listing. */
@Injectable()
export class ProgramCatalog {
  private readonly validator = new AnswerValidator();
  private readonly publishedForms = new Map<string, ProgramFormVersion>();

  constructor(
    private readonly db: TenantDb,
    private readonly agencies: AgencyDirectory,
    private readonly formVersions: ProgramFormVersions,
  ) {}

  private async load(programId: string): Promise<Program> {
    const [program] = isUuid(programId)
      ? await this.db.rows(PROGRAM, [this.db.agencyId, programId])
      : [];
    if (!program) throw new ProgramNotFoundError();
    return program;
  }

  async terms(programId: string): Promise<ProgramTerms> {
    // Read on nearly every request about an application: only what terms need (not the form
    // definition, the largest JSON of a program), in plain SQL.
    const [program] = isUuid(programId)
      ? await this.db.rows(TERMS, [this.db.agencyId, programId])
      : [];
    if (!program) throw new ProgramNotFoundError();
    return this.termsOf(program);
  }

  /** The federal award terms of a program; null when the agency has no such program. */
  async federalAwardTerms(programId: string): Promise<FederalAwardTerms | null> {
    if (!isUuid(programId)) return null;
    const p = await this.db.repo(Program).findOne({
      select: {
        id: true,
        title: true,
        fain: true,
        assistanceListingNumber: true,
        assistanceListingTitle: true,
        fiscalYear: true,
        performanceStart: true,
        performanceEnd: true,
      },
      where: { agencyId: this.db.agencyId, id: programId },
    });
    return (
      p && {
        programId: p.id,
        title: p.title,
        fain: p.fain,
        assistanceListingNumber: p.assistanceListingNumber,
        assistanceListingTitle: p.assistanceListingTitle,
        fiscalYear: p.fiscalYear,
        performanceStart: p.performanceStart,
        performanceEnd: p.performanceEnd,
      }
    );
  }

  private termsOf(p: TermsColumns): ProgramTerms {
    const agency = this.agencies.configOf(this.db.agencyId);
    const grace = p.graceMinutes ?? agency.applications.submissionGraceMinutes;
    return {
      id: p.id,
      code: p.code,
      title: p.title,
      status: p.status,
      kind: p.kind,
      fiscalYear: p.fiscalYear,
      assistanceListingNumber: p.assistanceListingNumber,
      timeZone: agency.timeZone,
      opensAt: p.opensAt,
      closesAt: p.closesAt,
      acceptsUntil: p.closesAt ? new Date(p.closesAt.getTime() + grace * 60_000) : null,
      currentFormVersion: p.currentFormVersion,
      allowMultipleApplications: p.allowMultipleApplications,
      awardFloor: p.awardFloor,
      awardCeiling: p.awardCeiling,
      fundsAvailable: p.fundsAvailable,
      rubric: p.rubric,
      budgetRules: effectiveBudgetRules(p.budgetRules, agencyLimits(agency)),
      requiredAttachments: p.requiredAttachments,
      eligibility: p.eligibility,
      ownerUserId: p.createdBy,
    };
  }

  /** Published programs whose window closes between `now` and `now + withinMs` (for reminders). */
  async closingWithin(now: Date, withinMs: number): Promise<ProgramTerms[]> {
    const rows = await this.db
      .repo(Program)
      .createQueryBuilder('p')
      .where('p.agency_id = :agencyId AND p.status = :status', {
        agencyId: this.db.agencyId,
        status: 'published',
      })
      .andWhere('p.closes_at > :now AND p.closes_at <= :until', {
        now,
        until: new Date(now.getTime() + withinMs),
      })
      .orderBy('p.closes_at', 'ASC')
      .getMany();
    return rows.map((p) => this.termsOf(p));
  }

  /**
   * A published form version, read from the database once per process: versions are immutable
   * (insert-only), and every draft save and submission validates against one. Keyed by agency,
   * so an entry only serves the agency whose transaction read it. Only reads go through here
   * (the publishing transaction writes and reads versions through ProgramFormVersions), so an
   * entry is always a committed version.
   */
  private async publishedForm(programId: string, version: number): Promise<ProgramFormVersion> {
    const key = `${this.db.agencyId}:${programId}:${version}`;
    let form = this.publishedForms.get(key);
    if (!form) {
      form = (await this.formVersions.get(programId, version)) ?? undefined;
      if (!form) throw new ProgramNotFoundError();
      if (this.publishedForms.size >= PUBLISHED_FORMS_CACHED) {
        this.publishedForms.delete(this.publishedForms.keys().next().value as string);
      }
      this.publishedForms.set(key, form);
    }
    return form;
  }

  async form(programId: string, version: number): Promise<FormDefinition> {
    return (await this.publishedForm(programId, version)).definition;
  }

  /** Answers checked against a published form version: partial for drafts, complete to submit. */
  async validateAnswers(
    programId: string,
    version: number,
    answers: unknown,
    mode: AnswerMode,
  ): Promise<FieldProblem[]> {
    const form = await this.publishedForm(programId, version);
    return this.validator.validate(
      `${this.db.agencyId}:${programId}:${version}`,
      form.jsonSchema,
      answers,
      mode,
    );
  }

  /** Attachment ids named by file questions in the answers, with where they are named. */
  async fileAnswers(programId: string, version: number, answers: unknown) {
    return fileAnswers(await this.form(programId, version), answers);
  }

  /** Programs funded under the same Assistance Listing (a program's earlier years), for copying budgets. */
  async sameFunding(programId: string, otherProgramId: string): Promise<boolean> {
    if (programId === otherProgramId) return true;
    const [a, b] = await Promise.all([this.load(programId), this.load(otherProgramId)]);
    return (
      a.assistanceListingNumber !== null && a.assistanceListingNumber === b.assistanceListingNumber
    );
  }

  /** Published programs, for anyone (no login): search, filters, keyset by deadline. */
  async listPublished(query: {
    search?: string;
    kind?: string;
    fiscalYear?: string;
    cursor?: string;
    limit?: string;
  }) {
    const limit = pageLimit(query.limit);
    const qb = this.db
      .repo(Program)
      .createQueryBuilder('p')
      .where('p.agency_id = :agencyId AND p.status = :status', {
        agencyId: this.db.agencyId,
        status: 'published',
      });
    if (query.kind) qb.andWhere('p.kind = :kind', { kind: query.kind });
    if (query.fiscalYear) qb.andWhere('p.fiscal_year = :fy', { fy: Number(query.fiscalYear) });
    if (query.search) {
      const term = `%${query.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      qb.andWhere(
        '(p.title ILIKE :term OR p.code ILIKE :term OR p.description ILIKE :term OR p.assistance_listing_number ILIKE :term)',
        { term },
      );
    }
    const cursor = decodeCursor(query.cursor, TIME_AND_ID);
    if (cursor)
      qb.andWhere('(p.closes_at, p.id) > (:at::timestamptz, :id::uuid)', {
        at: cursor[0],
        id: cursor[1],
      });
    const rows = await qb
      .orderBy('p.closes_at', 'ASC')
      .addOrderBy('p.id', 'ASC')
      .limit(limit + 1)
      .getMany();
    const agency = this.agencies.configOf(this.db.agencyId);
    return toPage(
      rows,
      limit,
      (p) => [p.closesAt!.toISOString(), p.id],
      (p) => publicProgramView(p, agency.timeZone, agency.applications.submissionGraceMinutes),
    );
  }

  /** One published program with its current form, for applicants deciding whether to apply. */
  async getPublished(programId: string) {
    const p = await this.load(programId);
    if (p.status !== 'published' || !p.currentFormVersion) throw new ProgramNotFoundError();
    const agency = this.agencies.configOf(this.db.agencyId);
    return {
      ...publicProgramView(p, agency.timeZone, agency.applications.submissionGraceMinutes),
      form: await this.form(p.id, p.currentFormVersion),
      rubric: p.rubric,
    };
  }
}
