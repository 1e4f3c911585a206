import { Module } from '@nestjs/common';
import { OrganizationDocumentsModule } from '../../organizations/documents/documents.module';
import { OrganizationsModule } from '../../organizations/organizations.module';
import { DocumentPages } from './documents.controller';

/** The organization's document library: list with expiry status, upload, replace, remove. */
@Module({
  imports: [OrganizationsModule, OrganizationDocumentsModule],
  controllers: [DocumentPages],
  providers: [],
})
export class DocumentPagesModule {}
