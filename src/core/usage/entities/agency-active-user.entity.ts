import { Entity, PrimaryColumn } from 'typeorm';

/** Someone who made a request in the agency in that month (counted on read). */
@Entity({ name: 'agency_active_users' })
export class AgencyActiveUser {
  @PrimaryColumn({
    name: 'agency_id',
    type: 'uuid',
    primaryKeyConstraintName: 'PK_agency_active_users',
  })
  agencyId: string;

  @PrimaryColumn({
    name: 'month',
    type: 'date',
    primaryKeyConstraintName: 'PK_agency_active_users',
  })
  month: string;

  @PrimaryColumn({
    name: 'user_id',
    type: 'uuid',
    primaryKeyConstraintName: 'PK_agency_active_users',
  })
  userId: string;
}
