/**
 * Outbound rate limits shared by every process: the bucket's state is a row, read and written in one
 * transaction under a lock (PostgreSQL: SELECT … FOR UPDATE; SQLite: BEGIN IMMEDIATE holds the write
 * lock), so two processes never spend the same token.
 */
import type { Store } from '../store/index.ts';
import { systemClock } from './clock.ts';
import { take, type BucketLimits, type TakeResult } from './token-bucket-math.ts';
import type { Clock } from './types.ts';

export type { TakeResult } from './token-bucket-math.ts';

export interface TokenBucketOptions extends BucketLimits {
  /** Shared by every process using the same limit, e.g. `genesys:client:<id>`. */
  name: string;
  clock?: Clock;
}

export interface TakeOptions {
  /** May spend the bucket's reserve (see {@link BucketLimits.reserve}). */
  priority?: boolean;
}

export interface TokenBucket {
  take(n?: number, opts?: TakeOptions): Promise<TakeResult>;
  /**
   * Waits until n tokens are taken, in arrival order within this process (priority first); rejects
   * at once when the signal aborts, or if tokens never refill.
   */
  acquire(n?: number, signal?: AbortSignal, opts?: TakeOptions): Promise<void>;
}

export function createTokenBucket(store: Store, options: TokenBucketOptions): TokenBucket {
  const clock = options.clock ?? systemClock;
  const limits: BucketLimits = {
    capacity: options.capacity,
    refillPerSecond: options.refillPerSecond,
    reserve: options.reserve ?? 0,
  };
  if (!(limits.capacity > 0) || !(limits.refillPerSecond >= 0))
    throw new RangeError('capacity must be > 0 and refillPerSecond ≥ 0');
  if (!(options.reserve === undefined || (options.reserve >= 0 && options.reserve < options.capacity)))
    throw new RangeError('reserve must be ≥ 0 and below capacity');

  /**
   * Waiters of this process, in arrival order (priority ones first). Only the head takes from the
   * database, and sleeps until the refill it was told to expect: N waiters cost one attempt per
   * grant or refill, not N polls each. A priority arrival or the head's abort wakes the sleeper.
   */
  const waiters: Waiter[] = [];
  let draining = false;
  let wake: (() => void) | undefined;

  const takeFromDb = (n: number, opts: TakeOptions): Promise<TakeResult> =>
    store.transaction(async (trx) => {
      await trx
        .insertInto('token_buckets')
        .values({ name: options.name, tokens: limits.capacity, updated_at: clock.now() })
        .onConflict((oc) => oc.column('name').doNothing())
        .execute();
      const row = await trx
        .selectFrom('token_buckets')
        .select(['tokens', 'updated_at'])
        .where('name', '=', options.name)
        .$if(store.dialect === 'postgres', (q) => q.forUpdate())
        .executeTakeFirstOrThrow();
      // "now" is read under the lock, so the times of successive takes are ordered like the takes.
      const next = take(
        { tokens: row.tokens, updatedAt: row.updated_at },
        limits,
        n,
        clock.now(),
        opts.priority === true,
      );
      // A refusal changes nothing worth storing: the refill is recomputed from updated_at next time.
      if (next.result.ok) {
        await trx
          .updateTable('token_buckets')
          .set({ tokens: next.state.tokens, updated_at: next.state.updatedAt })
          .where('name', '=', options.name)
          .execute();
      }
      return next.result;
    });

  function settle(w: Waiter, error?: unknown): void {
    const i = waiters.indexOf(w);
    if (i < 0) return;
    waiters.splice(i, 1);
    w.signal?.removeEventListener('abort', w.onAbort);
    if (error === undefined) w.resolve();
    else w.reject(error);
  }

  async function drain(): Promise<void> {
    draining = true;
    try {
      for (let w = waiters[0]; w !== undefined; w = waiters[0]) {
        let r: TakeResult;
        try {
          r = await takeFromDb(w.n, { priority: w.priority });
        } catch (e) {
          settle(w, e);
          continue;
        }
        // An abort meanwhile already settled the waiter: a token it got is spent (as if used).
        if (r.ok) settle(w);
        else if (waiters[0] !== w)
          continue; // a priority arrival or an abort changed the head meanwhile
        else if (!Number.isFinite(r.waitMs))
          settle(w, new Error(`token bucket ${options.name} never refills`));
        else
          await new Promise<void>((resolve) => {
            const timer = setTimeout(done, r.waitMs);
            function done() {
              clearTimeout(timer);
              wake = undefined;
              resolve();
            }
            wake = done;
          });
      }
    } finally {
      draining = false;
    }
  }

  const bucket: TokenBucket = {
    take: (n = 1, opts = {}) => takeFromDb(n, opts),
    acquire(n = 1, signal, opts = {}) {
      return new Promise<void>((resolve, reject) => {
        signal?.throwIfAborted();
        const priority = opts.priority === true;
        const w: Waiter = {
          n,
          priority,
          signal,
          resolve,
          reject,
          onAbort: () => {
            if (waiters[0] === w) wake?.();
            settle(w, signal?.reason);
          },
        };
        // Priority waiters go after the priority ones already waiting, before every ordinary one.
        const at = priority ? waiters.findIndex((x) => !x.priority) : -1;
        if (at < 0) waiters.push(w);
        else waiters.splice(at, 0, w);
        signal?.addEventListener('abort', w.onAbort, { once: true });
        if (priority && waiters[0] === w) wake?.();
        if (!draining) void drain();
      });
    },
  };
  return bucket;
}

interface Waiter {
  n: number;
  priority: boolean;
  signal: AbortSignal | undefined;
  resolve: () => void;
  reject: (e: unknown) => void;
  onAbort: () => void;
}
