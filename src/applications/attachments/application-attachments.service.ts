import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AgencyDirectory } from '../../agencies/agency-directory';
import { AuditLog } from '../../core/audit/audit-log';
import { Clock } from '../../core/clock/clock';
import { RequestContext } from '../../core/context/request-context';
import { TenantDb } from '../../core/context/tenant-db';
import { ObjectStorage } from '../../core/storage/object-storage';
import { ProgramCatalog } from '../../programs/program-catalog';
import { ApplicationRecords, ApplicationScope, EDITABLE } from '../application-records';
import {
  ApplicationNotEditableError,
  AttachmentNotFoundError,
  AttachmentRefusedError,
  AttachmentTooLargeError,
  ApplicationInvalidError,
} from '../applications.errors';
import { Attachment } from '../entities/attachment.entity';
import {
  cleanFilename,
  contentDisposition,
  ContentGate,
  ContentRefusedError,
} from './content-sniffer';
import { isUuid } from '../../core/ids';
import { entitySql } from '../../core/database/sql-statement';
import { UsageMeter } from '../../core/usage/usage-meter';

const LIST = entitySql(
  'applications.attachments',
  Attachment,
  'x',
  `SELECT {columns} FROM application_attachments x
    WHERE x.agency_id = $1 AND x.application_id = $2
    ORDER BY x.created_at`,
);

export function attachmentView(a: Attachment) {
  return {
    id: a.id,
    requirementKey: a.requirementKey,
    filename: a.filename,
    contentType: a.contentType,
    sizeBytes: Number(a.sizeBytes),
    sha256: a.sha256,
    createdAt: a.createdAt.toISOString(),
  };
}
export type AttachmentView = ReturnType<typeof attachmentView>;

/**
 * Attachments: streamed to storage through a gate that checks the real type (magic bytes) and
 * the agency's size limit as bytes arrive, stored under generated keys, listed, downloaded.
 */
@Injectable()
export class ApplicationAttachments {
  constructor(
    private readonly db: TenantDb,
    private readonly context: RequestContext,
    private readonly records: ApplicationRecords,
    private readonly catalog: ProgramCatalog,
    private readonly agencies: AgencyDirectory,
    private readonly storage: ObjectStorage,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly usage: UsageMeter,
  ) {}

  /** The agency's upload limit, in bytes (the multipart parser stops one byte past it). */
  maxBytes(): number {
    return this.agencies.configOf(this.db.agencyId).applications.maxAttachmentBytes;
  }

  async upload(
    scope: ApplicationScope,
    applicationId: string,
    input: { filename: string | undefined; content: Readable; requirementKey?: string },
  ): Promise<AttachmentView> {
    // No row lock while bytes stream in (saves may go on meanwhile); the status is checked
    // again under the lock before the attachment row is written.
    const application = await this.records.find(scope, applicationId);
    if (!EDITABLE.includes(application.status))
      throw new ApplicationNotEditableError(application.status);
    const agency = this.agencies.configOf(this.db.agencyId);
    let allowed = agency.applications.allowedAttachmentTypes;
    if (input.requirementKey) {
      const terms = await this.catalog.terms(application.programId);
      const requirement = terms.requiredAttachments.find((r) => r.key === input.requirementKey);
      if (!requirement) {
        throw new ApplicationInvalidError([
          { pointer: '/requirementKey', detail: 'is not a required attachment of this program' },
        ]);
      }
      allowed = requirement.allowedTypes ?? allowed;
    }
    const filename = cleanFilename(input.filename);
    const gate = new ContentGate(allowed, agency.applications.maxAttachmentBytes, filename);
    const key = `${this.db.agencyId}/applications/${application.id}/${randomUUID()}`;
    // Upload -> gate is one pipeline, gate -> storage another; a refusal in the gate ends both
    // (the upload stream is destroyed, the partial file removed) and surfaces from put().
    const intake = pipeline(input.content, gate).catch(() => undefined);
    let stored;
    try {
      stored = await this.storage.put(key, gate);
      await intake;
    } catch (error) {
      await intake;
      if (error instanceof ContentRefusedError) {
        if (error.reason === 'too-large')
          throw new AttachmentTooLargeError(agency.applications.maxAttachmentBytes);
        throw new AttachmentRefusedError(error.reason, error.detail);
      }
      throw error;
    }
    try {
      const locked = await this.records.find(scope, applicationId, true);
      if (!EDITABLE.includes(locked.status)) throw new ApplicationNotEditableError(locked.status);
      const repo = this.db.repo(Attachment);
      const attachment = await repo.save(
        repo.create({
          agencyId: this.db.agencyId,
          applicationId: application.id,
          requirementKey: input.requirementKey ?? null,
          filename,
          contentType: gate.contentType!,
          sizeBytes: String(stored.bytes),
          sha256: stored.sha256,
          storageKey: stored.key,
          uploadedBy: this.context.actor?.userId ?? null,
        }),
      );
      await this.audit.record({
        action: 'application.attachment_added',
        entityType: 'application',
        entityId: application.id,
        after: {
          attachmentId: attachment.id,
          filename,
          contentType: attachment.contentType,
          sizeBytes: stored.bytes,
          sha256: stored.sha256,
        },
      });
      // Stored bytes stay held after a removal (the row and its file are kept for the audit).
      await this.usage.add({ storageBytesAdded: stored.bytes });
      return attachmentView(attachment);
    } catch (error) {
      await this.storage.remove(key);
      throw error;
    }
  }

