/**
 * Erasers described as data: per table, the columns that hold an identifier (matched exactly against
 * the subject's lists) or free text (matched with the needles). `erase` deletes the matching rows.
 */
import { sql, type RawBuilder, type SqlBool } from 'kysely';
import {
  mentionsAny,
  tableExists,
  type PersonalDataStore,
  type Subject,
} from '../../../platform/privacy/index.ts';

export type Match =
  { column: string; in: (s: Subject) => readonly string[]; lower?: boolean } | { column: string; text: true };

export interface TableRule {
  table: string;
  match: readonly Match[];
}

const sfIds = (s: Subject) =>
  s.salesforceContactIds.flatMap((id) => (id.length === 18 ? [id, id.slice(0, 15)] : [id]));
export const ids = {
  salesforce: sfIds,
  emails: (s: Subject) => s.emails,
  phones: (s: Subject) => s.phones,
  names: (s: Subject) => s.names.map((n) => n.toLowerCase()),
  conversations: (s: Subject) => s.conversationIds,
  customers: (s: Subject) => s.backofficeCustomerIds,
};

function where(rule: TableRule, s: Subject, needles: readonly string[]): RawBuilder<SqlBool> {
  const parts: RawBuilder<SqlBool>[] = [];
  for (const m of rule.match) {
    if ('text' in m) parts.push(sql<SqlBool>`${mentionsAny(m.column, needles)}`);
    else {
      const values = m.in(s);
      if (values.length === 0) continue;
      const col = m.lower ? sql`lower(${sql.ref(m.column)})` : sql.ref(m.column);
      parts.push(sql<SqlBool>`${col} in (${sql.join(values.map((v) => (m.lower ? v.toLowerCase() : v)))})`);
    }
  }
  return parts.length === 0 ? sql<SqlBool>`1 = 0` : sql<SqlBool>`(${sql.join(parts, sql` or `)})`;
}

export function tableStore(def: {
  name: string;
  categories: readonly string[];
  rules: readonly TableRule[];
}): PersonalDataStore {
  return {
    name: def.name,
    tables: def.rules.map((r) => r.table),
    categories: def.categories,
    async find(db, s, { needles }) {
      let n = 0;
      for (const r of def.rules) {
        const res = await sql<{
          n: number;
        }>`select count(*) as n from ${sql.table(r.table)} where ${where(r, s, needles)}`.execute(db);
        n += Number(res.rows[0]?.n ?? 0);
      }
      return n;
    },
    async erase(trx, s, { needles }) {
      let n = 0;
      for (const r of def.rules) {
        if (!(await tableExists(trx, r.table))) continue;
        const res = await sql`delete from ${sql.table(r.table)} where ${where(r, s, needles)}`.execute(trx);
        n += Number(res.numAffectedRows ?? 0);
      }
      return n;
    },
  };
}
