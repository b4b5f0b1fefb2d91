import assert from 'node:assert/strict';
import { join } from 'node:path';
import { windowViolations } from '../../../test/support/bucket-windows.ts';
import { testEachDialect } from '../../../test/support/databases.ts';
import { spawnTs, type TestProcess } from '../../../test/support/processes.ts';
import { createFakeClock } from './clock.ts';
import type { Store } from '../store/index.ts';
import { createTokenBucket } from './token-bucket.ts';

const bucketScript = join(import.meta.dirname, '../../../test/support/bucket-process.ts');

/** Two processes hammer one bucket at once; returns every grant's time (read under the bucket's lock). */
async function twoProcesses(
  t: { after: (fn: () => void) => void },
  config: object,
  bucket: { name: string; capacity: number; refillPerSecond: number },
  durationMs: number,
): Promise<number[]> {
  const env = {
    PATCHBAY_TEST_STORE: JSON.stringify(config),
    BUCKET: JSON.stringify(bucket),
    DURATION_MS: String(durationMs),
  };
  const procs: TestProcess[] = [spawnTs(bucketScript, env), spawnTs(bucketScript, env)];
  t.after(() => procs.forEach((p) => p.kill('SIGKILL')));
  await Promise.all(procs.map((p) => p.waitForLine(/^READY$/)));
  for (const p of procs) p.kill('SIGUSR1');
  const lines = await Promise.all(procs.map((p) => p.waitForLine(/^GRANTS /)));
  const perProcess = lines.map((l) => JSON.parse(l.slice('GRANTS '.length)) as number[]);
  return perProcess.flat();
}

testEachDialect(
  'a token bucket shared by two processes never lets more than its limit through',
  async (t, { config }) => {
    // Without refill, the limit is exact: capacity grants in total, however the takes interleave
    // (each process takes until the bucket is empty; the duration only bounds a stuck run).
    const fixed = await twoProcesses(t, config, { name: 'fixed', capacity: 25, refillPerSecond: 0 }, 20_000);
    assert.equal(fixed.length, 25);

    // With refill: in every window [a, b] of grant times, grants ≤ capacity + rate × (b − a).
    const limits = { name: 'refilling', capacity: 5, refillPerSecond: 40 };
    const grants = await twoProcesses(t, config, limits, 500);
    assert.deepEqual(windowViolations(grants, limits), []);
    assert.ok(grants.length > limits.capacity, 'the bucket refilled');
  },
  { timeout: 60_000 },
);

testEachDialect(
  'token bucket state lives in the database: a second instance sees the spent tokens',
  async (_t, { store, openStore }) => {
    const clock = createFakeClock();
    const a = createTokenBucket(store, { name: 'genesys:client', capacity: 3, refillPerSecond: 1, clock });
    assert.deepEqual(await a.take(2), { ok: true });
    const b = createTokenBucket(await openStore(), {
      name: 'genesys:client',
      capacity: 3,
      refillPerSecond: 1,
      clock,
    });
    assert.deepEqual(await b.take(2), { ok: false, waitMs: 1_000 });
    clock.advance(1_000);
    assert.deepEqual(await b.take(2), { ok: true });
    assert.deepEqual(await a.take(1), { ok: false, waitMs: 1_000 });
  },
);

testEachDialect(
  'a reserve shared by instances: bulk takes leave it, a priority take from another instance gets it',
  async (_t, { store, openStore }) => {
    const clock = createFakeClock();
    const limits = { name: 'genesys:reserve', capacity: 4, refillPerSecond: 1, reserve: 2, clock };
    const bulk = createTokenBucket(store, limits);
    const feed = createTokenBucket(await openStore(), limits);
    assert.deepEqual(await bulk.take(), { ok: true });
    assert.deepEqual(await bulk.take(), { ok: true });
    assert.deepEqual(await bulk.take(), { ok: false, waitMs: 1_000 });
    assert.deepEqual(await feed.take(1, { priority: true }), { ok: true });
    assert.deepEqual(await feed.take(1, { priority: true }), { ok: true });
    assert.deepEqual(await feed.take(1, { priority: true }), { ok: false, waitMs: 1_000 });
    assert.throws(() => createTokenBucket(store, { ...limits, reserve: 4 }), RangeError);
  },
);

testEachDialect(
  'waiters in one process queue in memory: served in arrival order, about one database attempt per grant',
  async (_t, { store }) => {
    // Every database attempt is a transaction on the store: count them on the real store.
    let attempts = 0;
    const counted: Store = {
      ...store,
      transaction: (fn) => {
        attempts++;
        return store.transaction(fn);
      },
    };
    const bucket = createTokenBucket(counted, { name: 'fifo', capacity: 2, refillPerSecond: 100 });
    const waiters = 30;
    const served: number[] = [];
    await Promise.all(Array.from({ length: waiters }, (_, i) => bucket.acquire().then(() => served.push(i))));
    assert.deepEqual(
      served,
      Array.from({ length: waiters }, (_, i) => i),
      'first come, first served',
    );
    // One refused attempt per refill awaited plus one granted attempt per waiter (a timer firing a
    // little early may add one); waiters each polling on their own would make hundreds.
    assert.ok(attempts <= 3 * waiters, `${attempts} database attempts for ${waiters} waiters`);
  },
  { timeout: 30_000 },
);

testEachDialect(
  'an aborted waiter leaves the queue at once; a priority waiter goes ahead of ordinary ones',
  async (_t, { store }) => {
    const bucket = createTokenBucket(store, { name: 'queue', capacity: 2, refillPerSecond: 5, reserve: 1 });
    await bucket.acquire(); // one token left: the reserve, which ordinary waiters leave alone
    const events: string[] = [];
    const cancel = new AbortController();
    const first = bucket.acquire(1, cancel.signal).catch((e: unknown) => {
      events.push(`aborted: ${(e as Error).name}`);
    });
    const second = bucket.acquire().then(() => events.push('ordinary'));
    await bucket.acquire(1, undefined, { priority: true }).then(() => events.push('priority'));
    cancel.abort();
    await Promise.all([first, second]);
    assert.deepEqual(events, ['priority', 'aborted: AbortError', 'ordinary']);
  },
);
