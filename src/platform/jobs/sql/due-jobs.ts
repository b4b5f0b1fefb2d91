/**
 * Read-only checks before the queue's timer poll writes. On SQLite a claim or a sweep is a write
 * transaction even when it matches nothing: it takes the database's one write lock (waiting, event
 * loop blocked, while another process holds it) for 100–300 µs, once per job kind per poll. These
 * reads run on the store's reader, which never waits for the writer, so an idle poll writes nothing.
 */
import { sql } from 'kysely';
import { hotRead } from '../../store/hot-statement.ts';
import type { Store } from '../../store/index.ts';

/** The claim's condition (claim-jobs.ts): queued and due, or running with an expired lease. */
const dueOfKind = hotRead(3, (db, [kind, dueBy, leaseExpiredBy]: readonly [string, number, number]) =>
  db
    .selectFrom('jobs')
    .select('id')
    .where('kind', '=', kind)
    .where((eb) =>
      eb.or([
        eb.and([eb('state', '=', sql.lit('queued')), eb('run_at', '<=', dueBy)]),
        eb.and([eb('state', '=', sql.lit('running')), eb('locked_until', '<', leaseExpiredBy)]),
      ]),
    )
    .limit(sql.lit(1)),
);

const expiredLease = hotRead(1, (db, [now]: readonly [number]) =>
  db
    .selectFrom('jobs')
    .select('id')
    .where('state', '=', sql.lit('running'))
    .where('locked_until', '<', now)
    .limit(sql.lit(1)),
);

export async function anyDue(
  store: Pick<Store, 'db' | 'reader'>,
  kind: string,
  now: number,
): Promise<boolean> {
  return (await dueOfKind(store, [kind, now, now])).length > 0;
}

/** Whether some running job's lease has expired (the abandoned-job sweep has something to look at). */
export async function anyExpiredLease(store: Pick<Store, 'db' | 'reader'>, now: number): Promise<boolean> {
  return (await expiredLease(store, [now])).length > 0;
}
