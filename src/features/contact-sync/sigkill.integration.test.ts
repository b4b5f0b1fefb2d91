/**
 * SIGKILL mid-run: a replica process running a full sync is killed while its bulk creates are in
 * flight (some answered and stored, some journaled and sent, some not sent). Its lease stops being
 * renewed, so the next run is refused only for seconds, then completes: Genesys holds every
 * contact exactly once, and every one is linked.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { testEachDialect } from '../../../test/support/databases.ts';
import { testLogger } from '../../../test/support/logger.ts';
import { spawnTs, type TestProcess } from '../../../test/support/processes.ts';
import { RetryableError } from '../../platform/jobs/index.ts';
import { leaderMigrations } from '../../platform/leader/index.ts';
import { contactSyncMigrations } from './store.ts';
import {
  genesysBySf,
  makeEmailsUnique,
  openContactSync,
  salesforceContacts,
  setFaults,
  startSandboxes,
} from './testing/world.ts';

const N = 3000;
const LEASE_MS = 2_000;
const replicaScript = new URL('./testing/sync-process.ts', import.meta.url).pathname;
const log = testLogger('contact-sync-sigkill');

testEachDialect(
  'a replica killed with SIGKILL mid-run: the next run completes, each contact in Genesys exactly once, all linked',
  async (t, db) => {
    // 150 ms per Genesys call, so the run is still writing when it is killed.
    const sb = await startSandboxes({
      accounts: N / 20,
      perAccount: 20,
      rateLimitPerMinute: 6000,
      latencyMs: 150,
    });
    t.after(() => sb.close());
    const next = openContactSync(db.store, sb.env, { log, leaseMs: LEASE_MS });
    t.after(() => next.close());
    await makeEmailsUnique(next.connectors);

    const procs: TestProcess[] = [];
    t.after(() => procs.forEach((p) => p.kill('SIGKILL')));
    const replica = spawnTs(replicaScript, {
      PATCHBAY_TEST_STORE: JSON.stringify(db.config),
      CONTACT_SYNC_ENV: JSON.stringify(sb.env),
      LEASE_MS: String(LEASE_MS),
    });
    procs.push(replica);
    // Kill it once a third of the contacts are in Genesys.
    while (sb.gc.contacts.search('').length < N / 3) {
      if (replica.child.exitCode !== null) assert.fail('the replica finished before it could be killed');
      await sleep(5);
    }
    replica.kill('SIGKILL');
    assert.equal(await replica.exited, 'SIGKILL');
    assert.ok(!replica.lines.some((l) => l.startsWith('DONE')));
    assert.ok(sb.gc.contacts.search('').length < N, 'killed mid-run');
    // The latency only had to make the kill land mid-run; the next run checks each journaled
    // create (sent, answer never stored) with a lookup before creating again.
    await setFaults(sb.gc, []);

    // Its lease is still held until it expires (no renewal any more): the next run is refused, as
    // its job would be, and retried until it runs.
    let refused = 0;
    let summary;
    for (;;) {
      try {
        summary = await next.sync.run({ mode: 'full' });
        break;
      } catch (err) {
        assert.ok(err instanceof RetryableError, String(err));
        assert.ok(++refused < 100, 'the killed replica’s lease never expired');
        await sleep(100);
      }
    }
    assert.ok(refused > 0);
    assert.equal(summary.parked + summary.failed + summary.skipped, 0);

    const sfIds = (await salesforceContacts(next.connectors)).map((c) => c.Id).sort();
    assert.equal(sfIds.length, N);
    const by = genesysBySf(sb.gc);
    assert.equal(sb.gc.contacts.search('').length, N, 'no duplicate in Genesys');
    assert.deepEqual([...by.keys()].sort(), sfIds);
    assert.ok([...by.values()].every((l) => l.length === 1));
    const links = await db.store.db
      .selectFrom('contact_sync_links')
      .select(['sf_id', 'gc_id', 'state'])
      .execute();
    assert.equal(links.length, N);
    assert.ok(links.every((l) => l.state === 'linked' && String(by.get(l.sf_id)?.[0]?.id) === l.gc_id));
    // The killed run shows as interrupted in the history, not as running forever.
    const runs = await db.store.db.selectFrom('contact_sync_runs').select(['status', 'error']).execute();
    assert.deepEqual(runs.map((r) => r.status).sort(), ['completed', 'failed']);
    assert.match(runs.find((r) => r.status === 'failed')?.error ?? '', /^interrupted/);
  },
  { migrations: [...leaderMigrations, ...contactSyncMigrations], timeout: 120_000 },
);
