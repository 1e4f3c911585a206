import { Injectable, StreamableFile } from '@nestjs/common';
import { Readable } from 'node:stream';
import { TenantDb } from '../../core/context/tenant-db';
import { ObjectStorage } from '../../core/storage/object-storage';
import { AwardRecords, AwardScope } from '../award-records';
import { versionView } from '../award.view';
import { AwardNoticeNotReadyError } from '../awards.errors';
import { AwardNotice } from '../entities/award-notice.entity';

export interface OpenNotice {
  stream: Readable;
  bytes: number;
  filename: string;
}

/** The notice as a download (the API's routes and the pages send the same file). */
export const noticeFile = (file: OpenNotice) =>
  new StreamableFile(file.stream, {
    type: 'application/pdf',
    length: file.bytes,
    disposition: `attachment; filename="${file.filename}"`,
  });

/** Downloading award notices and reading the award's version history. */
@Injectable()
export class AwardNoticeFiles {
  constructor(
    private readonly db: TenantDb,
    private readonly records: AwardRecords,
    private readonly storage: ObjectStorage,
  ) {}

  async open(scope: AwardScope, awardId: string, version?: number): Promise<OpenNotice> {
    const award = await this.records.find(scope, awardId);
    const notice = await this.db.repo(AwardNotice).findOne({
      where: { agencyId: this.db.agencyId, awardId: award.id, version: version ?? award.version },
    });
    if (!notice || notice.status !== 'ready' || !notice.storageKey) {
      throw new AwardNoticeNotReadyError();
    }
    return {
      stream: await this.storage.open(notice.storageKey),
      bytes: notice.bytes ?? 0,
      filename: `${award.reference}-v${notice.version}.pdf`,
    };
  }

  async versions(scope: AwardScope, awardId: string) {
    const award = await this.records.find(scope, awardId);
    return { items: (await this.records.versions(award.id)).map(versionView) };
  }
}
