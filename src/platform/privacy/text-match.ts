/** SQL predicates "this text column mentions one of the needles", case-insensitive on both dialects. */
import { sql, type Expression, type SqlBool } from 'kysely';

const escapeLike = (s: string): string => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** `lower(col) LIKE '%needle%' ESCAPE '\'` OR … ; false when there are no needles. */
export function mentionsAny(column: string, needles: readonly string[]): Expression<SqlBool> {
  if (needles.length === 0) return sql<SqlBool>`1 = 0`;
  const parts = needles.map(
    (n) => sql<SqlBool>`lower(${sql.ref(column)}) like ${`%${escapeLike(n.toLowerCase())}%`} escape '\\'`,
  );
  return sql<SqlBool>`(${sql.join(parts, sql` or `)})`;
}
