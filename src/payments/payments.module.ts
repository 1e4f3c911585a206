import { Module } from '@nestjs/common';
import { AwardsModule } from '../awards/awards.module';
import { ClockModule } from '../core/clock/clock.module';
import { IdempotencyModule } from '../core/idempotency/idempotency.module';
import { StorageModule } from '../core/storage/storage.module';
import { OrganizationsModule } from '../organizations/organizations.module';
import { AgencyCalendar } from './agency-calendar';
import { PaymentApprovals } from './approvals/payment-approvals.service';
import { PaymentBatches } from './batches/payment-batches.service';
import { PaymentFileJobHandler } from './batches/payment-file.job';
import { PaymentFileRetention } from './batches/payment-file-retention';
import { PaymentFileVault } from './batches/payment-file-vault';
import { PaymentReconciliation } from './batches/payment-reconciliation.service';
import { PaymentExportStrategies } from './export/payment-export-strategies';
import { LedgerModule } from '../ledger/ledger.module';
import { PaymentBatchesController } from './payment-batches.controller';
import { PaymentDirectory } from './payment-directory';
import {
  OrganizationPaymentsController,
  PaymentRequestsController,
} from './payment-requests.controller';
import { PayeeChanges } from './payees/payee-changes.service';
import { Payees, PayeeSeal } from './payees/payees.service';
import { PaymentRecords } from './requests/payment-records';
import { PaymentRequests } from './requests/payment-requests.service';
import { PaymentSettlement } from './settlement/payment-settlement';

/**
 * Payments: requests, approvals, the ledger's disbursements, batches on the agency's cut-off
 * schedule with their files (CSV, NACHA ACH), reconciliation, payee bank details.
 * Public surface: PaymentDirectory (for closeout), AgencyCalendar; Payees and PayeeChanges for
 * the district's bank-details page.
 */
@Module({
  imports: [
    ClockModule,
    IdempotencyModule,
    StorageModule,
    OrganizationsModule,
    LedgerModule,
    AwardsModule,
  ],
  controllers: [
    OrganizationPaymentsController,
    PaymentRequestsController,
    PaymentBatchesController,
  ],
  providers: [
    AgencyCalendar,
    PaymentRecords,
    PaymentDirectory,
    PaymentRequests,
    PaymentApprovals,
    PaymentSettlement,
    PaymentBatches,
    PaymentReconciliation,
    PaymentFileJobHandler,
    PaymentFileVault,
    PaymentFileRetention,
    Payees,
    PayeeSeal,
    PayeeChanges,
    PaymentExportStrategies,
  ],
  exports: [
    PaymentDirectory,
    AgencyCalendar,
    Payees,
    PayeeChanges,
    PaymentRequests,
    // The finance officers' pages decide through the same service as the API.
    PaymentApprovals,
  ],
})
export class PaymentsModule {}
