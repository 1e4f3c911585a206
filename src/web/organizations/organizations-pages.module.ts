import { Module } from '@nestjs/common';

/** The district's organization: registration, members and roles, payee details, document library. */
@Module({
  controllers: [],
  providers: [],
})
export class OrganizationPagesModule {}
