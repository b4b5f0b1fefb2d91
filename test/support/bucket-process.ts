/**
 * A token-bucket client process: prints READY, waits for SIGUSR1, then calls take() for DURATION_MS
 * (or until a bucket without refill is empty) and prints `GRANTS <json>`: the clock reading (taken under the bucket's lock) of every granted take.
 *
 * Env: PATCHBAY_TEST_STORE (StoreConfig JSON), BUCKET (TokenBucketOptions JSON without clock), DURATION_MS.
 */
import { createTokenBucket } from '../../src/platform/jobs/index.ts';
import { openStore, type StoreConfig } from '../../src/platform/store/index.ts';

const store = await openStore(JSON.parse(process.env['PATCHBAY_TEST_STORE'] ?? '') as StoreConfig);
let last = 0;
const clock = { now: () => (last = Date.now()) };
const options = JSON.parse(process.env['BUCKET'] ?? '') as {
  name: string;
  capacity: number;
  refillPerSecond: number;
};
const bucket = createTokenBucket(store, { ...options, clock });
// A signal listener does not keep the event loop alive; the interval does, until the signal.
const keepAlive = setInterval(() => {}, 1_000);
await new Promise<void>((resolve) => {
  process.once('SIGUSR1', () => resolve());
  process.stdout.write('READY\n');
});
clearInterval(keepAlive);
const grants: number[] = [];
const end = Date.now() + Number(process.env['DURATION_MS'] ?? '500');
while (Date.now() < end) {
  const r = await bucket.take();
  if (r.ok) grants.push(last);
  else if (!Number.isFinite(r.waitMs)) break; // a bucket without refill is spent for good
  await new Promise((r) => setTimeout(r, 1));
}
process.stdout.write(`GRANTS ${JSON.stringify(grants)}\n`);
await store.close();
