import { DataSource, EntityManager, EntityMetadata, ObjectLiteral } from 'typeorm';
import { isUuid } from '../ids';

/**
 * The one idiom for SQL written by hand (docs/decisions/0010-one-idiom-for-hand-written-sql.md):
 * every statement is a named constant made here, registered in `sqlStatements`, its final text
 * committed in test/sql-snapshot/ and prepared against the migrated schema by a test. Rows are
 * typed by the entity the select list is built from (`entitySql`), which `npm run
 * migration:check` keeps equal to the schema; a scalar or aggregate statement (`sql`) declares
 * its small result type.
 */
export interface SqlStatement<Row = unknown> {
  /** `<module>.<what>`: the snapshot file is the part before the first dot. */
  readonly name: string;
  /** The final text (select lists expanded); needs entity metadata for an entity statement. */
  textFor(metadata: MetadataSource): string;
  /** Rows as the driver gave them, made into what `Row` says (nested timestamps as Dates). */
  shape(rows: ObjectLiteral[]): Row[];
}

/** Where entity metadata comes from: the DataSource or a manager of it. */
export type MetadataSource = Pick<DataSource, 'getMetadata'>;

type Entity<T> = abstract new (...args: never[]) => T;

/** An entity's rows aggregated into a JSON array column, e.g. a request's lines. */
interface Nested<T extends ObjectLiteral = ObjectLiteral> {
  entity: Entity<T>;
  alias: string;
}
type NestedRows<N> = { [K in keyof N]: N[K] extends Nested<infer T> ? T[] : never };

const registry = new Map<string, SqlStatement>();

/** Every hand-written statement of the loaded modules, by name. */
export const sqlStatements: ReadonlyMap<string, SqlStatement> = registry;

function register<Row>(statement: SqlStatement<Row>): SqlStatement<Row> {
  if (!/^[a-z][a-z0-9-]*(\.[a-z0-9][a-z0-9-]*)+$/.test(statement.name))
    throw new Error(`SQL statement name "${statement.name}" is not <module>.<what> in kebab-case`);
  if (registry.has(statement.name))
    throw new Error(`Two SQL statements are named "${statement.name}"`);
  registry.set(statement.name, statement);
  return statement;
}

/** A statement whose rows are a small declared shape (counts, sums, ids) or none at all. */
export function sql<Row extends ObjectLiteral = never>(
  name: string,
  text: string,
): SqlStatement<Row> {
  return register({ name, textFor: () => text, shape: (rows) => rows as Row[] });
}

/**
 * A statement whose rows are the entity's: `{columns}` stands for its select list under `alias`
 * (each column as its property, `date` columns as 'YYYY-MM-DD' text as TypeORM hydrates them):
 * all of them, or only those in `pick`, less those in `omit`. `nested` names array columns of other entities' rows: the text
 * writes `{json:<alias>}` inside a `json_agg(...)` for one row of that entity, and the rows come
 * back with their instants as Dates and money as strings, as the entity has them. `computed`
 * (made with `computedColumns`) types what the text adds that is no entity's column.
 */
export function entitySql<
  T extends ObjectLiteral,
  P extends keyof T & string = keyof T & string,
  O extends keyof T & string = never,
  N extends Record<string, Nested> = Record<never, Nested>,
  C extends ObjectLiteral = Record<never, never>,
>(
  name: string,
  entity: Entity<T>,
  alias: string,
  text: string,
  options: { pick?: readonly P[]; omit?: readonly O[]; nested?: N; computed?: C } = {},
): SqlStatement<Omit<Pick<T, P>, O> & NestedRows<N> & C> {
  const pick: readonly string[] | undefined = options.pick;
  const omit: readonly string[] = options.omit ?? [];
  const nested = Object.entries(options.nested ?? {});
  let final: string | undefined;
  let instants: Array<[column: string, properties: string[]]> = [];
  return register({
    name,
    textFor(source) {
      if (final === undefined) {
        let expanded = text.replace(
          '{columns}',
          selectList(source.getMetadata(entity), alias, pick, omit),
        );
        for (const [, n] of nested)
          expanded = expanded.replace(
            `{json:${n.alias}}`,
            jsonObject(source.getMetadata(n.entity), n.alias),
          );
        instants = nested.map(([column, n]) => [
          column,
          instantProperties(source.getMetadata(n.entity)),
        ]);
        final = expanded;
      }
      return final;
    },
    shape(rows) {
      for (const [column, properties] of instants) {
        if (properties.length === 0) continue;
        for (const row of rows)
          for (const item of row[column] as ObjectLiteral[])
            for (const p of properties) if (item[p] !== null) item[p] = new Date(item[p] as string);
      }
      return rows as Array<Omit<Pick<T, P>, O> & NestedRows<N> & C>;
    },
  });
}

