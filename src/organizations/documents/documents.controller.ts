import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Post,
  Put,
  Req,
  StreamableFile,
} from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { contentDisposition } from '../../applications/attachments/content-sniffer';
import { RequirePermission } from '../../core/access/access.decorators';
import { DocumentAttachments } from './document-attachments';
import { readDocumentUpload } from './document-uploads';
import { AttachFromLibraryDto } from './documents.dto';
import { OrganizationDocuments } from './organization-documents.service';
import { FileResponse, MultipartFileBody } from '../../core/openapi/openapi.decorators';

/**
 * The organization's document library. Members read it; its admins and authorized
 * representatives keep it. Uploads are multipart/form-data: kind, title, expiresOn, then file.
 */
@ApiTags('organization documents')
@Controller('agencies/:agencyCode/organizations/:organizationId')
export class DocumentsController {
  constructor(
    private readonly documents: OrganizationDocuments,
    private readonly attachments: DocumentAttachments,
  ) {}

  @Get('documents')
  @RequirePermission('organization.documents.read')
  async list(@Param('organizationId') organizationId: string) {
    return { items: await this.documents.list(organizationId) };
  }

  @Post('documents')
  @MultipartFileBody('The document: fields kind, title, expiresOn, then the part `file`', {
    kind: { $ref: '#/components/schemas/DocumentKind' },
    title: { type: 'string', maxLength: 200 },
    expiresOn: { type: 'string', format: 'date', description: 'Empty clears it' },
  })
  @RequirePermission('organization.documents.manage')
  async upload(@Param('organizationId') organizationId: string, @Req() request: FastifyRequest) {
    const { fields, file } = await readDocumentUpload(request, this.documents.maxBytes());
    return this.documents.upload(organizationId, fields, file);
  }

  @Get('documents/:documentId')
  @RequirePermission('organization.documents.read')
  get(@Param('organizationId') organizationId: string, @Param('documentId') documentId: string) {
    return this.documents.get(organizationId, documentId);
  }

  @Get('documents/:documentId/file')
  @RequirePermission('organization.documents.read')
  @FileResponse(['*/*'], "The document's file, in its own media type")
  async download(
    @Param('organizationId') organizationId: string,
    @Param('documentId') documentId: string,
  ) {
    const { document, stream } = await this.documents.open(organizationId, documentId);
    return new StreamableFile(stream, {
      type: document.contentType,
      length: Number(document.sizeBytes),
      disposition: contentDisposition(document.filename),
    });
  }

  /** A new file for the document (kind, title optional; expiresOn as sent, empty clears it). */
  @Put('documents/:documentId')
  @MultipartFileBody('A new file for the document; fields as on upload', {
    kind: { $ref: '#/components/schemas/DocumentKind' },
    title: { type: 'string', maxLength: 200 },
    expiresOn: { type: 'string', format: 'date', description: 'Empty clears it' },
  })
  @RequirePermission('organization.documents.manage')
  async replace(
    @Param('organizationId') organizationId: string,
    @Param('documentId') documentId: string,
    @Req() request: FastifyRequest,
  ) {
    const { fields, file } = await readDocumentUpload(request, this.documents.maxBytes());
    return this.documents.replace(organizationId, documentId, fields, file);
  }

  @Delete('documents/:documentId')
  @HttpCode(204)
  @RequirePermission('organization.documents.manage')
  async remove(
    @Param('organizationId') organizationId: string,
    @Param('documentId') documentId: string,
  ): Promise<void> {
    await this.documents.remove(organizationId, documentId);
  }

  /** Attach a library document to an application instead of uploading the file again. */
  @Post('applications/:applicationId/attachments/from-library')
  @RequirePermission('application.edit')
  attach(
    @Param('organizationId') organizationId: string,
    @Param('applicationId') applicationId: string,
    @Body() dto: AttachFromLibraryDto,
  ) {
    return this.attachments.attachFromLibrary(
      organizationId,
      applicationId,
      dto.documentId,
      dto.requirementKey,
    );
  }
}
