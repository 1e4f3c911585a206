import { fromCents, toCents } from '../core/money/money';

/**
 * Formula allocations: a program's funds shared in proportion to data such as enrollment or
 * low-income counts, within a minimum, a maximum and a hold-harmless guarantee (a share of last
 * year's allocation). Pure and exact: counts and cents are bigints, weights are decimal strings
 * scaled to integers, and rounding hands out leftover cents by largest remainder, so the
 * allocations always add up to the funds to the cent.
 */
export interface FormulaConfig {
  /** Factor name -> weight (decimal string, up to 4 decimals), e.g. { lowIncome: "1", enrollment: "0.25" }. */
  factors: Record<string, string>;
  minimumAllocation?: string;
  maximumAllocation?: string;
  /** e.g. "85": nobody gets less than 85% of their prior allocation (the maximum still applies). */
  holdHarmlessPercent?: string;
}

export interface FormulaRow {
  organizationId: string;
  identifier: string;
  factors: Record<string, bigint>;
  priorAllocation?: string;
  /** The CSV line the row came from, when it came from a file. */
  line?: number;
}

export type AllocationConstraint = 'minimum' | 'maximum' | 'hold-harmless' | 'ratable-reduction';

export interface Allocation {
  organizationId: string;
  identifier: string;
  weightedCount: string;
  /** The plain proportional share before any constraint. */
  proportionalShare: string;
  amount: string;
  constraint: AllocationConstraint | null;
}

export interface AllocationResult {
  allocations: Allocation[];
  allocated: string;
  /** Left over when every organization is capped or has no count. */
  unallocated: string;
}

const WEIGHT_SCALE = 10_000n;

function scaledWeight(weight: string): bigint {
  if (!/^\d{1,6}(\.\d{1,4})?$/.test(weight)) throw new Error(`invalid factor weight "${weight}"`);
  const [whole, fraction = ''] = weight.split('.');
  return BigInt(whole) * WEIGHT_SCALE + BigInt(fraction.padEnd(4, '0'));
}

/** Splits `total` cents in proportion to `weights`; leftover cents go by largest remainder, then identifier. */
function apportion(
  total: bigint,
  members: Array<{ key: string; weight: bigint }>,
): Map<string, bigint> {
  const result = new Map<string, bigint>();
  const sum = members.reduce((acc, m) => acc + m.weight, 0n);
  if (sum === 0n || total <= 0n) {
    for (const m of members) result.set(m.key, 0n);
    return result;
  }
  let given = 0n;
  const remainders: Array<{ key: string; remainder: bigint }> = [];
  for (const m of members) {
    const exact = total * m.weight;
    const share = exact / sum;
    result.set(m.key, share);
    given += share;
    remainders.push({ key: m.key, remainder: exact % sum });
  }
  remainders.sort((a, b) =>
    b.remainder > a.remainder ? 1 : b.remainder < a.remainder ? -1 : a.key < b.key ? -1 : 1,
  );
  for (let i = 0n; i < total - given; i++) {
    const key = remainders[Number(i)].key;
    result.set(key, result.get(key)! + 1n);
  }
  return result;
}

export function computeAllocations(
  funds: string,
  config: FormulaConfig,
  rows: FormulaRow[],
): AllocationResult {
  const total = toCents(funds);
  const weights = Object.entries(config.factors).map(
    ([name, w]) => [name, scaledWeight(w)] as const,
  );
  const count = new Map<string, bigint>();
  for (const row of rows) {
    count.set(
      row.identifier,
      weights.reduce((acc, [name, w]) => acc + (row.factors[name] ?? 0n) * w, 0n),
    );
  }
  const members = rows.map((r) => ({ key: r.identifier, weight: count.get(r.identifier)! }));
  const proportional = apportion(total, members);

  const min = config.minimumAllocation ? toCents(config.minimumAllocation) : 0n;
  const max = config.maximumAllocation ? toCents(config.maximumAllocation) : undefined;
  const hhPercent = config.holdHarmlessPercent ? toCents(config.holdHarmlessPercent) : 0n; // percent x 100
  const floor = new Map<string, { cents: bigint; why: AllocationConstraint }>();
  for (const row of rows) {
    const minimum = count.get(row.identifier)! > 0n ? min : 0n;
    const held = row.priorAllocation ? (toCents(row.priorAllocation) * hhPercent) / 10_000n : 0n;
    let cents = held > minimum ? held : minimum;
    if (max !== undefined && cents > max) cents = max; // the statutory maximum wins over the guarantee
    floor.set(row.identifier, { cents, why: held > minimum ? 'hold-harmless' : 'minimum' });
  }

  const amounts = new Map<string, bigint>();
  const constraint = new Map<string, AllocationConstraint | null>();
  const floorSum = [...floor.values()].reduce((acc, f) => acc + f.cents, 0n);
  if (floorSum > total) {
    // Not enough for every guarantee: reduce all guarantees ratably.
    const reduced = apportion(
      total,
      rows.map((r) => ({ key: r.identifier, weight: floor.get(r.identifier)!.cents })),
    );
    for (const row of rows) {
      amounts.set(row.identifier, reduced.get(row.identifier)!);
      constraint.set(row.identifier, 'ratable-reduction');
    }
  } else {
    // Pin whoever falls below their floor or above the maximum, share the rest among the others,
    // and repeat until nobody moves. The pinned set only grows, so this ends.
    const pinned = new Map<string, bigint>();
    let free = rows.map((r) => r.identifier);
    for (;;) {
      const pinnedSum = [...pinned.values()].reduce((a, b) => a + b, 0n);
      const shares = apportion(
        total - pinnedSum,
        free.map((key) => ({ key, weight: count.get(key)! })),
      );
      const movers = free.filter((key) => {
        const share = shares.get(key)!;
        const f = floor.get(key)!;
        if (share < f.cents) {
          pinned.set(key, f.cents);
          constraint.set(key, f.why);
          return true;
        }
        if (max !== undefined && share > max) {
          pinned.set(key, max);
          constraint.set(key, 'maximum');
          return true;
        }
        return false;
      });
      if (movers.length === 0) {
        for (const key of free) amounts.set(key, shares.get(key)!);
        break;
      }
      free = free.filter((key) => !pinned.has(key));
    }
    for (const [key, cents] of pinned) amounts.set(key, cents);
  }

  const allocated = [...amounts.values()].reduce((a, b) => a + b, 0n);
  return {
    allocations: rows.map((row) => ({
      organizationId: row.organizationId,
      identifier: row.identifier,
      weightedCount: formatCount(count.get(row.identifier)!),
      proportionalShare: fromCents(proportional.get(row.identifier)!),
      amount: fromCents(amounts.get(row.identifier)!),
      constraint: constraint.get(row.identifier) ?? null,
    })),
    allocated: fromCents(allocated),
    unallocated: fromCents(total - allocated),
  };
}

function formatCount(scaled: bigint): string {
  const whole = scaled / WEIGHT_SCALE;
  const fraction = (scaled % WEIGHT_SCALE).toString().padStart(4, '0').replace(/0+$/, '');
  return fraction ? `${whole}.${fraction}` : `${whole}`;
}
