/**
 * Optimistic concurrency for editable documents: the ETag is the row's version, a write must
 * send it back in If-Match. A module maps the outcomes to its own coded errors (412 stale,
 * 428 missing).
 */
export const etagOf = (version: number): string => `"v${version}"`;

export type IfMatch =
  { kind: 'missing' } | { kind: 'any' } | { kind: 'versions'; versions: number[] };

export function parseIfMatch(header: string | string[] | undefined): IfMatch {
  const raw = Array.isArray(header) ? header.join(',') : header;
  if (raw === undefined || raw.trim() === '') return { kind: 'missing' };
  if (raw.trim() === '*') return { kind: 'any' };
  const versions = raw
    .split(',')
    .map((tag) => /^\s*(?:W\/)?"v(\d{1,9})"\s*$/.exec(tag)?.[1])
    .filter((v): v is string => v !== undefined)
    .map(Number);
  return { kind: 'versions', versions };
}

/** True when the If-Match precondition holds for the current version. */
export function ifMatchHolds(ifMatch: IfMatch, currentVersion: number): boolean {
  return (
    ifMatch.kind === 'any' ||
    (ifMatch.kind === 'versions' && ifMatch.versions.includes(currentVersion))
  );
}
