/** The queue across real worker processes: crash recovery and disjoint claims. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { sql, type Kysely } from 'kysely';
import { testEachDialect } from '../../../test/support/databases.ts';
import { effectsMigration, type EffectsTable } from '../../../test/support/job-kinds.ts';
import { spawnTs, type TestProcess } from '../../../test/support/processes.ts';
import { enqueue } from './enqueue.ts';
import { createQueue } from './queue.ts';
import { testLogger } from '../../../test/support/logger.ts';
import type { Store } from '../store/index.ts';

const workerScript = join(import.meta.dirname, '../../../test/support/job-worker-process.ts');
const log = testLogger('jobs-workers');

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function completedCount(store: Store): Promise<number> {
  return store.db
    .selectFrom('jobs')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('state', '=', 'completed')
    .executeTakeFirstOrThrow()
    .then((r) => Number(r.n));
}

testEachDialect(
  'a worker process killed with SIGKILL mid-job: another worker completes the job once, after the lease expires',
  async (t, { store, config }) => {
    const procs: TestProcess[] = [];
    t.after(() => procs.forEach((p) => p.kill('SIGKILL')));
    const env = { PATCHBAY_TEST_STORE: JSON.stringify(config), LEASE_MS: '1000', POLL_MS: '50' };
    const { id } = await enqueue(store.db, 'test.effect', { n: 1 });

    const a = spawnTs(workerScript, { ...env, WORKER_NAME: 'A', HANG: '1' });
    procs.push(a);
    assert.equal(await a.waitForLine(/^STARTED /), `STARTED ${id}`);
    a.kill('SIGKILL');
    assert.equal(await a.exited, 'SIGKILL');
    const orphan = await store.db
      .selectFrom('jobs')
      .selectAll()
      .where('id', '=', Number(id))
      .executeTakeFirstOrThrow();
    assert.equal(orphan.state, 'running');
    assert.equal(orphan.locked_by, 'A');

    const b = spawnTs(workerScript, { ...env, WORKER_NAME: 'B' });
    procs.push(b);
    await until('the job to complete', async () => (await completedCount(store)) === 1);
    b.kill('SIGTERM');
    assert.equal(await b.exited, 0);

    const job = await createQueue({ store, log }).get(id);
    assert.equal(job?.state, 'completed');
    assert.deepEqual(job.result, { worker: 'B' });
    assert.equal(job.attempts, 2);
    const runs = await (store.db as unknown as Kysely<EffectsTable>)
      .selectFrom('effects')
      .select(['job_id', 'worker'])
      .orderBy('seq')
      .execute();
    // A started it (and died); B ran it to completion; nobody else ran it.
    assert.deepEqual(runs, [
      { job_id: id, worker: 'A' },
      { job_id: id, worker: 'B' },
    ]);
  },
  { migrations: [effectsMigration], timeout: 60_000 },
);

testEachDialect(
  'two worker processes, 1,000 jobs: every effect exactly once, no job run by both',
  async (t, { store, config }) => {
    const procs: TestProcess[] = [];
    t.after(() => procs.forEach((p) => p.kill('SIGKILL')));
    const env = {
      PATCHBAY_TEST_STORE: JSON.stringify(config),
      LEASE_MS: '30000',
      POLL_MS: '20',
      CONCURRENCY: '8',
      WORK_MS: '2',
    };
    for (const name of ['W1', 'W2']) procs.push(spawnTs(workerScript, { ...env, WORKER_NAME: name }));
    await Promise.all(procs.map((p) => p.waitForLine(/^READY$/)));

    const total = 1_000;
    await store.transaction(async (trx) => {
      for (let n = 0; n < total; n++) await enqueue(trx, 'test.effect', { n }, { key: `bulk:${n}` });
    });
    await until('all jobs to complete', async () => (await completedCount(store)) === total);
    for (const p of procs) p.kill('SIGTERM');
    assert.deepEqual(await Promise.all(procs.map((p) => p.exited)), [0, 0]);

    const effects = store.db as unknown as Kysely<EffectsTable>;
    const perJob = await effects
      .selectFrom('effects')
      .select([
        'job_id',
        (eb) => eb.fn.countAll<number>().as('runs'),
        sql<number>`count(distinct worker)`.as('workers'),
      ])
      .groupBy('job_id')
      .execute();
    assert.equal(perJob.length, total, 'every job ran');
    assert.deepEqual(
      perJob.filter((r) => Number(r.runs) !== 1 || Number(r.workers) !== 1),
      [],
      'no job ran twice or on both workers',
    );
    const completions = await createQueue({ store, log }).list({ state: 'completed', limit: 1000 });
    const workers = new Map<string, number>();
    for (const j of completions) {
      const w = (j.result as { worker: string }).worker;
      workers.set(w, (workers.get(w) ?? 0) + 1);
    }
    // Both processes shared the work (each claimed disjoint batches under SKIP LOCKED / the write lock).
    assert.deepEqual([...workers.keys()].sort(), ['W1', 'W2']);
    assert.equal((workers.get('W1') ?? 0) + (workers.get('W2') ?? 0), total);
  },
  { migrations: [effectsMigration], timeout: 90_000 },
);
