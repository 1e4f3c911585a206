/**
 * The changes between two submitted versions as a JSON Patch-like list (RFC 6902 ops and
 * RFC 6901 pointers): what a program officer reads to see what the applicant revised.
 * Arrays are compared by position; budgets are keyed by position too, which is what people see.
 */
export type DiffOp =
  | { op: 'add'; path: string; value: unknown }
  | { op: 'remove'; path: string; oldValue: unknown }
  | { op: 'replace'; path: string; oldValue: unknown; value: unknown };

const escape = (segment: string) => segment.replace(/~/g, '~0').replace(/\//g, '~1');
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export function diffDocuments(before: unknown, after: unknown, path = ''): DiffOp[] {
  if (Array.isArray(before) && Array.isArray(after)) {
    const ops: DiffOp[] = [];
    const shared = Math.min(before.length, after.length);
    for (let i = 0; i < shared; i++)
      ops.push(...diffDocuments(before[i], after[i], `${path}/${i}`));
    for (let i = shared; i < after.length; i++)
      ops.push({ op: 'add', path: `${path}/${i}`, value: after[i] });
    for (let i = before.length - 1; i >= shared; i--)
      ops.push({ op: 'remove', path: `${path}/${i}`, oldValue: before[i] });
    return ops;
  }
  if (isObject(before) && isObject(after)) {
    const ops: DiffOp[] = [];
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    for (const key of keys) {
      const at = `${path}/${escape(key)}`;
      if (!(key in after)) ops.push({ op: 'remove', path: at, oldValue: before[key] });
      else if (!(key in before)) ops.push({ op: 'add', path: at, value: after[key] });
      else ops.push(...diffDocuments(before[key], after[key], at));
    }
    return ops;
  }
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  return [{ op: 'replace', path: path || '', oldValue: before, value: after }];
}
