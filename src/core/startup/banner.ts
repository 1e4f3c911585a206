import { isAbsolute, relative } from 'node:path';
import { AppConfig } from '../config/env';

interface BannerFacts {
  embedded: boolean;
  agencies: Array<{ code: string; name: string }>;
}

/**
 * What a person starting the server needs to know, once: where it is, what it serves, where jobs
 * and emails go, and how to sign in. `fields` is the same as one JSON log line.
 */
export function startupBanner(config: AppConfig, facts: BannerFacts) {
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  const url = `http://${host}:${config.port}`;
  const jobs = config.workerInProcess
    ? config.redisUrl
      ? 'in this process, on Redis'
      : 'in this process (no REDIS_URL)'
    : 'on Redis, run by a separate worker (npm run start:worker)';
  const emails = config.smtpUrl
    ? 'sent over SMTP_URL'
    : 'not sent (no SMTP_URL): each one is written to this log';
  const database = facts.embedded
    ? `embedded PostgreSQL in ${shortPath(config.embedded.dataDir)} (port ${config.embedded.port})`
    : 'DATABASE_URL';
  const fields = {
    url,
    docs: `${url}/api/docs`,
    portals: facts.agencies.map((a) => `${url}/${a.code}`),
    agencies: facts.agencies.map((a) => a.code),
    database,
    jobs,
    emails,
  };
  const rows: Array<[string, string]> = [
    ['Portals', fields.portals.join('  ') || `${url}/ (no agency yet)`],
    ['API docs', fields.docs],
    [
      'Agencies',
      facts.agencies.map((a) => `${a.code} (${a.name})`).join(', ') ||
        'none: add a YAML file to AGENCY_CONFIG_DIR',
    ],
    ['Database', database],
    ['Jobs', jobs],
    ['Emails', emails],
  ];
  if (config.nodeEnv !== 'production') {
    rows.push([
      'Demo logins',
      'npm run seed:demo fills the demo and prints them (password grant-commons-demo)',
    ]);
  }
  const text = [
    '',
    `  Grant Commons is serving at ${url}`,
    ...rows.map(([label, value]) => `    ${label.padEnd(12)} ${value}`),
    '',
    '',
  ].join('\n');
  return { fields, text };
}

/** Relative to the working folder when inside it (`.data/postgres`), else as given. */
function shortPath(path: string): string {
  const inside = relative(process.cwd(), path);
  return inside && !inside.startsWith('..') && !isAbsolute(inside) ? inside : path;
}
