import { Injectable } from '@nestjs/common';
import { Clock } from '../core/clock/clock';
import { TenantDb } from '../core/context/tenant-db';
import { AwardNotFoundError } from './awards.errors';
import { Award } from './entities/award.entity';
import { AwardBudgetLine } from './entities/award-budget-line.entity';
import { AwardNotice } from './entities/award-notice.entity';
import { AwardVersion } from './entities/award-version.entity';
import { isUuid } from '../core/ids';
import { entitySql } from '../core/database/sql-statement';

const LOCK_REFERENCE = entitySql(
  'awards.award-lock-reference',
  Award,
  'a',
  `SELECT {columns} FROM awards a WHERE a.agency_id = $1 AND a.id = $2 FOR UPDATE`,
  { pick: ['reference'] },
);

/** Where an award is reached from: its organization (applicants) or the agency (staff). */
export type AwardScope = { organizationId: string } | Record<string, never>;

/**
 * Loading awards within the path's scope (an award of another organization is "not found"),
 * row locks for balance checks, and the award's budget lines and versions.
 */
@Injectable()
export class AwardRecords {
  constructor(
    private readonly db: TenantDb,
    private readonly clock: Clock,
  ) {}

  async find(scope: AwardScope, awardId: string, lock = false): Promise<Award> {
    if (!isUuid(awardId)) throw new AwardNotFoundError();
    const qb = this.db
      .repo(Award)
      .createQueryBuilder('a')
      .where('a.agency_id = :agencyId AND a.id = :awardId', {
        agencyId: this.db.agencyId,
        awardId,
      });
    if ('organizationId' in scope && scope.organizationId !== undefined) {
      if (!isUuid(scope.organizationId)) throw new AwardNotFoundError();
      qb.andWhere('a.organization_id = :organizationId', { organizationId: scope.organizationId });
    }
    // Every balance-changing path locks the award row first: one order, no deadlocks.
    if (lock) qb.setLock('pessimistic_write');
    const award = await qb.getOne();
    if (!award) throw new AwardNotFoundError();
    return award;
  }

  /** Locks the award row like `find(..., true)`, reading only its reference (hot paths). */
  async lockReference(awardId: string): Promise<string> {
    if (!isUuid(awardId)) throw new AwardNotFoundError();
    const rows = await this.db.rows(LOCK_REFERENCE, [this.db.agencyId, awardId]);
    if (rows.length === 0) throw new AwardNotFoundError();
    return rows[0].reference;
  }

  async save(award: Award): Promise<Award> {
    award.updatedAt = this.clock.now();
    return this.db.repo(Award).save(award);
  }

  async budgetLines(awardId: string): Promise<AwardBudgetLine[]> {
    return this.db.repo(AwardBudgetLine).find({
      where: { agencyId: this.db.agencyId, awardId },
      order: { functionCode: 'ASC', objectCode: 'ASC' },
    });
  }

  /** Replaces the budget lines; `approved` also moves the approved amounts (a new version). */
  async replaceBudget(
    awardId: string,
    lines: Array<{ functionCode: string; objectCode: string; description: string; amount: string }>,
    approved: boolean,
  ): Promise<void> {
    const repo = this.db.repo(AwardBudgetLine);
    const current = await this.budgetLines(awardId);
    const byKey = new Map(current.map((l) => [`${l.functionCode}/${l.objectCode}`, l]));
    const kept = new Set<string>();
    for (const line of lines) {
      const key = `${line.functionCode}/${line.objectCode}`;
      kept.add(key);
      const existing = byKey.get(key);
      const row =
        existing ??
        repo.create({
          agencyId: this.db.agencyId,
          awardId,
          functionCode: line.functionCode,
          objectCode: line.objectCode,
          approvedAmount: '0.00',
        });
      row.description = line.description;
      row.amount = line.amount;
      if (approved) row.approvedAmount = line.amount;
      await repo.save(row);
    }
    for (const line of current) {
      const key = `${line.functionCode}/${line.objectCode}`;
      if (kept.has(key)) continue;
      if (approved || line.approvedAmount === '0.00') await repo.remove(line);
      else await repo.save(Object.assign(line, { amount: '0.00' }));
    }
  }

  async versions(awardId: string): Promise<AwardVersion[]> {
    return this.db.repo(AwardVersion).find({
      where: { agencyId: this.db.agencyId, awardId },
      order: { version: 'ASC' },
    });
  }

  async addVersion(version: Omit<AwardVersion, 'id' | 'agencyId' | 'createdAt'>): Promise<void> {
    const repo = this.db.repo(AwardVersion);
    await repo.save(repo.create({ ...version, agencyId: this.db.agencyId }));
  }

  async latestNotice(awardId: string): Promise<AwardNotice | null> {
    return this.db.repo(AwardNotice).findOne({
      where: { agencyId: this.db.agencyId, awardId },
      order: { version: 'DESC' },
    });
  }
}
