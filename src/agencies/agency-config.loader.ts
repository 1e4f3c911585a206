import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, isAbsolute, join, relative } from 'node:path';
import { parse } from 'yaml';
import { AgencyConfig } from './agency-config';
import { validateAgencyConfig } from './agency-config.validation';

/** One validated agency file. */
export interface LoadedAgency {
  file: string;
  config: AgencyConfig;
  /** sha256 of the canonical JSON: the sync rewrites a row only when this changes. */
  configHash: string;
}

/** Stops boot: every problem in every file, each naming the file and the field. */
export class AgencyConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid agency configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'AgencyConfigError';
  }
}

/** JSON with object keys sorted, so the hash does not depend on the order keys appear in YAML. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function configHash(config: AgencyConfig): string {
  return createHash('sha256').update(canonicalJson(config)).digest('hex');
}

/** A path as an operator would type it: relative to the working directory when inside it. */
function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}

/**
 * Reads every `*.yaml` / `*.yml` in the directory, validates each (defaults filled in), and throws one
 * AgencyConfigError listing all problems if any file is wrong. An empty or missing directory is
 * an error too: starting with no agencies would deactivate every agency in the database.
 */
export function loadAgencyConfigs(dir: string): LoadedAgency[] {
  const shown = displayPath(dir);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new AgencyConfigError([`${shown}: the agency configuration directory does not exist`]);
  }
  const files = readdirSync(dir)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort();
  if (files.length === 0) {
    throw new AgencyConfigError([`${shown}: contains no agency files (<code>.yaml)`]);
  }

  const problems: string[] = [];
  const loaded: LoadedAgency[] = [];
  const byCode = new Map<string, string>();
  for (const name of files) {
    const file = displayPath(join(dir, name));
    let raw: unknown;
    try {
      raw = parse(readFileSync(join(dir, name), 'utf8'), { prettyErrors: true });
    } catch (error) {
      problems.push(`${file}: is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
      continue;
    }
    const code = basename(name, extname(name));
    const check = validateAgencyConfig(raw, file, code);
    problems.push(...check.problems);
    if (!check.config) continue;
    const other = byCode.get(check.config.code);
    if (other) {
      problems.push(`${file}: code: "${check.config.code}" is already defined by ${other}`);
      continue;
    }
    byCode.set(check.config.code, file);
    loaded.push({ file, config: check.config, configHash: configHash(check.config) });
  }
  if (problems.length > 0) throw new AgencyConfigError(problems);
  return loaded;
}
