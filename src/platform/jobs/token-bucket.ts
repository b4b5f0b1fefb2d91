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
  /** Waits (sleeping waitMs) until n tokens are taken; rejects if the signal aborts or tokens never refill. */
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

  const bucket: TokenBucket = {
    take: (n = 1, opts = {}) =>
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
      }),
    async acquire(n = 1, signal, opts = {}) {
      for (;;) {
        signal?.throwIfAborted();
        const r = await bucket.take(n, opts);
        if (r.ok) return;
        if (!Number.isFinite(r.waitMs)) throw new Error(`token bucket ${options.name} never refills`);
        await new Promise((resolve) => setTimeout(resolve, r.waitMs));
      }
    },
  };
  return bucket;
}
