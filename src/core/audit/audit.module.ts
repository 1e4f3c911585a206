import { Global, Module } from '@nestjs/common';
import { AuditController } from './audit.controller';
import { AuditEvents } from './audit-events';
import { AuditLog } from './audit-log';
import { AuditSealSchedule } from './audit-seal.schedule';
import { AuditVerifier } from './audit-verifier';

/** The append-only, hash-chained audit log every module writes to (kernel: no grant knowledge). */
@Global()
@Module({
  controllers: [AuditController],
  providers: [AuditLog, AuditEvents, AuditVerifier, AuditSealSchedule],
  exports: [AuditLog, AuditVerifier],
})
export class AuditModule {}
