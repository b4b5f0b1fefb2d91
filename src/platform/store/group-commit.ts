/**
 * Group commit for SQLite: concurrent `durable()` calls share one transaction, so many requests pay for
 * one fsync. One failure rolls back only its own writes (the batch is retried with a savepoint per
 * function); every caller's promise settles only after the shared COMMIT is durable. A function may
 * therefore run twice — it must only write through `trx`, which is what `durable()` is for.
 *
 * The functions of a batch run concurrently inside the shared transaction (none waits for another's
 * awaits) and see each other's writes: a check-then-insert needs a unique constraint, as it would between
 * concurrent transactions (PostgreSQL's batches, postgres-group-commit.ts, behave the same). Once COMMIT is written, the connection serves the next
 * batch while this one's commit is flushed to disk; its callers hear back after the flush. That next
 * batch stays open, taking functions queued meanwhile, until the flush ends (or it is full): committing
 * earlier would only wait for the next flush. On a failure the batch runs again one function at a
 * time, each in a savepoint (a stack).
 * Keep functions short, never await network I/O inside, and never call `durable()` or `store.db` from
 * inside one (that would wait on the batch it is part of).
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from './schema.ts';

export interface BatchItem {
  fn: (trx: Transaction<Database>) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

export interface GroupCommit {
  run<T>(fn: (trx: Transaction<Database>) => Promise<T>): Promise<T>;
  /** Resolves when no batch is pending or running. */
  drain(): Promise<void>;
  /** Batches committed since the start, and the calls they held (÷ commits: the average batch). */
  stats(): { commits: number; calls: number };
}

/** The SQLite connection's transaction control, beside Kysely (see sqlite-connection.ts). */
export interface BatchControl {
  /** Queues BEGIN IMMEDIATE at once, ahead of any statement issued after the call. */
  begin(): Promise<unknown>;
  /** COMMIT: resolves when committed (the connection is free), with a promise for "on disk". */
  commitDeferred(): Promise<{ durable: Promise<void> }>;
  /** While the disk is flushing an earlier commit: a promise that settles when that flush ends. */
  flushing(): Promise<void> | undefined;
}

/**
 * `db` holds the single connection (one user at a time); `shared` is a transaction handle on the same
 * connection that does not wait for it, through which the functions of the batch that holds it write.
 */
