import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { sql, type Kysely } from 'kysely';
import { pino } from 'pino';
import { testEachDialect } from '../../../test/support/databases.ts';
import { effectsMigration, type EffectsTable } from '../../../test/support/job-kinds.ts';
import { testLogger } from '../../../test/support/logger.ts';
import { openStore, type Store } from '../store/index.ts';
import { createFakeClock, type FakeClock } from './clock.ts';
import { enqueue } from './enqueue.ts';
import { errorForHttpStatus, RetryableError } from './errors.ts';
import { createQueue, type Queue } from './queue.ts';
import { JITTER } from './backoff.ts';

const log = testLogger('jobs-queue');
const HOUR = 3_600_000;

/** A queue whose 'test.flaky' handler fails as its payload says, with jitter pinned to the middle (none). */
function flakyQueue(store: Store, clock: FakeClock, extra: { defaultMaxAgeMs?: number } = {}): Queue {
  return createQueue({ store, log, clock, random: () => 0.5, ...extra }).define('test.flaky', {
    handler: async (p) => {
      if (p.failWith === 'retryable') throw new RetryableError('upstream 503');
      if (p.failWith === 'retry-after')
        throw errorForHttpStatus(429, String((p.retryAfterMs ?? 0) / 1000), 'slow down');
      if (p.failWith === 'permanent') throw errorForHttpStatus(400, null, 'bad request');
      return { ok: true };
    },
  });
}

testEachDialect(
  'retries follow 3 s, 9 s, 27 s, then 5 min; failure is data on the row',
  async (_t, { store }) => {
    const clock = createFakeClock();
    const queue = flakyQueue(store, clock);
    const { id } = await queue.enqueue(store.db, 'test.flaky', { failWith: 'retryable' });
    const delays: number[] = [];
    for (let i = 0; i < 6; i++) {
      const before = clock.now();
      assert.equal(await queue.runOnce(), 1);
      const job = (await queue.get(id))!;
      assert.equal(job.state, 'queued');
      assert.equal(job.attempts, i + 1);
      assert.equal(job.lastError, 'RetryableError: upstream 503');
      assert.equal(job.lastErrorAt, before);
      delays.push(job.runAt - before);
      // Not due a millisecond early…
      clock.set(job.runAt - 1);
      assert.equal(await queue.runOnce(), 0);
      clock.set(job.runAt);
    }
    assert.deepEqual(delays, [3_000, 9_000, 27_000, 300_000, 300_000, 300_000]);
  },
);

testEachDialect('Retry-After from the failing call wins over the schedule', async (_t, { store }) => {
  const clock = createFakeClock();
  const queue = flakyQueue(store, clock);
  const { id } = await queue.enqueue(store.db, 'test.flaky', {
    failWith: 'retry-after',
    retryAfterMs: 120_000,
  });
  const t0 = clock.now();
  await queue.runOnce();
  const job = (await queue.get(id))!;
  assert.equal(job.state, 'queued');
  assert.equal(job.runAt - t0, Math.round(120_000 * (1 + JITTER * 0.5)));
  assert.ok(job.runAt - t0 >= 120_000);
});

testEachDialect(
  'permanent errors park at once; replay resets attempts and runs again',
  async (_t, { store }) => {
    const clock = createFakeClock();
    const outcomes: string[] = [];
    const queue = createQueue({ store, log, clock, onOutcome: (kind, o) => outcomes.push(`${kind}:${o}`) });
    let fail = true;
    queue.define('test.flaky', {
      handler: async () => {
        if (fail) throw errorForHttpStatus(404, null, 'no such record');
        return { done: true };
      },
    });
    const { id } = await queue.enqueue(store.db, 'test.flaky', { failWith: 'permanent' });
    await queue.runOnce();
    let job = (await queue.get(id))!;
    assert.equal(job.state, 'parked');
    assert.equal(job.attempts, 1);
    assert.equal(job.lastError, 'PermanentError (404): no such record');
    assert.deepEqual(
      (await queue.parked()).map((j) => j.id),
      [id],
    );
    assert.deepEqual(await queue.stats(), [
      { kind: 'test.flaky', queued: 0, running: 0, parked: 1, oldestQueuedAgeMs: 0 },
    ]);

    fail = false;
    clock.advance(10_000);
    assert.equal(await queue.replay(id), true);
    assert.equal(await queue.replay(id), false, 'a queued job is not replayable');
    job = (await queue.get(id))!;
    assert.equal(job.state, 'queued');
    assert.equal(job.attempts, 0);
    assert.equal(job.replayedAt, clock.now());
    await queue.runOnce();
    job = (await queue.get(id))!;
    assert.equal(job.state, 'completed');
    assert.deepEqual(job.result, { done: true });
    assert.equal(job.completedAt, clock.now());
    assert.deepEqual(outcomes, ['test.flaky:parked', 'test.flaky:completed']);
  },
);

