/**
 * For tests: the tables of a database and the text of everything in them, on both dialects — what
 * the residual scan of an erasure reads on PostgreSQL, where there is no database file to read.
 */
import { sql, type Kysely } from 'kysely';
import type { Database, Store } from '../../../platform/store/index.ts';

/** The hub's tables (SQLite internals excluded). */
export async function tableNames(store: Store): Promise<string[]> {
  const q =
    store.dialect === 'sqlite'
      ? sql<{
          name: string;
        }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name`
      : sql<{
          name: string;
        }>`select table_name as name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE' order by table_name`;
  return (await q.execute(store.db)).rows.map((r) => r.name);
}

/** Every row of every table as JSON text, one line per row, prefixed with the table name (PostgreSQL). */
export async function postgresText(db: Kysely<Database>, tables: readonly string[]): Promise<string> {
  const out: string[] = [];
  for (const t of tables) {
    const rows = await sql<{
      row: string;
    }>`select row_to_json(t)::text as row from ${sql.table(t)} t`.execute(db);
    for (const r of rows.rows) out.push(`${t}: ${r.row}`);
  }
  return out.join('\n');
}
