import { readdirSync, readFileSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../src/core/database/data-source-options';
import { sqlStatements } from '../src/core/database/sql-statement';
import { connect, createTestDatabase, TestDatabase } from './support/database';

/**
 * Every hand-written statement (src/core/database/sql-statement.ts) has its final text in
 * test/sql-snapshot/<module>.sql, so a review shows the SQL a change really sends, and every one
 * is prepared against the migrated schema, so a migration that breaks one fails here rather
 * than in production. `npm run sql:snapshot` rewrites the files after an intended change.
 */
const ROOT = join(__dirname, '..');
const SNAPSHOT_DIR = join(__dirname, 'sql-snapshot');
const UPDATE = process.env.SQL_SNAPSHOT_UPDATE === '1';

/** Loads every source file that defines statements, so the registry holds all of them. */
function loadStatementModules(): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts')) {
        if (/\/sql-statement'/.test(readFileSync(path, 'utf8'))) files.push(path);
      }
    }
  };
  walk(join(ROOT, 'src'));
  for (const file of files) require(file); // eslint-disable-line @typescript-eslint/no-require-imports
  return files.map((f) => relative(ROOT, f));
}

/** The snapshot files' contents by file name, from the registry's final texts. */
function render(dataSource: DataSource): Map<string, string> {
  const byFile = new Map<string, string[]>();
  for (const name of [...sqlStatements.keys()].sort()) {
    const text = sqlStatements.get(name)!.textFor(dataSource);
    const file = `${name.split('.')[0]}.sql`;
    if (!byFile.has(file)) byFile.set(file, []);
    byFile.get(file)!.push(`-- ${name}\n${text.trim()};\n`);
  }
  return new Map([...byFile].map(([file, parts]) => [file, parts.join('\n')]));
}

/**
 * Files that may still send SQL text written at the call site, and why. Everything else goes
 * through a registered statement, so the snapshot holds all of its SQL.
 */
const NOT_IN_SNAPSHOT: Record<string, string> = {
  'src/core/database/provisioning.ts': 'roles, database and grants as the admin, before migrations',
  'src/cli/migration-check.ts': 'drops its scratch database',
  'src/core/health/health.controller.ts': 'SELECT 1, no table',
  'src/agencies/agency-sync.ts': 'owner-side sync of the YAML files; moving with issue 14 item 3',
};

/** `.query(` given SQL text at the call site (transaction control aside). */
const LITERAL_QUERY = /\.query(?:<[^>]*>)?\(\s*[`'"](?!(?:BEGIN|COMMIT|ROLLBACK|LISTEN)\b)/;

function sourceFiles(dir = join(ROOT, 'src')): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

function committed(): Map<string, string> {
  const files = new Map<string, string>();
  for (const file of readdirSync(SNAPSHOT_DIR, { withFileTypes: true }))
    if (file.name.endsWith('.sql'))
      files.set(file.name, readFileSync(join(SNAPSHOT_DIR, file.name), 'utf8'));
  return files;
}

describe('the hand-written SQL snapshot', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let app: Client;
  let sources: string[];

  beforeAll(async () => {
    sources = loadStatementModules();
    db = await createTestDatabase();
    dataSource = await new DataSource(dataSourceOptions(db.appUrl, 1, 'sql-snapshot')).initialize();
    app = await connect(db.appUrl);
  });

  afterAll(async () => {
    await app?.end();
    await dataSource?.destroy();
    await db?.drop();
  });

  it('holds every statement as the code generates it (npm run sql:snapshot updates it)', () => {
    expect(sources.length).toBeGreaterThan(0);
    const generated = render(dataSource);
    if (UPDATE) {
      rmSync(SNAPSHOT_DIR, { recursive: true, force: true });
      mkdirSync(SNAPSHOT_DIR, { recursive: true });
      for (const [file, text] of generated) writeFileSync(join(SNAPSHOT_DIR, file), text);
    }
    const onDisk = committed();
    expect([...onDisk.keys()].sort()).toEqual([...generated.keys()].sort());
    for (const [file, text] of generated) {
      // One file at a time, so a failure names the file; the diff shows the statement.
      expect({ file, text: onDisk.get(file) }).toEqual({ file, text });
    }
  });

  it('leaves no SQL text at a call site outside the listed files', () => {
    const offenders = sourceFiles()
      .filter((file) => LITERAL_QUERY.test(readFileSync(file, 'utf8')))
      .map((file) => relative(ROOT, file))
      .filter((file) => !(file in NOT_IN_SNAPSHOT));
    expect(offenders).toEqual([]);
  });

  it('prepares every statement against the migrated schema, as the app role', async () => {
    const failures: string[] = [];
    await app.query('BEGIN');
    for (const [name, statement] of sqlStatements) {
      await app.query('SAVEPOINT s');
      try {
        await app.query(`PREPARE snapshot_check AS ${statement.textFor(dataSource)}`);
        await app.query('DEALLOCATE snapshot_check');
        await app.query('RELEASE SAVEPOINT s');
      } catch (error) {
        failures.push(`${name}: ${(error as Error).message}`);
        await app.query('ROLLBACK TO SAVEPOINT s');
      }
    }
    await app.query('ROLLBACK');
    expect(failures).toEqual([]);
    expect(sqlStatements.size).toBeGreaterThan(0);
  });
});
