import {
  Column,
  Entity,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  Unique,
} from 'typeorm';
import { Agency } from '../../agencies/entities/agency.entity';
import { Award } from './award.entity';

/**
 * One line of an award's budget, a function code x object code pair. `amount` is the current
 * budget; `approvedAmount` the amount as last approved (award version): a revision within the
 * agency's tolerance of it applies at once, beyond it waits for a program officer.
 */
@Entity({ name: 'award_budget_lines' })
@Unique('UQ_award_budget_lines_code', ['agencyId', 'awardId', 'functionCode', 'objectCode'])
export class AwardBudgetLine {
  @PrimaryColumn({
    name: 'agency_id',
    type: 'uuid',
    primaryKeyConstraintName: 'PK_award_budget_lines',
  })
  agencyId: string;

  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_award_budget_lines' })
  id: string;

  @ManyToOne(() => Agency)
  @JoinColumn({ name: 'agency_id', foreignKeyConstraintName: 'FK_award_budget_lines_agency' })
  agency?: Agency;

  @Column({ name: 'award_id', type: 'uuid' })
  awardId: string;

  @ManyToOne(() => Award)
  @JoinColumn([
    {
      name: 'agency_id',
      referencedColumnName: 'agencyId',
      foreignKeyConstraintName: 'FK_award_budget_lines_award',
    },
    {
      name: 'award_id',
      referencedColumnName: 'id',
      foreignKeyConstraintName: 'FK_award_budget_lines_award',
    },
  ])
  award?: Award;

  @Column({ name: 'function_code', type: 'text' })
  functionCode: string;

  @Column({ name: 'object_code', type: 'text' })
  objectCode: string;

  @Column({ type: 'text', default: '' })
  description: string;

  @Column({ type: 'numeric', precision: 14, scale: 2 })
  amount: string;

  @Column({ name: 'approved_amount', type: 'numeric', precision: 14, scale: 2 })
  approvedAmount: string;
}
