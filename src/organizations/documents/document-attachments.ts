import { Injectable } from '@nestjs/common';
import {
  ApplicationAttachments,
  AttachmentView,
} from '../../applications/attachments/application-attachments.service';
import { AuditLog } from '../../core/audit/audit-log';
import { OrganizationDocuments } from './organization-documents.service';

/**
 * A library document attached to an application instead of uploading it again. The bytes are
 * copied into the application's attachments through the applications module's own upload (its
 * checks apply: the application is editable, the requirement exists and admits the file's
 * type, the size limit), so a later replacement in the library never changes what an
 * application holds or a submitted version certified.
 */
@Injectable()
export class DocumentAttachments {
  constructor(
    private readonly documents: OrganizationDocuments,
    private readonly attachments: ApplicationAttachments,
    private readonly audit: AuditLog,
  ) {}

  async attachFromLibrary(
    organizationId: string,
    applicationId: string,
    documentId: string,
    requirementKey?: string,
  ): Promise<AttachmentView> {
    const { document, stream } = await this.documents.open(organizationId, documentId);
    let attached: AttachmentView;
    try {
      attached = await this.attachments.upload({ organizationId }, applicationId, {
        filename: document.filename,
        content: stream,
        requirementKey,
      });
    } finally {
      stream.destroy();
    }
    await this.audit.record({
      action: 'organization.document_attached',
      entityType: 'organization',
      entityId: organizationId,
      after: {
        documentId: document.id,
        documentVersion: document.version,
        applicationId,
        attachmentId: attached.id,
        requirementKey: requirementKey ?? null,
      },
    });
    return attached;
  }
}