/** The type of columns a statement computes (a count, a JSON view): `computedColumns<{ n: number }>()`. */
export const computedColumns = <C extends ObjectLiteral>(): C => ({}) as C;

/** Rows of a statement on this manager or data source. */
export async function sqlRows<Row>(
  on: EntityManager | DataSource,
  statement: SqlStatement<Row>,
  parameters: unknown[],
): Promise<Row[]> {
  return (await sqlRun(on, statement, parameters)).rows;
}

/** A statement's rows and the number of rows it changed (UPDATE, DELETE) or returned. */
export async function sqlRun<Row>(
  on: EntityManager | DataSource,
  statement: SqlStatement<Row>,
  parameters: unknown[],
): Promise<{ rows: Row[]; count: number }> {
  const source = 'connection' in on ? on.connection : on;
  const raw: unknown = await on.query(statement.textFor(source), parameters);
  // TypeORM answers UPDATE and DELETE with [rows, count] (rows are objects, never arrays).
  if (Array.isArray(raw) && raw.length === 2 && Array.isArray(raw[0]) && typeof raw[1] === 'number')
    return { rows: statement.shape(raw[0] as ObjectLiteral[]), count: raw[1] };
  const rows = raw as ObjectLiteral[];
  return { rows: statement.shape(rows), count: rows.length };
}

/** The entity's columns as a select list of its properties. */
function selectList(
  metadata: EntityMetadata,
  alias: string,
  pick: readonly string[] | undefined,
  omit: readonly string[],
): string {
  return columnsOf(metadata)
    .filter((c) => (!pick || pick.includes(c.propertyName)) && !omit.includes(c.propertyName))
    .map((c) => {
      const column = `${alias}."${c.databaseName}"`;
      return `${c.type === 'date' ? `${column}::text` : column} AS "${c.propertyName}"`;
    })
    .join(', ');
}

/**
 * One row of the entity as a JSON object keyed by property. Money and big integers as text
 * (never a JSON number), dates as 'YYYY-MM-DD'; instants as ISO text made Dates by `shape`.
 */
function jsonObject(metadata: EntityMetadata, alias: string): string {
  const pairs = columnsOf(metadata).map((c) => {
    const column = `${alias}."${c.databaseName}"`;
    if (c.type === 'bytea') throw new Error(`${metadata.name}.${c.propertyName}: bytea in JSON`);
    const asText = ['numeric', 'decimal', 'bigint', 'int8', 'date'].includes(String(c.type));
    return `'${c.propertyName}', ${asText ? `${column}::text` : column}`;
  });
  return `json_build_object(${pairs.join(', ')})`;
}

const INSTANT_TYPES = ['timestamptz', 'timestamp with time zone', 'timestamp'];

function instantProperties(metadata: EntityMetadata): string[] {
  return columnsOf(metadata)
    .filter((c) => INSTANT_TYPES.includes(String(c.type)) || c.type === Date)
    .map((c) => c.propertyName);
}

/**
 * pg's own parsing gives what TypeORM hydrates for every column type used here (timestamptz ->
 * Date, numeric and bigint -> string, jsonb -> object) but `date`, which the select list reads
 * as text. A column transformer would be skipped: an entity that gets one cannot be read here.
 */
function columnsOf(metadata: EntityMetadata) {
  for (const c of metadata.columns)
    if (c.transformer) throw new Error(`${metadata.name}.${c.propertyName} has a transformer`);
  return metadata.columns;
}

/**
 * The text of a statement (no select list) with its `$n` parameters written in as UUID
 * literals: for the few statements sent as a plain query without parameters, so the pool
 * client can send them with the held BEGIN in one round trip (decisions 0001 and 0003). Only
 * UUIDs, checked here, are ever written into SQL text.
 */
export function sqlInline(statement: SqlStatement, uuids: readonly string[]): string {
  let text = sqlText(statement);
  uuids.forEach((value, i) => {
    if (!isUuid(value)) throw new Error(`${statement.name}: $${i + 1} is not a UUID`);
    text = text.replace(new RegExp(`\\$${i + 1}(?!\\d)`, 'g'), `'${value}'`);
  });
  return text;
}

const NO_METADATA: MetadataSource = {
  getMetadata: () => {
    throw new Error('an entity statement cannot be inlined');
  },
};

/** The text of a statement without a select list, for a plain pg client (own connections). */
export function sqlText(statement: SqlStatement): string {
  return statement.textFor(NO_METADATA);
}