testEachDialect('a failing job parks once the next retry would pass its max age', async (_t, { store }) => {
  const clock = createFakeClock();
  // The default is 72 h (DEFAULT_MAX_AGE_MS); 2 h keeps the walk short, the arithmetic is the same.
  const maxAge = 2 * HOUR;
  const queue = flakyQueue(store, clock, { defaultMaxAgeMs: maxAge });
  const { id } = await queue.enqueue(store.db, 'test.flaky', { failWith: 'retryable' });
  const created = clock.now();
  let runs = 0;
  for (;;) {
    runs += await queue.runOnce();
    const job = (await queue.get(id))!;
    if (job.state === 'parked') break;
    assert.equal(job.state, 'queued');
    clock.set(job.runAt);
  }
  const job = (await queue.get(id))!;
  // 3 + 9 + 27 s, then 5-minute steps: the last try is the last one that fits within the max age.
  assert.equal(runs, 3 + Math.floor((maxAge - 39_000) / 300_000) + 1);
  assert.ok(clock.now() - created <= maxAge);
  assert.ok(clock.now() + 300_000 - created > maxAge);
  assert.equal(job.attempts, runs);

  // A per-job max age overrides the default.
  const short = await queue.enqueue(store.db, 'test.flaky', { failWith: 'retryable' }, { maxAgeMs: 10_000 });
  await queue.runOnce();
  clock.advance(3_000);
  await queue.runOnce();
  assert.equal((await queue.get(short.id))!.state, 'parked');
});

testEachDialect('an idempotency key dedupes: the existing job is returned', async (_t, { store }) => {
  const a = await enqueue(store.db, 'test.effect', { n: 1 }, { key: 'effect:1' });
  const b = await store.durable((trx) => enqueue(trx, 'test.effect', { n: 2 }, { key: 'effect:1' }));
  const c = await enqueue(store.db, 'test.effect', { n: 3 }, { key: 'effect:2' });
  const d = await enqueue(store.db, 'test.effect', { n: 4 });
  assert.equal(a.created, true);
  assert.deepEqual(b, { id: a.id, created: false });
  assert.equal(c.created, true);
  assert.equal(d.created, true);
  assert.equal(new Set([a.id, c.id, d.id]).size, 3);
  const queue = createQueue({ store, log });
  assert.deepEqual((await queue.get(a.id))!.payload, { n: 1 }, 'the first payload is kept');
  assert.equal((await queue.list({ kind: 'test.effect' })).length, 3);
});

testEachDialect('enqueue inside a rolled-back transaction leaves no job', async (_t, { store }) => {
  await assert.rejects(
    store.durable(async (trx) => {
      await enqueue(trx, 'test.effect', { n: 1 }, { key: 'gone' });
      throw new Error('abort');
    }),
  );
  assert.deepEqual(await createQueue({ store, log }).list(), []);
});

