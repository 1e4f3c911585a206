import { toCents } from '../../core/money/money';
import type { AchOriginator } from './nacha-ach-originator';
import { isRoutingNumber } from './routing-number';

/**
 * A NACHA ACH file of CCD credits (payments to school districts and other organizations):
 * fixed-width 94-character records, one batch, padded with 9s to a block of ten records.
 */
export interface AchCredit {
  id: string; // goes into the individual identification field (15)
  payeeName: string;
  routingNumber: string;
  accountNumber: string;
  accountType: 'checking' | 'savings';
  amount: string;
}

export interface AchFileInput {
  originator: AchOriginator;
  credits: AchCredit[];
  /** YYYY-MM-DD. */
  effectiveDate: string;
  createdAt: Date;
  batchDescription: string; // e.g. "GRANTPAY"
  fileIdModifier?: string; // A-Z, 0-9
}

export class AchFormatError extends Error {}

const RECORD = 94;

/** ACH fields are uppercase ASCII; anything else becomes a space so widths stay exact. */
function alpha(value: string, width: number): string {
  const clean = value
    .normalize('NFKD')
    .replace(/[^\x20-\x7e]/g, '')
    .toUpperCase();
  return clean.slice(0, width).padEnd(width, ' ');
}

function numeric(value: bigint | number | string, width: number): string {
  const text = String(value);
  if (!/^\d+$/.test(text) || text.length > width)
    throw new AchFormatError(`"${text}" does not fit ${width} digits`);
  return text.padStart(width, '0');
}

function record(...fields: string[]): string {
  const line = fields.join('');
  if (line.length !== RECORD)
    throw new AchFormatError(`record is ${line.length} characters, not ${RECORD}`);
  return line;
}

const yymmdd = (iso: string) => iso.slice(2, 4) + iso.slice(5, 7) + iso.slice(8, 10);

export function renderAchFile(input: AchFileInput): string {
  const { originator: o, credits } = input;
  if (!isRoutingNumber(o.immediateDestination))
    throw new AchFormatError('immediateDestination is not a valid routing number');
  if (!/^\d{8}$/.test(o.odfiIdentification))
    throw new AchFormatError('odfiIdentification must be 8 digits');
  if (!/^(\d{10}| \d{9}|\d{9})$/.test(o.immediateOrigin))
    throw new AchFormatError('immediateOrigin must be 9 or 10 digits');
  const batchNumber = numeric(1, 7);
  const lines = [fileHeader(input), batchHeader(input, batchNumber)];
  let entryHash = 0n;
  let totalCredit = 0n;
  credits.forEach((credit, index) => {
    const entry = entryDetail(credit, index, o);
    entryHash += entry.hashPart;
    totalCredit += entry.cents;
    lines.push(entry.line);
  });
  const totals = {
    count: credits.length,
    hash: numeric(entryHash % 10_000_000_000n, 10),
    totalCredit,
  };
  lines.push(batchControl(o, totals, batchNumber));
  // The file control counts the blocks of ten records, itself included.
  lines.push(fileControl(totals, Math.ceil((lines.length + 1) / 10)));
  while (lines.length % 10 !== 0) lines.push('9'.repeat(RECORD));
  return lines.join('\n') + '\n';
}

/** Record 1: who sends the file to whom, and when it was made. */
function fileHeader(input: AchFileInput): string {
  const o = input.originator;
  const created = input.createdAt.toISOString();
  return record(
    '1',
    '01',
    ' ' + o.immediateDestination,
    o.immediateOrigin.padStart(10, ' '),
    yymmdd(created),
    created.slice(11, 13) + created.slice(14, 16),
    alpha(input.fileIdModifier ?? 'A', 1),
    '094',
    '10',
    '1',
    alpha(o.immediateDestinationName, 23),
    alpha(o.immediateOriginName, 23),
    alpha('', 8),
  );
}

/** Record 5: the one batch of CCD credits and its effective date. */
function batchHeader(input: AchFileInput, batchNumber: string): string {
  const o = input.originator;
  return record(
    '5',
    '220', // credits only
    alpha(o.companyName, 16),
    alpha('', 20),
    alpha(o.companyIdentification, 10),
    'CCD',
    alpha(input.batchDescription, 10),
    alpha('', 6),
    yymmdd(input.effectiveDate),
    '   ',
    '1',
    o.odfiIdentification,
    batchNumber,
  );
}

/** Record 6: one credit, checked first; with its part of the entry hash and its cents. */
function entryDetail(
  credit: AchCredit,
  index: number,
  o: AchOriginator,
): { line: string; hashPart: bigint; cents: bigint } {
  if (!isRoutingNumber(credit.routingNumber)) {
    throw new AchFormatError(`payment ${credit.id}: routing number fails its check digit`);
  }
  if (!/^[0-9A-Za-z-]{1,17}$/.test(credit.accountNumber)) {
    throw new AchFormatError(`payment ${credit.id}: account number must be 1-17 letters or digits`);
  }
  const cents = toCents(credit.amount);
  if (cents <= 0n) throw new AchFormatError(`payment ${credit.id}: amount must be positive`);
  const line = record(
    '6',
    credit.accountType === 'savings' ? '32' : '22',
    credit.routingNumber.slice(0, 8),
    credit.routingNumber[8],
    alpha(credit.accountNumber, 17),
    numeric(cents, 10),
    alpha(credit.id.replace(/-/g, ''), 15),
    alpha(credit.payeeName, 22),
    '  ',
    '0',
    o.odfiIdentification + numeric(index + 1, 7),
  );
  return { line, hashPart: BigInt(credit.routingNumber.slice(0, 8)), cents };
}

interface AchTotals {
  count: number;
  /** The entry hash, as its 10 digits. */
  hash: string;
  totalCredit: bigint;
}

/** Record 8: the batch's counts, entry hash and total. */
function batchControl(o: AchOriginator, totals: AchTotals, batchNumber: string): string {
  return record(
    '8',
    '220',
    numeric(totals.count, 6),
    totals.hash,
    numeric(0, 12),
    numeric(totals.totalCredit, 12),
    alpha(o.companyIdentification, 10),
    alpha('', 19),
    alpha('', 6),
    o.odfiIdentification,
    batchNumber,
  );
}

/** Record 9: the file's batch and block counts, entry hash and total. */
function fileControl(totals: AchTotals, blocks: number): string {
  return record(
    '9',
    numeric(1, 6),
    numeric(blocks, 6),
    numeric(totals.count, 8),
    totals.hash,
    numeric(0, 12),
    numeric(totals.totalCredit, 12),
    alpha('', 39),
  );
}
