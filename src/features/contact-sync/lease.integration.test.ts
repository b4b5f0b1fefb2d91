/**
 * One sync run at a time across replicas, on both dialects: the run holds the platform lease
 * `contact-sync.run` (atomic upsert, renewed). Two replicas starting together → one runs, the other
 * is refused with a retryable error (its job retries later); a holder that stops renewing (a killed
 * replica) loses the lease after its TTL and the next run takes it over.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { testEachDialect } from '../../../test/support/databases.ts';
import { testLogger } from '../../../test/support/logger.ts';
import { RetryableError } from '../../platform/jobs/index.ts';
import { createLeaderElection, leaderMigrations, listLeases } from '../../platform/leader/index.ts';
import { RUN_LEASE } from './service.ts';
import { contactSyncMigrations } from './store.ts';
import { genesysBySf, openContactSync, startSandboxes } from './testing/world.ts';

const migrations = [...leaderMigrations, ...contactSyncMigrations];
const log = testLogger('contact-sync-lease');
const N = 200;

testEachDialect(
  'two replicas start a run together: one runs, the other is refused and retries later',
  async (t, db) => {
    const sb = await startSandboxes({ accounts: 10, perAccount: 20, rateLimitPerMinute: 6000 });
    t.after(() => sb.close());
    // Two replicas: separate connections to the same database.
    const a = openContactSync(db.store, sb.env, { log });
    const b = openContactSync(await db.openStore(), sb.env, { log });
    t.after(() => Promise.all([a.close(), b.close()]));
    const results = await Promise.allSettled([a.sync.run({ mode: 'full' }), b.sync.run({ mode: 'full' })]);
    const ran = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r) => r.status === 'rejected');
    assert.equal(ran.length, 1);
    assert.equal(refused.length, 1);
    const reason: unknown = refused[0]!.reason;
    assert.ok(reason instanceof RetryableError, String(reason));
    assert.match(reason.message, /another run is in progress/);
    assert.ok((reason.retryAfterMs ?? 0) > 0);

    const summary = ran[0]!.value;
    assert.equal(summary.created + summary.parked, N);
    const by = genesysBySf(sb.gc);
    assert.equal(by.size, summary.created);
    assert.ok(
      [...by.values()].every((l) => l.length === 1),
      'each contact in Genesys once',
    );
    // Released at the end: the refused replica's retry runs (and finds nothing to write).
    assert.deepEqual(await listLeases(db.store.db), []);
    const retry = await b.sync.run({ mode: 'full' });
    assert.equal(retry.created + retry.updated + retry.deleted, 0);
  },
  { migrations, timeout: 120_000 },
);

testEachDialect(
  'a lease whose holder stops renewing (a killed replica) is taken over after its TTL',
  async (t, db) => {
    const sb = await startSandboxes({ accounts: 10, perAccount: 20, rateLimitPerMinute: 6000 });
    t.after(() => sb.close());
    // The killed replica: it took the lease once and never renews it.
    const killed = createLeaderElection({
      store: await db.openStore(),
      name: RUN_LEASE,
      ttlMs: 1_000,
      log,
      holderId: 'killed-replica',
    });
    assert.equal(await killed.tick(), true);
    const s = openContactSync(db.store, sb.env, { log, leaseMs: 1_000 });
    t.after(() => s.close());
    await assert.rejects(s.sync.run({ mode: 'full' }), RetryableError);
    assert.equal(genesysBySf(sb.gc).size, 0);

    await sleep(1_200);
    const r = await s.sync.run({ mode: 'full' });
    assert.equal(r.created + r.parked, N);
    assert.equal(genesysBySf(sb.gc).size, r.created);
    assert.deepEqual(await listLeases(db.store.db), []);
  },
  { migrations, timeout: 120_000 },
);

testEachDialect(
  'a run that loses its lease (another replica took it over) stops before its next write',
  async (t, db) => {
    const sb = await startSandboxes({
      accounts: 100,
      perAccount: 20,
      rateLimitPerMinute: 60_000,
      latencyMs: 100,
    });
    t.after(() => sb.close());
    const s = openContactSync(db.store, sb.env, { log, leaseMs: 600 });
    t.after(() => s.close());
    const running = s.sync.run({ mode: 'full' });
    const outcome = running.then(
      () => 'completed',
      (err: unknown) => err,
    );
    while (sb.gc.contacts.search('').length === 0) await sleep(5);
    // A successor holds the lease now (as after a partition): the run's next renewal fails.
    await db.store.db
      .updateTable('leases')
      .set({ holder: 'successor', expires_at: Date.now() + 60_000 })
      .where('name', '=', RUN_LEASE)
      .execute();
    const err = await outcome;
    assert.ok(err instanceof RetryableError, String(err));
    assert.match(err.message, /lease was lost/);
    const created = sb.gc.contacts.search('').length;
    assert.ok(created < 2000, `stopped early (${created} of 2000 created)`);
    // The successor's lease is left alone.
    assert.deepEqual(
      (await listLeases(db.store.db)).map((l) => l.holder),
      ['successor'],
    );
  },
  { migrations, timeout: 120_000 },
);
