import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { Agency } from '../../agencies/entities/agency.entity';
import { Application } from './application.entity';

/** An application's history as the applicant sees it: status changes with comments. Append-only. */
@Entity({ name: 'application_status_events' })
@Index('IDX_application_status_events_application', ['agencyId', 'applicationId', 'at'])
export class StatusEvent {
  @PrimaryColumn({
    name: 'agency_id',
    type: 'uuid',
    primaryKeyConstraintName: 'PK_application_status_events',
  })
  agencyId: string;

  @ManyToOne(() => Agency)
  @JoinColumn({
    name: 'agency_id',
    foreignKeyConstraintName: 'FK_application_status_events_agency',
  })
  agency?: Agency;

  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_application_status_events' })
  id: string;

  @Column({ name: 'application_id', type: 'uuid' })
  applicationId: string;

  @ManyToOne(() => Application)
  @JoinColumn([
    {
      name: 'agency_id',
      referencedColumnName: 'agencyId',
      foreignKeyConstraintName: 'FK_application_status_events_application',
    },
    {
      name: 'application_id',
      referencedColumnName: 'id',
      foreignKeyConstraintName: 'FK_application_status_events_application',
    },
  ])
  application?: Application;

  @Column({ name: 'from_status', type: 'text', nullable: true })
  fromStatus: string | null;

  @Column({ name: 'to_status', type: 'text' })
  toStatus: string;

  @Column({ type: 'text', nullable: true })
  comment: string | null;

  @Column({ name: 'submission_number', type: 'integer', nullable: true })
  submissionNumber: number | null;

  @Column({ name: 'actor_user_id', type: 'uuid', nullable: true })
  actorUserId: string | null;

  @CreateDateColumn({ name: 'at', type: 'timestamptz' })
  at: Date;
}
