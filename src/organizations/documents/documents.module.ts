import { Module } from '@nestjs/common';
import { ApplicationsModule } from '../../applications/applications.module';
import { ClockModule } from '../../core/clock/clock.module';
import { StorageModule } from '../../core/storage/storage.module';
import { OrganizationsModule } from '../organizations.module';
import { DocumentAttachments } from './document-attachments';
import { DocumentReminders } from './document-reminders';
import { DocumentsController } from './documents.controller';
import { OrganizationDocuments } from './organization-documents.service';

/**
 * The organization's document library. A module of its own beside OrganizationsModule because
 * it attaches documents to applications, and the applications module already depends on
 * organizations. Public surface: OrganizationDocuments, DocumentAttachments (for the pages).
 */
@Module({
  imports: [ClockModule, StorageModule, OrganizationsModule, ApplicationsModule],
  controllers: [DocumentsController],
  providers: [OrganizationDocuments, DocumentAttachments, DocumentReminders],
  exports: [OrganizationDocuments, DocumentAttachments],
})
export class OrganizationDocumentsModule {}
