import { CsvSyntaxError, parseCsv } from '../core/csv/csv';
import { isAmount } from '../core/money/money';
import { FormulaRow } from './formula-allocation';

export interface FormulaInputProblem {
  line: number;
  message: string;
}

export interface ParsedFormulaInput {
  rows: FormulaRow[];
  problems: FormulaInputProblem[];
}

/**
 * Reads a formula input CSV: a header `identifier,<factor>...[,prior_allocation]`, then one row per
 * organization. Every bad row is reported with its line; a file with any problem is refused whole
 * (a partial upload would silently shift everyone's share).
 */
export function parseFormulaInput(
  csv: string,
  factorNames: string[],
  organizationIdFor: (identifier: string) => string | undefined,
): ParsedFormulaInput {
  let records;
  try {
    records = parseCsv(csv);
  } catch (error) {
    if (error instanceof CsvSyntaxError)
      return { rows: [], problems: [{ line: error.line, message: error.message }] };
    throw error;
  }
  const problems: FormulaInputProblem[] = [];
  const [header, ...body] = records;
  if (!header) return { rows: [], problems: [{ line: 1, message: 'the file is empty' }] };
  const columns = header.fields.map((f) => f.trim());
  if (columns[0] !== 'identifier')
    problems.push({ line: header.line, message: 'the first column must be "identifier"' });
  for (const name of factorNames) {
    if (!columns.includes(name))
      problems.push({ line: header.line, message: `missing the factor column "${name}"` });
  }
  if (problems.length) return { rows: [], problems };
  const priorColumn = columns.indexOf('prior_allocation');

  const rows: FormulaRow[] = [];
  const seen = new Map<string, number>();
  const seenOrganization = new Map<string, number>();
  for (const record of body) {
    const rowProblems: string[] = [];
    if (record.fields.length !== columns.length) {
      rowProblems.push(`expected ${columns.length} fields, found ${record.fields.length}`);
    }
    const identifier = (record.fields[0] ?? '').trim();
    const organizationId = organizationIdFor(identifier);
    if (!identifier) rowProblems.push('the identifier is empty');
    else if (!organizationId)
      rowProblems.push(`no organization of this agency has the identifier "${identifier}"`);
    if (seen.has(identifier))
      rowProblems.push(`"${identifier}" already appeared on line ${seen.get(identifier)}`);
    else if (organizationId && seenOrganization.has(organizationId))
      rowProblems.push(
        `"${identifier}" is the same organization as line ${seenOrganization.get(organizationId)}`,
      );
    const factors: Record<string, bigint> = {};
    for (const name of factorNames) {
      const raw = (record.fields[columns.indexOf(name)] ?? '').trim();
      if (!/^\d{1,12}$/.test(raw))
        rowProblems.push(`${name} must be a whole number of 0 or more (got "${raw}")`);
      else factors[name] = BigInt(raw);
    }
    let priorAllocation: string | undefined;
    if (priorColumn >= 0) {
      const raw = (record.fields[priorColumn] ?? '').trim();
      if (raw !== '' && !(isAmount(raw) && !raw.startsWith('-'))) {
        rowProblems.push(`prior_allocation must be an amount like 1250.00 (got "${raw}")`);
      } else if (raw !== '') priorAllocation = raw;
    }
    if (rowProblems.length) {
      problems.push(...rowProblems.map((message) => ({ line: record.line, message })));
      continue;
    }
    seen.set(identifier, record.line);
    seenOrganization.set(organizationId!, record.line);
    rows.push({
      organizationId: organizationId!,
      identifier,
      factors,
      priorAllocation,
      line: record.line,
    });
  }
  if (body.length === 0) problems.push({ line: header.line, message: 'the file has no rows' });
  return { rows: problems.length ? [] : rows, problems };
}
