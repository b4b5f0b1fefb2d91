/**
 * A hub in a child process for the SIGKILL trials: the whole hub from the environment (the
 * test passes the emulators' settings and a fixed port), prints `LISTENING <url>` when ready.
 */
import { createHub } from '../../../app.ts';
import { loadConfig } from '../../../platform/config/load.ts';
import { testLogger } from '../../../../test/support/logger.ts';

const config = loadConfig({ env: process.env });
const hub = await createHub({ config, log: testLogger('call-logging-hub') });
const url = await hub.start();
console.log(`LISTENING ${url}`);
process.on('SIGTERM', () => {
  void hub.stop().then(() => process.exit(0));
});
