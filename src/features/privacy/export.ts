/** Exports of personal-data tables (masked or not) and breach scoping (Art. 33). */
import { sql } from 'kysely';
import type { PersonalDataRegistry } from '../../platform/privacy/index.ts';
import { keyedHash } from '../../platform/privacy/index.ts';
import type { Store } from '../../platform/store/index.ts';
import { maskRecord } from './masking.ts';

async function tableExists(store: Store, table: string): Promise<boolean> {
  const q =
    store.dialect === 'sqlite'
      ? sql<{ n: number }>`select count(*) as n from sqlite_master where type = 'table' and name = ${table}`
      : sql<{
          n: number;
        }>`select count(*)::int as n from information_schema.tables where table_schema = current_schema() and table_name = ${table}`;
  return Number((await q.execute(store.db)).rows[0]?.n ?? 0) > 0;
}

/** Rows of every registered personal-data table (`tables` narrows), masked when asked. */
export async function exportPersonalData(
  store: Store,
  registry: PersonalDataRegistry,
  opts: { masked: boolean; hashKey: string; tables?: readonly string[]; limit?: number },
): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const s of registry.stores())
    for (const t of s.tables) {
      if (opts.tables && !opts.tables.includes(t)) continue;
      if (!(await tableExists(store, t))) continue;
      const rows = (
        await sql<
          Record<string, unknown>
        >`select * from ${sql.table(t)} limit ${opts.limit ?? 10_000}`.execute(store.db)
      ).rows;
      out[t] = opts.masked ? rows.map((r) => maskRecord(r, opts.hashKey)) : rows;
    }
  return out;
}

const EMAIL_RE = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
const E164_RE = /\+[1-9]\d{7,14}/g;

/** Data categories Patchbay sends to or reads from each vendor system. */
export const vendorCategories: Record<string, string[]> = {
  salesforce: [
    'contact details (name, e-mail, phones)',
    'call activities (Tasks, Events)',
    'consent records',
  ],
  genesys: ['external contacts', 'call recordings', 'conversation metadata (ANI, queue, agent)'],
  backoffice: ['customer directory entries', 'communication records'],
};

export interface BreachScope {
  since: string;
  discoveredAt: string;
  notifyBy: string;
  systems: string[];
  categories: Record<string, string[]>;
  subjects: { count: number; hashes: string[] };
}

/**
 * Affected subjects (keyed hashes of e-mails and E.164 numbers) in Patchbay's stored webhook bodies
 * and job payloads written since `since` — the people whose data flowed through the chosen systems —
 * and the categories per system.
 */
export async function breachScope(
  store: Store,
  registry: PersonalDataRegistry,
  opts: { since: number; systems: readonly string[]; discoveredAt: number; hashKey: string },
): Promise<BreachScope> {
  const db = store.db;
  const texts: string[] = [];
  for (const r of await db
    .selectFrom('inbound_events')
    .select('body')
    .where('received_at', '>=', opts.since)
    .execute())
    texts.push(r.body);
  for (const r of await db
    .selectFrom('jobs')
    .select('payload')
    .where('created_at', '>=', opts.since)
    .execute())
    texts.push(r.payload);
  const ids = new Set<string>();
  for (const t of texts) {
    for (const m of t.match(EMAIL_RE) ?? []) ids.add(m.toLowerCase());
    for (const m of t.match(E164_RE) ?? []) ids.add(m);
  }
  const categories: Record<string, string[]> = {};
  for (const sys of opts.systems) {
    if (sys === 'patchbay')
      categories.patchbay = [...new Set(registry.stores().flatMap((s) => s.categories))];
    else categories[sys] = vendorCategories[sys] ?? [];
  }
  const hashes = [...ids].map((v) => keyedHash(opts.hashKey, v)).sort();
  return {
    since: new Date(opts.since).toISOString(),
    discoveredAt: new Date(opts.discoveredAt).toISOString(),
    notifyBy: new Date(opts.discoveredAt + 72 * 3_600_000).toISOString(),
    systems: [...opts.systems],
    categories,
    subjects: { count: hashes.length, hashes },
  };
}
