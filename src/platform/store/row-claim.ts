/**
 * A claim on one row, shared by every process on the database: a nullable epoch-ms column holds "claimed
 * until", set by one conditional UPDATE (the row's lock makes it atomic on both dialects) and cleared by
 * its owner. Used where work on one record must not run twice at once — it reads, calls a vendor, and
 * writes back what it read — across requests, jobs and replicas. A claim left by a dead process expires.
 */
import { sql, type Kysely } from 'kysely';
import type { Clock } from '../jobs/types.ts';
import type { Database } from './schema.ts';

export interface RowClaimOptions {
  table: string;
  keyColumn: string;
  key: string;
  /** The nullable BIGINT column holding the claim's end. */
  claimColumn: string;
  clock: Clock;
  /** How long a claim lasts unless released (longer than the work it guards). */
  ttlMs: number;
  /** How long to wait for another claim to end before giving up. */
  waitMs: number;
  pollMs?: number;
}

export type ClaimOutcome =
  { claimed: true; release: () => Promise<void> } | { claimed: false; reason: 'missing' | 'busy' };

export async function claimRow(db: Kysely<Database>, o: RowClaimOptions): Promise<ClaimOutcome> {
  const pollMs = o.pollMs ?? 50;
  const table = sql.table(o.table);
  const column = sql.ref(o.claimColumn);
  const keyColumn = sql.ref(o.keyColumn);
  for (let waited = 0; ; waited += pollMs) {
    const now = o.clock.now();
    const until = now + o.ttlMs;
    const r = await sql`update ${table} set ${column} = ${until}
      where ${keyColumn} = ${o.key} and (${column} is null or ${column} < ${now})`.execute(db);
    if (Number(r.numAffectedRows ?? 0) > 0)
      return {
        claimed: true,
        // Only our own claim: one that outlived ttlMs may be someone else's by now.
        release: async () => {
          await sql`update ${table} set ${column} = null
            where ${keyColumn} = ${o.key} and ${column} = ${until}`.execute(db);
        },
      };
    const exists = await sql`select 1 as one from ${table} where ${keyColumn} = ${o.key}`.execute(db);
    if (exists.rows.length === 0) return { claimed: false, reason: 'missing' };
    if (waited >= o.waitMs) return { claimed: false, reason: 'busy' };
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
