/**
 * A scheduler process for the "fires once with three schedulers racing" test: defines the schedule,
 * prints READY, waits for SIGUSR1 (so all racers start together), ticks once at the fixed time
 * CLOCK_AT, prints `FIRED <json>` with the occurrences it won, and exits.
 *
 * Env: PATCHBAY_TEST_STORE (StoreConfig JSON), CLOCK_AT (epoch ms), STARTED_AT (epoch ms).
 */
import { createFakeClock, createScheduler } from '../../src/platform/jobs/index.ts';
import { openStore, type StoreConfig } from '../../src/platform/store/index.ts';
import './job-kinds.ts';
import { testLogger } from './logger.ts';

const store = await openStore(JSON.parse(process.env['PATCHBAY_TEST_STORE'] ?? '') as StoreConfig);
const clock = createFakeClock(Number(process.env['STARTED_AT']));
const scheduler = createScheduler({ store, log: testLogger('scheduler'), clock }).define({
  name: 'half-hourly',
  cron: '*/30 * * * *',
  kind: 'test.scheduled',
  payload: { from: 'cron' },
});
// A signal listener does not keep the event loop alive; the interval does, until the signal.
const keepAlive = setInterval(() => {}, 1_000);
await new Promise<void>((resolve) => {
  process.once('SIGUSR1', () => resolve());
  process.stdout.write('READY\n');
});
clearInterval(keepAlive);
clock.set(Number(process.env['CLOCK_AT']));
const fired = await scheduler.tick();
process.stdout.write(`FIRED ${JSON.stringify(fired)}\n`);
await store.close();
