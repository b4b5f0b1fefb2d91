import assert from 'node:assert/strict';
import { join } from 'node:path';
import { testEachDialect } from '../../../test/support/databases.ts';
import '../../../test/support/job-kinds.ts';
import { spawnTs, type TestProcess } from '../../../test/support/processes.ts';
import { testLogger } from '../../../test/support/logger.ts';
import { createFakeClock } from './clock.ts';
import { createQueue } from './queue.ts';
import { createScheduler, defineSchedule, type Fired } from './schedules.ts';

const log = testLogger('jobs-schedules');
const schedulerScript = join(import.meta.dirname, '../../../test/support/scheduler-process.ts');

testEachDialect(
  'a cron occurrence fires once with three scheduler processes racing',
  async (t, { store, config }) => {
    const procs: TestProcess[] = [];
    t.after(() => procs.forEach((p) => p.kill('SIGKILL')));
    const env = {
      PATCHBAY_TEST_STORE: JSON.stringify(config),
      STARTED_AT: String(Date.parse('2030-01-01T10:29:00Z')),
      CLOCK_AT: String(Date.parse('2030-01-01T10:30:00.250Z')),
    };
    for (let i = 0; i < 3; i++) procs.push(spawnTs(schedulerScript, env));
    await Promise.all(procs.map((p) => p.waitForLine(/^READY$/)));
    for (const p of procs) p.kill('SIGUSR1');
    const results = await Promise.all(procs.map((p) => p.waitForLine(/^FIRED /)));
    const won = results.flatMap((line) => JSON.parse(line.slice('FIRED '.length)) as Fired[]);
    assert.equal(won.length, 1, 'exactly one scheduler won the occurrence');
    assert.equal(won[0]!.fireAt, Date.parse('2030-01-01T10:30:00Z'));

    const occurrences = await store.db.selectFrom('schedule_occurrences').selectAll().execute();
    assert.equal(occurrences.length, 1);
    assert.equal(String(occurrences[0]!.job_id), won[0]!.jobId);
    const jobs = await createQueue({ store, log }).list({ kind: 'test.scheduled' });
    assert.deepEqual(
      jobs.map((j) => [j.id, j.key, j.payload]),
      [[won[0]!.jobId, `schedule:half-hourly:${won[0]!.fireAt}`, { from: 'cron' }]],
    );
  },
  { timeout: 60_000 },
);

testEachDialect(
  'schedules: each occurrence once, in the schedule time zone; catch-up fires only the latest',
  async (_t, { store }) => {
    const clock = createFakeClock(Date.parse('2030-01-10T00:30:00Z'));
    const s = createScheduler({ store, log, clock });
    // 02:00 in Paris is 01:00 UTC in winter.
    defineSchedule(s, {
      name: 'nightly',
      cron: '0 2 * * *',
      timezone: 'Europe/Paris',
      kind: 'test.scheduled',
      payload: { from: 'nightly' },
    });
    assert.deepEqual(await s.tick(), [], 'nothing due yet');
    clock.set(Date.parse('2030-01-10T01:00:00Z'));
    assert.deepEqual(
      (await s.tick()).map((f) => new Date(f.fireAt).toISOString()),
      ['2030-01-10T01:00:00.000Z'],
    );
    assert.deepEqual(await s.tick(), [], 'the same occurrence does not fire twice');
    clock.set(Date.parse('2030-01-10T12:00:00Z'));
    assert.deepEqual(await s.tick(), []);

    // Every process was down for three nights; a scheduler starting now fires the latest one only.
    clock.set(Date.parse('2030-01-13T09:00:00Z'));
    const restarted = createScheduler({ store, log, clock });
    restarted.define({
      name: 'nightly',
      cron: '0 2 * * *',
      timezone: 'Europe/Paris',
      kind: 'test.scheduled',
      payload: { from: 'nightly' },
    });
    assert.deepEqual(
      (await restarted.tick()).map((f) => new Date(f.fireAt).toISOString()),
      ['2030-01-13T01:00:00.000Z'],
    );
    const fireTimes = await store.db
      .selectFrom('schedule_occurrences')
      .select('fire_at')
      .orderBy('fire_at')
      .execute();
    assert.equal(fireTimes.length, 2);
    assert.throws(() =>
      createScheduler({ store, log }).define({
        name: 'x',
        cron: 'not a cron',
        kind: 'test.scheduled',
        payload: { from: 'x' },
      }),
    );
  },
);
