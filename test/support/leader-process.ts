/**
 * A candidate process for the leadership tests. Prints `READY leader=<bool>` after its first attempt,
 * then `LEADER` / `FOLLOWER` on every change. SIGTERM stops gracefully (releasing the lease).
 *
 * Env: PATCHBAY_TEST_STORE (StoreConfig JSON), HOLDER, LEASE_NAME, TTL_MS.
 */
import { createLeaderElection } from '../../src/platform/leader/index.ts';
import { openStore, type StoreConfig } from '../../src/platform/store/index.ts';
import { testLogger } from './logger.ts';

const env = (name: string): string => {
  const v = process.env[name];
  if (v === undefined) throw new Error(`${name} is required`);
  return v;
};
const store = await openStore(JSON.parse(env('PATCHBAY_TEST_STORE')) as StoreConfig);
const election = createLeaderElection({
  store,
  log: testLogger(`leader-${env('HOLDER')}`),
  name: env('LEASE_NAME'),
  ttlMs: Number(env('TTL_MS')),
  holderId: env('HOLDER'),
});
election.onChange((leader) => {
  process.stdout.write(leader ? 'LEADER\n' : 'FOLLOWER\n');
});
process.once('SIGTERM', () => {
  void election
    .stop()
    .then(() => store.close())
    .then(() => process.exit(0));
});
await election.start();
process.stdout.write(`READY leader=${election.isLeader()}\n`);
