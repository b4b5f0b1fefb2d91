/**
 * Group commit for SQLite: concurrent `durable()` calls share one transaction, so many requests pay for
 * one fsync. One failure rolls back only its own writes (the batch is retried with a savepoint per
 * function); every caller's promise settles only after the shared COMMIT is durable. A function may
 * therefore run twice — it must only write through `trx`, which is what `durable()` is for.
 *
 * The functions of a batch run one after another on the single SQLite connection (savepoints are a
 * stack). Hence: keep them short, never await network I/O inside, and never call `durable()` or
 * `store.db` from inside one (that would wait on the batch it is part of).
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from './schema.ts';

interface Item {
  fn: (trx: Transaction<Database>) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

export interface GroupCommit {
  run<T>(fn: (trx: Transaction<Database>) => Promise<T>): Promise<T>;
  /** Resolves when no batch is pending or running. */
  drain(): Promise<void>;
}

export function createGroupCommit(db: Kysely<Database>, maxBatch = 256): GroupCommit {
  let pending: Item[] = [];
  let flushing: Promise<void> | undefined;

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
    // Fast path: the batch in one transaction without savepoints (two statements fewer per caller,
    // the common case). If any function throws, nothing was committed and the batch runs again with
    // a savepoint per function, so a failure still rolls back only its own writes.
    const values: unknown[] = [];
    try {
      await db.transaction().execute(async (trx) => {
        for (const item of batch) values.push(await item.fn(trx));
      });
    } catch {
      await flushWithSavepoints(batch);
      return;
    }
    for (const [i, item] of batch.entries()) item.resolve(values[i]);
  }

  async function flushWithSavepoints(batch: Item[]): Promise<void> {
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
      return;
    }
    for (const [i, item] of batch.entries()) {
      const o = outcomes[i];
      if (o === undefined) item.reject(new Error('group commit: missing outcome'));
      else if (o.ok) item.resolve(o.value);
      else item.reject(o.error);
    }
  }

  return {
    run<T>(fn: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        pending.push({ fn, resolve: resolve as (v: unknown) => void, reject });
        schedule();
      });
    },
    async drain() {
      while (flushing !== undefined) await flushing;
    },
  };
}
