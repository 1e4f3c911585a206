import { Module } from '@nestjs/common';
import { Ledger } from './ledger';

/**
 * The double-entry ledger on its own, so awards (obligations, amendments), payments
 * (disbursements) and closeout (deobligation, carryover) all post to it without depending on
 * one another.
 */
@Module({ providers: [Ledger], exports: [Ledger] })
export class LedgerModule {}
