import { Injectable } from '@nestjs/common';
import { IsNull } from 'typeorm';
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AgencyDirectory } from '../../agencies/agency-directory';
import {
  ContentGate,
  ContentRefusedError,
  cleanFilename,
} from '../../applications/attachments/content-sniffer';
import { AuditLog } from '../../core/audit/audit-log';
import { Clock } from '../../core/clock/clock';
import { RequestContext } from '../../core/context/request-context';
import { TenantDb } from '../../core/context/tenant-db';
import { FieldProblem } from '../../core/errors/domain-error';
import { isUuid } from '../../core/ids';
import { ObjectStorage, StoredObject } from '../../core/storage/object-storage';
import { OrganizationDirectory } from '../organization-directory';
import {
  documentStatus,
  DocumentKind,
  DocumentStatus,
  isDocumentKind,
  isIsoDate,
  todayIn,
} from './document-kinds';
import {
  DocumentInvalidError,
  DocumentNotFoundError,
  DocumentRefusedError,
  DocumentTooLargeError,
} from './documents.errors';
import { OrganizationDocument } from '../entities/organization-document.entity';
import { UsageMeter } from '../../core/usage/usage-meter';

export interface DocumentView {
  id: string;
  organizationId: string;
  kind: DocumentKind;
  title: string;
  filename: string;
  contentType: string;
  sizeBytes: number;
  sha256: string;
  expiresOn: string | null;
  status: DocumentStatus;
  version: number;
  uploadedBy: string | null;
  createdAt: string;
  updatedAt: string;
}

/** What a person typed about a document; the file comes separately, as a stream. */
export interface DocumentFields {
  kind?: string;
  title?: string;
  /** YYYY-MM-DD, or empty for a document that does not expire. */
  expiresOn?: string;
}

export interface DocumentFile {
  filename: string | undefined;
  content: Readable;
}

/** Reads a stream to its end and drops it: a refused upload must still be consumed. */
export async function discard(content: Readable): Promise<void> {
  content.resume();
  await new Promise<void>((done) => {
    content
      .once('end', done)
      .once('error', () => done())
      .once('close', done);
  });
}

/**
 * An organization's document library: files kept once (with expiry dates) and attached to any
 * application that needs them. Files are checked like application attachments (real type by
 * magic bytes, the agency's size limit) and streamed to storage under generated keys.
 */