export function createGroupCommit(
  db: Kysely<Database>,
  shared: Transaction<Database>,
  control: BatchControl,
  maxBatch = 256,
): GroupCommit {
  let pending: BatchItem[] = [];
  let flushing: Promise<void> | undefined;
  const flushingToDisk = new Set<Promise<void>>();
  const totals = { commits: 0, calls: 0 };
  /** Set while an open batch waits for the disk: called when a new function is queued. */
  let onArrival: (() => void) | undefined;

  /** Resolves true once functions are queued (after the current turn), false once `flushEnded` settles first. */
  function arrivalBefore(flushEnded: Promise<void>): Promise<boolean> {
    if (pending.length > 0) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      onArrival = () => setImmediate(() => resolve(true));
      void flushEnded.then(() => resolve(false));
    }).finally(() => (onArrival = undefined));
  }

  function schedule(): void {
    if (flushing !== undefined || pending.length === 0) return;
    // setImmediate, not a microtask: lets the requests already read from sockets in this turn join the batch.
    flushing = new Promise<void>((resolve) => setImmediate(resolve)).then(flush).finally(() => {
      flushing = undefined;
      schedule();
    });
  }

  async function flush(): Promise<void> {
    const batch = pending.slice(0, maxBatch);
    pending = pending.slice(batch.length);
    // Fast path: the batch's functions concurrently in one transaction without savepoints. If any
    // throws, the transaction is rolled back (after all have settled: a late statement must not land
    // outside it) and the batch runs again with a savepoint per function, so a failure still rolls back
    // only its own writes.
    let outcome: { settled: PromiseSettledResult<unknown>[]; durable?: Promise<void> } | undefined;
    try {
      outcome = await db.connection().execute(async (conn) => {
        // BEGIN runs before the functions' first statements; if it failed, they are refused rather
        // than run outside the transaction.
        const begun = control.begin().then(
          () => true,
          () => false,
        );
        const running = batch.map((item) => item.fn(shared));
        // A COMMIT made while the disk still flushes an earlier one would wait for the next flush
        // anyway: until that flush ends, the transaction stays open and functions queued meanwhile join
        // it. Fewer, larger commits (fewer WAL frames and fsyncs), none acknowledged later than before.
        for (let disk = control.flushing(); disk !== undefined; disk = control.flushing()) {
          if (batch.length >= maxBatch || !(await arrivalBefore(disk))) break;
          const joining = pending.splice(0, maxBatch - batch.length);
          batch.push(...joining);
          running.push(...joining.map((item) => item.fn(shared)));
        }
        const [ok, settled] = await Promise.all([begun, Promise.allSettled(running)]);
        if (!ok) return undefined;
        if (settled.some((r) => r.status === 'rejected')) {
          await sql`rollback`.execute(conn);
          return { settled };
        }
        return { settled, ...(await control.commitDeferred()) };
      });
    } catch {
      await rollbackQuietly();
    }
    if (outcome?.durable === undefined) {
      if (await runWithSavepoints(db, batch)) countCommit(batch.length);
      return;
    }
    // The connection is free: the next batch runs while this one's commit reaches the disk, and the
    // callers hear back only once it has.
    const { settled, durable } = outcome;
    countCommit(batch.length);
    const acknowledged = durable.then(
      () => {
        for (const [i, item] of batch.entries())
          item.resolve((settled[i] as PromiseFulfilledResult<unknown>).value);
      },
      (error: unknown) => {
        for (const item of batch) item.reject(error);
      },
    );
    flushingToDisk.add(acknowledged);
    void acknowledged.finally(() => flushingToDisk.delete(acknowledged));
  }

  function countCommit(calls: number): void {
    totals.commits += 1;
    totals.calls += calls;
  }

  /** After a failed BEGIN or COMMIT, a transaction may still be open on the connection. */
  async function rollbackQuietly(): Promise<void> {
    await sql`rollback`.execute(db).catch(() => undefined);
  }

  return {
    run<T>(fn: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        pending.push({ fn, resolve: resolve as (v: unknown) => void, reject });
        onArrival?.();
        onArrival = undefined;
        schedule();
      });
    },
    async drain() {
      while (flushing !== undefined) await flushing;
      await Promise.all(flushingToDisk);
    },
    stats: () => ({ ...totals }),
  };
}

/**
 * The fallback after a batch failed: its functions again, one at a time in one transaction, each in a
 * savepoint, so that a failure rolls back only its own writes. Settles every item; true if committed.
 */
export async function runWithSavepoints(db: Kysely<Database>, batch: readonly BatchItem[]): Promise<boolean> {
  const outcomes: Outcome[] = [];
  try {
    await db.transaction().execute(async (trx) => {
      for (const [i, item] of batch.entries()) {
        const sp = sql.raw(`gc_${i}`);
        await sql`savepoint ${sp}`.execute(trx);
        try {
          const value = await item.fn(trx);
          await sql`release savepoint ${sp}`.execute(trx);
          outcomes.push({ ok: true, value });
        } catch (error) {
          await sql`rollback to savepoint ${sp}`.execute(trx);
          await sql`release savepoint ${sp}`.execute(trx);
          outcomes.push({ ok: false, error });
        }
      }
    });
  } catch (error) {
    // BEGIN, a savepoint rollback or COMMIT failed: nothing of this batch is durable.
    for (const item of batch) item.reject(error);
    return false;
  }
  for (const [i, item] of batch.entries()) {
    const o = outcomes[i];
    if (o === undefined) item.reject(new Error('group commit: missing outcome'));
    else if (o.ok) item.resolve(o.value);
    else item.reject(o.error);
  }
  return true;
}