  async list(applicationId: string): Promise<Attachment[]> {
    const rows = await this.db.rows(LIST, [this.db.agencyId, applicationId]);
    return rows.map((r) => Object.assign(new Attachment(), r));
  }

  /** The current (not removed) attachments of an application. */
  async current(applicationId: string): Promise<Attachment[]> {
    return (await this.list(applicationId)).filter((a) => a.removedAt === null);
  }

  private async findOne(applicationId: string, attachmentId: string): Promise<Attachment> {
    const attachment = isUuid(attachmentId)
      ? await this.db
          .repo(Attachment)
          .findOne({ where: { agencyId: this.db.agencyId, applicationId, id: attachmentId } })
      : null;
    if (!attachment) throw new AttachmentNotFoundError();
    return attachment;
  }

  /** Any attachment ever uploaded (a submitted version may name a removed one). */
  async download(scope: ApplicationScope, applicationId: string, attachmentId: string) {
    const application = await this.records.find(scope, applicationId);
    const attachment = await this.findOne(application.id, attachmentId);
    return {
      stream: await this.storage.open(attachment.storageKey),
      filename: attachment.filename,
      contentType: attachment.contentType,
      sizeBytes: Number(attachment.sizeBytes),
    };
  }

  /**
   * An attachment of the application's latest submitted version, for a reader who reaches the
   * application through something other than its organization (a cleared reviewer): one the
   * submission does not name (a later draft upload, another application's file) is not found.
   */
  async downloadSubmitted(
    applicationId: string,
    submitted: ReadonlyArray<{ id: string }>,
    attachmentId: string,
  ) {
    if (!submitted.some((a) => a.id === attachmentId)) throw new AttachmentNotFoundError();
    const attachment = await this.findOne(applicationId, attachmentId);
    return {
      stream: await this.storage.open(attachment.storageKey),
      contentType: attachment.contentType,
      sizeBytes: Number(attachment.sizeBytes),
      disposition: contentDisposition(attachment.filename),
    };
  }

  async remove(
    scope: ApplicationScope,
    applicationId: string,
    attachmentId: string,
  ): Promise<void> {
    const application = await this.records.find(scope, applicationId, true);
    if (!EDITABLE.includes(application.status))
      throw new ApplicationNotEditableError(application.status);
    const attachment = await this.findOne(application.id, attachmentId);
    if (attachment.removedAt) throw new AttachmentNotFoundError();
    attachment.removedAt = this.clock.now();
    await this.db.repo(Attachment).save(attachment);
    await this.audit.record({
      action: 'application.attachment_removed',
      entityType: 'application',
      entityId: application.id,
      before: { attachmentId: attachment.id, filename: attachment.filename },
    });
  }
}
