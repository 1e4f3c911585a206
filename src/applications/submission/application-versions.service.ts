import { Injectable } from '@nestjs/common';
import { TenantDb } from '../../core/context/tenant-db';
import { ApplicationRecords, ApplicationScope } from '../application-records';
import { SubmissionNotFoundError } from '../applications.errors';
import { Submission } from '../entities/submission.entity';
import { diffDocuments } from './version-diff';

export function versionView(s: Submission) {
  return {
    number: s.number,
    formVersion: s.formVersion,
    projectTitle: s.projectTitle,
    amountRequested: s.amountRequested,
    answers: s.answers,
    budget: s.budget,
    attachments: s.attachments,
    contentSha256: s.contentSha256,
    certification: {
      userId: s.certifiedBy,
      name: s.certifierName,
      title: s.certifierTitle,
      statement: s.certificationStatement,
      at: s.certifiedAt.toISOString(),
      ip: s.certifiedIp,
    },
  };
}

/** The immutable submitted versions of an application, and what changed between two of them. */
@Injectable()
export class ApplicationVersions {
  constructor(
    private readonly db: TenantDb,
    private readonly records: ApplicationRecords,
  ) {}

  async list(scope: ApplicationScope, applicationId: string) {
    const application = await this.records.find(scope, applicationId);
    const rows = await this.db.repo(Submission).find({
      where: { agencyId: this.db.agencyId, applicationId: application.id },
      order: { number: 'ASC' },
    });
    return {
      items: rows.map((s) => ({
        number: s.number,
        submittedAt: s.certifiedAt.toISOString(),
        certifiedBy: s.certifierName,
        amountRequested: s.amountRequested,
        contentSha256: s.contentSha256,
      })),
    };
  }

  private async one(applicationId: string, number: number): Promise<Submission> {
    const s = Number.isInteger(number)
      ? await this.db
          .repo(Submission)
          .findOne({ where: { agencyId: this.db.agencyId, applicationId, number } })
      : null;
    if (!s) throw new SubmissionNotFoundError();
    return s;
  }

  async get(scope: ApplicationScope, applicationId: string, number: number) {
    const application = await this.records.find(scope, applicationId);
    return versionView(await this.one(application.id, number));
  }

  /** JSON Patch-like changes from version `from` to version `to` (pointers into a version). */
  async diff(scope: ApplicationScope, applicationId: string, from: number, to: number) {
    const application = await this.records.find(scope, applicationId);
    const [a, b] = await Promise.all([
      this.one(application.id, from),
      this.one(application.id, to),
    ]);
    const doc = (s: Submission) => ({
      projectTitle: s.projectTitle,
      amountRequested: s.amountRequested,
      answers: s.answers,
      budget: s.budget,
      attachments: s.attachments.map((x) => ({
        requirementKey: x.requirementKey,
        filename: x.filename,
        sha256: x.sha256,
      })),
    });
    return { from, to, changes: diffDocuments(doc(a), doc(b)) };
  }
}
