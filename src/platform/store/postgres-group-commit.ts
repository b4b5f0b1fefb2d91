/**
 * Group commit for PostgreSQL: concurrent `durable()` calls share a transaction, a few transactions at
 * a time on the pool's connections, so that many acknowledgements pay for one BEGIN, one COMMIT and
 * one WAL flush. Same contract as SQLite's (group-commit.ts): the functions of a batch run
 * concurrently in one transaction, every caller hears back after the COMMIT, and one failure rolls
 * back only its own writes — the batch runs again one function at a time, each in a savepoint, so a
 * function may run twice. A batch of one that fails is not run again: its error is the caller's, as
 * with a plain transaction.
 *
 * Why: one transaction per acknowledgement cost PostgreSQL ~400 µs of CPU on our inbox and job inserts
 * (pgbench, this project's tables), ~230 µs in batches of 16; and four statement round trips per
 * request on the hub's event loop instead of about two.
 *
 * On PostgreSQL a failed statement aborts its whole transaction, so one failing function fails the
 * others' later statements too; they are all rerun in savepoints. Batches running side by side can
 * wait on each other's unique keys (two deliveries of one event); PostgreSQL breaks a deadlock by
 * failing one transaction, which then reruns in savepoints after the other's commit.
 */
import type { Kysely, Transaction } from 'kysely';
import { runWithSavepoints, type BatchItem, type GroupCommit } from './group-commit.ts';
import type { Database } from './schema.ts';

class BatchFailed extends Error {
  readonly settled: PromiseSettledResult<unknown>[];
  constructor(settled: PromiseSettledResult<unknown>[]) {
    super('a function of the batch failed');
    this.settled = settled;
  }
}

export function createPostgresGroupCommit(
  db: Kysely<Database>,
  options: {
    /** Transactions in flight at once (each holds a pool connection while it runs). */
    concurrency: number;
    maxBatch?: number;
  },
): GroupCommit {
  const maxBatch = options.maxBatch ?? 64;
  let pending: BatchItem[] = [];
  let scheduled = false;
  const running = new Set<Promise<void>>();
  const totals = { commits: 0, calls: 0 };

  function schedule(): void {
    if (scheduled || pending.length === 0 || running.size >= options.concurrency) return;
    scheduled = true;
    // setImmediate, not a microtask: the requests already read from sockets in this turn join the batch.
    setImmediate(() => {
      scheduled = false;
      while (pending.length > 0 && running.size < options.concurrency) {
        const batch = pending.slice(0, maxBatch);
        pending = pending.slice(batch.length);
        const done = commitBatch(batch).finally(() => {
          running.delete(done);
          schedule();
        });
        running.add(done);
      }
    });
  }

  async function commitBatch(batch: BatchItem[]): Promise<void> {
    let settled: PromiseSettledResult<unknown>[];
    try {
      settled = await db.transaction().execute(async (trx) => {
        const results = await Promise.allSettled(batch.map((item) => item.fn(trx)));
        // Thrown only once every function has settled: none issues a statement after the ROLLBACK.
        if (results.some((r) => r.status === 'rejected')) throw new BatchFailed(results);
        return results;
      });
    } catch (error) {
      const [only] = batch;
      if (batch.length === 1 && only !== undefined) {
        const reason =
          error instanceof BatchFailed ? (error.settled[0] as PromiseRejectedResult).reason : error;
        only.reject(reason);
        return;
      }
      if (await runWithSavepoints(db, batch)) count(batch.length);
      return;
    }
    count(batch.length);
    for (const [i, item] of batch.entries())
      item.resolve((settled[i] as PromiseFulfilledResult<unknown>).value);
  }

  function count(calls: number): void {
    totals.commits += 1;
    totals.calls += calls;
  }

  return {
    run<T>(fn: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        pending.push({ fn, resolve: resolve as (v: unknown) => void, reject });
        schedule();
      });
    },
    async drain() {
      while (pending.length > 0 || running.size > 0) {
        if (running.size > 0) await Promise.all(running);
        else await new Promise((resolve) => setImmediate(resolve));
      }
    },
    stats: () => ({ ...totals }),
  };
}