@Injectable()
export class OrganizationDocuments {
  constructor(
    private readonly db: TenantDb,
    private readonly context: RequestContext,
    private readonly organizations: OrganizationDirectory,
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

  today(): string {
    return todayIn(this.clock.now(), this.agencies.configOf(this.db.agencyId).timeZone);
  }

  view(d: OrganizationDocument, today = this.today()): DocumentView {
    return {
      id: d.id,
      organizationId: d.organizationId,
      kind: d.kind,
      title: d.title,
      filename: d.filename,
      contentType: d.contentType,
      sizeBytes: Number(d.sizeBytes),
      sha256: d.sha256,
      expiresOn: d.expiresOn,
      status: documentStatus(d.expiresOn, today),
      version: d.version,
      uploadedBy: d.uploadedBy,
      createdAt: d.createdAt.toISOString(),
      updatedAt: d.updatedAt.toISOString(),
    };
  }

  /** The library's current documents: by kind, then title. */
  async list(organizationId: string): Promise<DocumentView[]> {
    await this.organizations.get(organizationId);
    const rows = await this.db.repo(OrganizationDocument).find({
      where: { agencyId: this.db.agencyId, organizationId, removedAt: IsNull() },
      order: { kind: 'ASC', title: 'ASC', id: 'ASC' },
    });
    const today = this.today();
    return rows.map((d) => this.view(d, today));
  }

  async find(organizationId: string, documentId: string, lock = false) {
    const qb = this.db
      .repo(OrganizationDocument)
      .createQueryBuilder('d')
      .where('d.agency_id = :agencyId AND d.organization_id = :organizationId AND d.id = :id', {
        agencyId: this.db.agencyId,
        organizationId,
        id: documentId,
      })
      .andWhere('d.removed_at IS NULL');
    if (!isUuid(documentId) || !isUuid(organizationId)) throw new DocumentNotFoundError();
    if (lock) qb.setLock('pessimistic_write');
    const document = await qb.getOne();
    if (!document) throw new DocumentNotFoundError();
    return document;
  }

  async get(organizationId: string, documentId: string): Promise<DocumentView> {
    return this.view(await this.find(organizationId, documentId));
  }

  /** The stored bytes of a current document, for a download or a copy into an application. */
  async open(organizationId: string, documentId: string) {
    const document = await this.find(organizationId, documentId);
    return { document, stream: await this.storage.open(document.storageKey) };
  }

  /** What is wrong with the typed fields (all at once), before any file is read. */
  problemsIn(fields: DocumentFields, requireAll: boolean): FieldProblem[] {
    const problems: FieldProblem[] = [];
    if ((requireAll || fields.kind !== undefined) && !isDocumentKind(fields.kind))
      problems.push({ pointer: '/kind', detail: 'must be one of the document kinds' });
    const title = fields.title?.trim() ?? '';
    if ((requireAll || fields.title !== undefined) && (title === '' || title.length > 200))
      problems.push({ pointer: '/title', detail: 'is required (at most 200 characters)' });
    const expiresOn = fields.expiresOn?.trim() ?? '';
    if (expiresOn !== '' && !isIsoDate(expiresOn))
      problems.push({ pointer: '/expiresOn', detail: 'must be a date written YYYY-MM-DD' });
    return problems;
  }

  /** Streams the file through the content gate into storage; refusals become coded errors. */
  private async store(organizationId: string, file: DocumentFile) {
    const agency = this.agencies.configOf(this.db.agencyId);
    const filename = cleanFilename(file.filename);
    const max = agency.applications.maxAttachmentBytes;
    const gate = new ContentGate(agency.applications.allowedAttachmentTypes, max, filename);
    const key = `${this.db.agencyId}/organizations/${organizationId}/documents/${randomUUID()}`;
    const intake = pipeline(file.content, gate).catch(() => undefined);
    let stored: StoredObject;
    try {
      stored = await this.storage.put(key, gate);
      await intake;
    } catch (error) {
      await intake;
      if (error instanceof ContentRefusedError) {
        if (error.reason === 'too-large') throw new DocumentTooLargeError(max);
        throw new DocumentRefusedError(error.reason, error.detail);
      }
      throw error;
    }
    return { stored, filename, contentType: gate.contentType! };
  }

  async upload(
    organizationId: string,
    fields: DocumentFields,
    file: DocumentFile,
  ): Promise<DocumentView> {
    const problems = this.problemsIn(fields, true);
    if (problems.length > 0) {
      await discard(file.content);
      throw new DocumentInvalidError(problems);
    }
    await this.organizations.get(organizationId);
    const { stored, filename, contentType } = await this.store(organizationId, file);
    try {
      const repo = this.db.repo(OrganizationDocument);
      const document = await repo.save(
        repo.create({
          agencyId: this.db.agencyId,
          organizationId,
          kind: fields.kind as DocumentKind,
          title: fields.title!.trim(),
          filename,
          contentType,
          sizeBytes: String(stored.bytes),
          sha256: stored.sha256,
          storageKey: stored.key,
          expiresOn: fields.expiresOn?.trim() || null,
          remindedDays: null,
          uploadedBy: this.context.actor?.userId ?? null,
          removedAt: null,
        }),
      );
      await this.audit.record({
        action: 'organization.document_added',
        entityType: 'organization',
        entityId: organizationId,
        after: this.summary(document),
      });
      await this.usage.add({ storageBytesAdded: stored.bytes });
      return this.view(document);
    } catch (error) {
      await this.storage.remove(stored.key);
      throw error;
    }
  }

  /**
   * A new file for the same document (next year's audit, a renewed agreement): the document
   * keeps its id, the expiry date is the new one (or cleared), reminders start over. The old
   * bytes stay in storage: applications hold copies of their own, and the audit names them.
   */
  async replace(
    organizationId: string,
    documentId: string,
    fields: DocumentFields,
    file: DocumentFile,
  ): Promise<DocumentView> {
    const problems = this.problemsIn(fields, false);
    if (problems.length > 0) {
      await discard(file.content);
      throw new DocumentInvalidError(problems);
    }
    await this.find(organizationId, documentId);
    const { stored, filename, contentType } = await this.store(organizationId, file);
    try {
      const document = await this.find(organizationId, documentId, true);
      const before = this.summary(document);
      if (fields.kind !== undefined) document.kind = fields.kind as DocumentKind;
      if (fields.title !== undefined) document.title = fields.title.trim();
      document.expiresOn = fields.expiresOn?.trim() || null;
      document.remindedDays = null;
      document.filename = filename;
      document.contentType = contentType;
      document.sizeBytes = String(stored.bytes);
      document.sha256 = stored.sha256;
      document.storageKey = stored.key;
      document.uploadedBy = this.context.actor?.userId ?? null;
      document.version += 1;
      await this.db.repo(OrganizationDocument).save(document);
      await this.audit.record({
        action: 'organization.document_replaced',
        entityType: 'organization',
        entityId: organizationId,
        before,
        after: this.summary(document),
      });
      return this.view(document);
    } catch (error) {
      await this.storage.remove(stored.key);
      throw error;
    }
  }

  async remove(organizationId: string, documentId: string): Promise<void> {
    const document = await this.find(organizationId, documentId, true);
    document.removedAt = this.clock.now();
    await this.db.repo(OrganizationDocument).save(document);
    await this.audit.record({
      action: 'organization.document_removed',
      entityType: 'organization',
      entityId: organizationId,
      before: this.summary(document),
    });
  }

  private summary(d: OrganizationDocument) {
    return {
      documentId: d.id,
      kind: d.kind,
      title: d.title,
      filename: d.filename,
      contentType: d.contentType,
      sizeBytes: Number(d.sizeBytes),
      sha256: d.sha256,
      expiresOn: d.expiresOn,
      version: d.version,
    };
  }
}
