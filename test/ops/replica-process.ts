/**
 * One hub replica for the replica harness: the whole hub from the environment (fixed port, the
 * shared PostgreSQL, the sandbox's settings), plus a test schedule firing every 5 s so the run can
 * check that each occurrence fires once across replicas. Prints `LISTENING <url> <holderId>`.
 */
import { createHub } from '../../src/app.ts';
import { loadConfig } from '../../src/platform/config/load.ts';
import { testLogger } from '../support/logger.ts';

declare module '../../src/platform/jobs/types.ts' {
  interface JobKinds {
    'replica-test.tick': { schedule: string };
  }
}

const config = loadConfig({ env: process.env });
const hub = await createHub({ config, log: testLogger(`replica-${process.env['REPLICA_NAME'] ?? 'x'}`) });
hub.queue.define('replica-test.tick', { handler: async () => ({ pid: process.pid }) });
hub.scheduler.define({
  name: 'replica-test.tick',
  cron: '*/5 * * * * *',
  kind: 'replica-test.tick',
  payload: { schedule: 'replica-test.tick' },
});
const url = await hub.start();
console.log(`LISTENING ${url} ${hub.leadership.holderId}`);
process.on('SIGTERM', () => {
  void hub.stop().then(() => process.exit(0));
});
