import {
  Check,
  Column,
  Entity,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  Unique,
} from 'typeorm';
import { Agency } from '../../agencies/entities/agency.entity';
import { PaymentRequest } from './payment-request.entity';

/** The part of a request charged to one budget line (function code x object code). */
@Entity({ name: 'payment_request_lines' })
@Unique('UQ_payment_request_lines_code', ['agencyId', 'requestId', 'functionCode', 'objectCode'])
@Check('CHK_payment_request_lines_amounts', `"amount" >= 0 AND "amount" <= "amount_requested"`)
export class PaymentRequestLine {
  @PrimaryColumn({
    name: 'agency_id',
    type: 'uuid',
    primaryKeyConstraintName: 'PK_payment_request_lines',
  })
  agencyId: string;

  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'PK_payment_request_lines' })
  id: string;

  @ManyToOne(() => Agency)
  @JoinColumn({ name: 'agency_id', foreignKeyConstraintName: 'FK_payment_request_lines_agency' })
  agency?: Agency;

  @Column({ name: 'request_id', type: 'uuid' })
  requestId: string;

  @ManyToOne(() => PaymentRequest)
  @JoinColumn([
    {
      name: 'agency_id',
      referencedColumnName: 'agencyId',
      foreignKeyConstraintName: 'FK_payment_request_lines_request',
    },
    {
      name: 'request_id',
      referencedColumnName: 'id',
      foreignKeyConstraintName: 'FK_payment_request_lines_request',
    },
  ])
  request?: PaymentRequest;

  @Column({ name: 'function_code', type: 'text' })
  functionCode: string;

  @Column({ name: 'object_code', type: 'text' })
  objectCode: string;

  @Column({ name: 'amount_requested', type: 'numeric', precision: 14, scale: 2 })
  amountRequested: string;

  @Column({ type: 'numeric', precision: 14, scale: 2 })
  amount: string;
}
