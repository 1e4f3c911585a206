import { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';

/** Select lists by entity and alias, built once from TypeORM's metadata. */
const selectLists = new Map<unknown, Map<string, string>>();

/**
 * The columns of an entity as a SELECT list that yields rows shaped like the entity: each column
 * aliased to its property name, `date` columns as 'YYYY-MM-DD' text (what TypeORM hydrates; pg
 * alone would make a Date at local midnight). pg's own parsing already gives what TypeORM gives
 * for every other type used here (timestamptz -> Date, numeric and bigint -> string, jsonb ->
 * object); no entity of ours has a column transformer, and one that gets one must not use this.
 */
export function entityColumns<T extends ObjectLiteral>(
  manager: EntityManager,
  entity: EntityTarget<T>,
  alias: string,
  omit: readonly string[] = [],
): string {
  let byAlias = selectLists.get(entity);
  if (!byAlias) selectLists.set(entity, (byAlias = new Map<string, string>()));
  const key = omit.length > 0 ? `${alias}-${omit.join(',')}` : alias;
  let list = byAlias.get(key);
  if (list === undefined) {
    const metadata = manager.connection.getMetadata(entity);
    list = metadata.columns
      .filter((c) => !omit.includes(c.propertyName))
      .map((c) => {
        if (c.transformer) throw new Error(`${metadata.name}.${c.propertyName} has a transformer`);
        const column = `${alias}."${c.databaseName}"`;
        return `${c.type === 'date' ? `${column}::text` : column} AS "${c.propertyName}"`;
      })
      .join(', ');
    byAlias.set(key, list);
  }
  return list;
}

/**
 * Rows of an entity from hand-written SQL (`{columns}` stands for the entity's select list),
 * without the query builder and entity hydration: on hot read paths those cost more CPU than the
 * database spends answering. The rows are plain objects with the entity's properties, but for
 * those in `omit` (large columns a list does not show).
 */
export async function entityRows<T extends ObjectLiteral>(
  manager: EntityManager,
  entity: EntityTarget<T>,
  alias: string,
  sql: string,
  parameters: unknown[],
  omit: readonly string[] = [],
): Promise<T[]> {
  const key = `${alias}\u0000${omit.join(',')}\u0000${sql}`;
  let text = statements.get(key);
  if (text === undefined) {
    text = sql.replace('{columns}', entityColumns(manager, entity, alias, omit));
    if (statements.size < 4096) statements.set(key, text);
  }
  return manager.query<T[]>(text, parameters);
}

/** Final statement texts by alias and template: the same string object each call. */
const statements = new Map<string, string>();
