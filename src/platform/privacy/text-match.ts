/** SQL predicates "this text column mentions one of the needles", case-insensitive on both dialects. */
import { sql, type Expression, type Kysely, type SqlBool } from 'kysely';
import type { Database } from '../store/schema.ts';

const escapeLike = (s: string): string => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** `lower(col) LIKE '%needle%' ESCAPE '\'` OR … ; false when there are no needles. */
export function mentionsAny(column: string, needles: readonly string[]): Expression<SqlBool> {
  if (needles.length === 0) return sql<SqlBool>`1 = 0`;
  const parts = needles.map(
    (n) => sql<SqlBool>`lower(${sql.ref(column)}) like ${`%${escapeLike(n.toLowerCase())}%`} escape '\\'`,
  );
  return sql<SqlBool>`(${sql.join(parts, sql` or `)})`;
}

/**
 * Whether a table exists (a module may not be registered in this build). Asks the catalog: inside a
 * PostgreSQL transaction a failing statement would abort it. information_schema first (PostgreSQL);
 * on SQLite that statement fails harmlessly and sqlite_master answers.
 */
export async function tableExists(db: Kysely<Database>, table: string): Promise<boolean> {
  const r = await sql<{
    n: number;
  }>`select count(*) as n from information_schema.tables where table_schema = current_schema() and table_name = ${table}`
    .execute(db)
    .catch(() =>
      sql<{
        n: number;
      }>`select count(*) as n from sqlite_master where type = 'table' and name = ${table}`.execute(db),
    );
  return Number(r.rows[0]?.n ?? 0) > 0;
}
