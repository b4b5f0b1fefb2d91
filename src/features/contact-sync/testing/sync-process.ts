/**
 * A replica running one contact sync, for the SIGKILL test: opens the (already migrated) store,
 * runs a full sync against the emulators and prints `CREATED <n>` as creates are stored, then
 * `DONE`. The test kills it with SIGKILL mid-run.
 *
 * Env: PATCHBAY_TEST_STORE (StoreConfig JSON), CONTACT_SYNC_ENV (the sandboxes' settings, JSON),
 * LEASE_MS.
 */
import { openStore, type StoreConfig } from '../../../platform/store/index.ts';
import { testLogger } from '../../../../test/support/logger.ts';
import { openContactSync } from './world.ts';

const env = (name: string): string => {
  const v = process.env[name];
  if (v === undefined) throw new Error(`${name} is required`);
  return v;
};
const store = await openStore(JSON.parse(env('PATCHBAY_TEST_STORE')) as StoreConfig);
const cs = openContactSync(store, JSON.parse(env('CONTACT_SYNC_ENV')) as Record<string, string>, {
  log: testLogger('contact-sync-replica'),
  leaseMs: Number(env('LEASE_MS')),
});
const summary = await cs.sync.run({
  mode: 'full',
  onProgress: (done) => process.stdout.write(`READ ${done}\n`),
});
process.stdout.write(`DONE ${summary.created}\n`);
await cs.close();
await store.close();
