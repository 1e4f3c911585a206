import {
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { Agency } from '../../agencies/entities/agency.entity';
import { Application } from './application.entity';

/** One line of an application's budget: NCES function code x object code, an amount. */
@Entity({ name: 'application_budget_lines' })
@Index('IDX_application_budget_lines_application', ['agencyId', 'applicationId', 'position'])
export class BudgetLine {
  @PrimaryColumn({
    name: 'agency_id',
    type: 'uuid',
    primaryKeyConstraintName: 'PK_application_budget_lines',
  })
  agencyId: string;

  @ManyToOne(() => Agency)
  @JoinColumn({ name: 'agency_id', foreignKeyConstraintName: 'FK_application_budget_lines_agency' })
  agency?: Agency;

  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_application_budget_lines' })
  id: string;

  @Column({ name: 'application_id', type: 'uuid' })
  applicationId: string;

  @ManyToOne(() => Application)
  @JoinColumn([
    {
      name: 'agency_id',
      referencedColumnName: 'agencyId',
      foreignKeyConstraintName: 'FK_application_budget_lines_application',
    },
    {
      name: 'application_id',
      referencedColumnName: 'id',
      foreignKeyConstraintName: 'FK_application_budget_lines_application',
    },
  ])
  application?: Application;

  /** Order on screen (0-based). */
  @Column({ type: 'integer' })
  position: number;

  @Column({ name: 'function_code', type: 'text' })
  functionCode: string;

  @Column({ name: 'object_code', type: 'text' })
  objectCode: string;

  @Column({ type: 'text', default: '' })
  description: string;

  @Column({ type: 'numeric', precision: 14, scale: 2 })
  amount: string;

  /** Indirect costs count against the program's indirect-cost cap. */
  @Column({ type: 'boolean', default: false })
  indirect: boolean;
}
