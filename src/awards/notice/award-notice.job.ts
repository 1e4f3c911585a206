import { Injectable } from '@nestjs/common';
import { Clock } from '../../core/clock/clock';
import { Readable } from 'node:stream';
import { AgencyDirectory } from '../../agencies/agency-directory';
import { AuditLog } from '../../core/audit/audit-log';
import { TenantDb } from '../../core/context/tenant-db';
import { defineJob, HandlesJob, JobHandler, PermanentJobError } from '../../core/jobs';
import { ObjectStorage } from '../../core/storage/object-storage';
import { Award } from '../entities/award.entity';
import { AwardNotice } from '../entities/award-notice.entity';
import { AwardVersion } from '../entities/award-version.entity';
import { awardNoticeLines } from './award-notice-content';
import { renderPdf } from './pdf-writer';

export interface AwardNoticeJob {
  agencyId: string;
  awardId: string;
  version: number;
}

declare module '../../core/jobs/job-types' {
  interface JobPayloads {
    'award.notice': AwardNoticeJob;
  }
}

export const AWARD_NOTICE_JOB = defineJob('award.notice', { maxAttempts: 5 });

/**
 * Writes the award notice PDF of one award version. Idempotent: a notice already marked ready
 * is left alone, and the storage key is fixed per version, so a redelivery overwrites the
 * same file with the same bytes' content.
 */
@Injectable()
@HandlesJob('award.notice')
export class AwardNoticeJobHandler implements JobHandler<'award.notice'> {
  constructor(
    private readonly db: TenantDb,
    private readonly storage: ObjectStorage,
    private readonly agencies: AgencyDirectory,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
  ) {}

  async handle(job: AwardNoticeJob): Promise<void> {
    const where = { agencyId: job.agencyId, awardId: job.awardId, version: job.version };
    const notice = await this.db.repo(AwardNotice).findOne({ where });
    if (!notice)
      throw new PermanentJobError(`no notice row for award ${job.awardId} v${job.version}`);
    if (notice.status === 'ready') return;
    const award = await this.db
      .repo(Award)
      .findOneOrFail({ where: { agencyId: job.agencyId, id: job.awardId } });
    const version = await this.db.repo(AwardVersion).findOneOrFail({ where });
    const agency = this.agencies.configOf(job.agencyId);
    const pdf = await renderPdf(awardNoticeLines(award, version, agency.name), {
      title: `Award ${award.reference} v${version.version}`,
      date: version.createdAt,
    });
    const stored = await this.storage.put(
      `awards/${job.agencyId}/${job.awardId}/notice-v${job.version}.pdf`,
      Readable.from(pdf),
    );
    Object.assign(notice, {
      status: 'ready',
      storageKey: stored.key,
      sha256: stored.sha256,
      bytes: stored.bytes,
      generatedAt: this.clock.now(),
    });
    await this.db.repo(AwardNotice).save(notice);
    await this.audit.record({
      action: 'award_notice.generated',
      entityType: 'award',
      entityId: job.awardId,
      after: { version: job.version, sha256: stored.sha256, bytes: stored.bytes },
    });
  }
}