testEachDialect('a worker that lost its lease cannot complete the job', async (_t, { store, openStore }) => {
  const clock = createFakeClock();
  const other = await openStore();
  const slow = createQueue({ store, log, clock, leaseMs: 1_000, workerId: 'slow' });
  const fast = createQueue({ store: other, log, clock, leaseMs: 1_000, workerId: 'fast' });
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let entered!: () => void;
  const inside = new Promise<void>((r) => (entered = r));
  slow.define('test.effect', {
    handler: async () => {
      entered();
      await gate;
      return { by: 'slow' };
    },
  });
  fast.define('test.effect', { handler: async () => ({ by: 'fast' }) });
  const { id } = await slow.enqueue(store.db, 'test.effect', { n: 1 });
  const slowRun = slow.runOnce();
  await inside;
  clock.advance(1_001); // the lease expires; no heartbeat runs under runOnce
  assert.equal(await fast.runOnce(), 1);
  release();
  await slowRun;
  const job = (await slow.get(id))!;
  assert.equal(job.state, 'completed');
  assert.deepEqual(job.result, { by: 'fast' });
  assert.equal(job.attempts, 2);
});

testEachDialect(
  'per-kind concurrency and graceful stop: in-flight finish or are released',
  async (_t, { store }) => {
    const db = store.db as unknown as Kysely<EffectsTable>;
    const queue = createQueue({ store, log, pollIntervalMs: 20, workerId: 'w' });
    let active = 0;
    let maxActive = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let started = 0;
    let twoStarted!: () => void;
    const bothIn = new Promise<void>((r) => (twoStarted = r));
    queue.define('test.effect', {
      concurrency: 2,
      handler: async (p, ctx) => {
        active++;
        maxActive = Math.max(maxActive, active);
        if (++started === 2) twoStarted();
        await Promise.race([gate, new Promise((r) => ctx.signal.addEventListener('abort', r))]);
        active--;
        await db
          .insertInto('effects')
          .values({ job_id: ctx.jobId, worker: 'w', phase: `done-${p.n}` })
          .execute();
      },
    });
    for (let n = 0; n < 5; n++) await queue.enqueue(store.db, 'test.effect', { n });
    queue.start();
    await bothIn;
    // Two are running, three are waiting: stop with a deadline shorter than the handlers' wait.
    const { released } = await queue.stop({ deadlineMs: 50 });
    release();
    assert.equal(maxActive, 2);
    assert.equal(released, 2);
    const jobs = await queue.list();
    assert.deepEqual(
      jobs.map((j) => [j.state, j.attempts]),
      jobs.map(() => ['queued', 0]),
    );
  },
  { migrations: [effectsMigration] },
);

test('SQLite: an idle queue polls without taking the write lock, so another process holding it neither stalls nor fails a poll', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pb-idle-poll-'));
  const path = join(dir, 'db.sqlite');
  const holder = await openStore({ sqlitePath: path });
  // A write waiting for the lock would give up after 50 ms and the poll would log its failure.
  const polling = await openStore({ sqlitePath: path, busyTimeoutMs: 50 });
  const logged: string[] = [];
  const captured = pino({ level: 'warn' }, { write: (line: string) => void logged.push(line) });
  const queue = createQueue({ store: polling, log: captured, pollIntervalMs: 10 }).define('test.flaky', {
    handler: async () => ({ ok: true }),
  });
  try {
    await holder.migrate();
    queue.start();
    const flushesBefore = polling.durableStats()?.flushes;
    // Another process's write transaction holds the lock across ~30 polls.
    await holder.transaction(async (trx) => {
      await sql`update jobs set updated_at = 0 where id < 0`.execute(trx);
      await new Promise((r) => setTimeout(r, 300));
    });
    assert.deepEqual(logged, []);
    assert.equal(polling.durableStats()?.flushes, flushesBefore, 'an idle poll flushes nothing');
    // The queue still picks up work once there is some.
    const { id } = await enqueue(holder.db, 'test.flaky', { failWith: 'none' });
    for (let i = 0; i < 200 && (await queue.get(id))?.state !== 'completed'; i++)
      await new Promise((r) => setTimeout(r, 10));
    assert.equal((await queue.get(id))?.state, 'completed');
  } finally {
    await queue.stop();
    await polling.close();
    await holder.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
