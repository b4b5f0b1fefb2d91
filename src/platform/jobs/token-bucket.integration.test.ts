import assert from 'node:assert/strict';
import { join } from 'node:path';
import { windowViolations } from '../../../test/support/bucket-windows.ts';
import { testEachDialect } from '../../../test/support/databases.ts';
import { spawnTs, type TestProcess } from '../../../test/support/processes.ts';
import { createFakeClock } from './clock.ts';
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
    // Without refill, the limit is exact: capacity grants in total, however the takes interleave.
    const fixed = await twoProcesses(t, config, { name: 'fixed', capacity: 25, refillPerSecond: 0 }, 300);
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
