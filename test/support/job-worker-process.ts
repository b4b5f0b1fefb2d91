/**
 * A worker process for the queue's multi-process tests. Runs 'test.effect' jobs: each execution first
 * records an `effects` row (committed), then — with HANG=1 — prints `STARTED <jobId>` and never
 * finishes (the test SIGKILLs it), or else waits WORK_MS and completes with `{ worker }`.
 * Prints `READY` once polling; SIGTERM stops gracefully.
 *
 * Env: PATCHBAY_TEST_STORE (StoreConfig JSON), WORKER_NAME, LEASE_MS, POLL_MS, CONCURRENCY, WORK_MS, HANG.
 */
import type { Kysely } from 'kysely';
import { createQueue } from '../../src/platform/jobs/index.ts';
import { openStore, type StoreConfig } from '../../src/platform/store/index.ts';
import type { EffectsTable } from './job-kinds.ts';
import './job-kinds.ts';
import { testLogger } from './logger.ts';

const env = (name: string, fallback?: string): string => {
  const v = process.env[name] ?? fallback;
  if (v === undefined) throw new Error(`${name} is required`);
  return v;
};
const worker = env('WORKER_NAME');
const hang = env('HANG', '0') === '1';
const workMs = Number(env('WORK_MS', '0'));
const store = await openStore(JSON.parse(env('PATCHBAY_TEST_STORE')) as StoreConfig);
const log = testLogger(`job-worker-${worker}`);
const effects = store.db as unknown as Kysely<EffectsTable>;

const queue = createQueue({
  store,
  log,
  workerId: worker,
  leaseMs: Number(env('LEASE_MS', '60000')),
  pollIntervalMs: Number(env('POLL_MS', '50')),
}).define('test.effect', {
  concurrency: Number(env('CONCURRENCY', '4')),
  handler: async (_payload, ctx) => {
    await effects.insertInto('effects').values({ job_id: ctx.jobId, worker, phase: 'run' }).execute();
    if (hang) {
      process.stdout.write(`STARTED ${ctx.jobId}\n`);
      await new Promise(() => {}); // until SIGKILL
    }
    if (workMs > 0) await new Promise((r) => setTimeout(r, workMs));
    return { worker };
  },
});

process.once('SIGTERM', () => {
  void queue
    .stop({ deadlineMs: 5_000 })
    .then(() => store.close())
    .then(() => process.exit(0));
});
queue.start();
process.stdout.write('READY\n');
