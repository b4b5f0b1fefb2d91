/** Leadership over the lease row, on both dialects: fake clocks for expiry, real processes for SIGKILL. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { testEachDialect } from '../../../test/support/databases.ts';
import { testLogger } from '../../../test/support/logger.ts';
import { spawnTs, type TestProcess } from '../../../test/support/processes.ts';
import { createFakeClock } from '../jobs/clock.ts';
import type { Store } from '../store/index.ts';
import {
  createLeaderElection,
  createLeadership,
  leaderMigrations,
  listLeases,
  runWhileLeader,
} from './index.ts';

const log = testLogger('leader');
const migrations = leaderMigrations;
const candidateScript = join(import.meta.dirname, '../../../test/support/leader-process.ts');

function candidate(store: Store, holderId: string, clock = createFakeClock(), name = 'presence-feed') {
  const changes: boolean[] = [];
  const election = createLeaderElection({ store, log, name, ttlMs: 3_000, clock, holderId });
  election.onChange((leader) => {
    changes.push(leader);
  });
  return { election, changes, clock };
}

testEachDialect(
  'one leader; it renews; a candidate takes over only after the lease expired',
  async (_t, { store }) => {
    const clock = createFakeClock();
    const a = candidate(store, 'A', clock);
    const b = candidate(store, 'B', clock);

    assert.equal(await a.election.tick(), true);
    assert.equal(await b.election.tick(), false);
    clock.advance(2_000);
    assert.equal(await a.election.tick(), true, 'renewal');
    clock.advance(2_000); // 4 s after A's first take, 2 s after its renewal: still A's
    assert.equal(await b.election.tick(), false);
    assert.equal(a.election.isLeader(), true);

    clock.advance(1_000); // A's lease (renewed at +2 s, TTL 3 s) has now expired: A is silent
    assert.equal(a.election.isLeader(), false, 'a leader that missed its renewals stops claiming to lead');
    assert.equal(await b.election.tick(), true);
    assert.equal(await a.election.tick(), false, 'A learns it lost the lease');
    assert.deepEqual(a.changes, [true, false]);
    assert.deepEqual(b.changes, [true]);

    const [lease] = await listLeases(store.db);
    assert.equal(lease?.holder, 'B');
    assert.equal(lease?.acquiredAt, clock.now());
  },
  { migrations },
);

testEachDialect(
  'stop() releases the lease: the next candidate leads at its next attempt, without waiting for the TTL',
  async (_t, { store }) => {
    const clock = createFakeClock();
    const a = candidate(store, 'A', clock);
    const b = candidate(store, 'B', clock);
    await a.election.tick();
    await b.election.tick();
    await a.election.stop();
    assert.deepEqual(a.changes, [true, false]);
    assert.equal(await b.election.tick(), true);
    assert.equal((await listLeases(store.db))[0]?.holder, 'B');
  },
  { migrations },
);

testEachDialect(
  'names are independent, and many candidates racing at once elect exactly one',
  async (_t, { store, openStore }) => {
    const clock = createFakeClock();
    // Separate connections, as replicas would have (on SQLite they queue on the file's write lock).
    const stores = [store, await openStore(), await openStore()];
    const racers = Array.from({ length: 12 }, (_, i) =>
      candidate(stores[i % stores.length] as Store, `R${i}`, clock),
    );
    const won = await Promise.all(racers.map((r) => r.election.tick()));
    assert.equal(won.filter(Boolean).length, 1);

    const other = candidate(store, 'R0', clock, 'case-routing');
    assert.equal(await other.election.tick(), true, 'another name has its own lease');
    assert.deepEqual((await listLeases(store.db)).map((l) => l.name).sort(), [
      'case-routing',
      'presence-feed',
    ]);
  },
  { migrations },
);

testEachDialect(
  'runWhileLeader starts the task on winning and stops it on losing, never overlapping',
  async (_t, { store }) => {
    const clock = createFakeClock();
    const events: string[] = [];
    const a = candidate(store, 'A', clock);
    const b = candidate(store, 'B', clock);
    let started = 0;
    for (const [who, c] of [
      ['A', a],
      ['B', b],
    ] as const) {
      runWhileLeader(
        c.election,
        async () => {
          started++;
          events.push(`${who} start`);
          return async () => {
            events.push(`${who} stop`);
          };
        },
        { log },
      );
    }
    await a.election.tick();
    await b.election.tick();
    await a.election.stop(); // awaits A's stop function
    await b.election.tick();
    await b.election.stop();
    assert.deepEqual(events, ['A start', 'A stop', 'B start', 'B stop']);
    assert.equal(started, 2);
  },
  { migrations },
);

testEachDialect(
  'createLeadership: a failing start is retried while leader; stop releases every lease',
  async (_t, { store }) => {
    const leadership = createLeadership({ store, log, ttlMs: 3_000, holderId: 'hub-1' });
    let attempts = 0;
    let stopped = 0;
    const running = new Promise<void>((resolve) => {
      leadership.runWhileLeader(
        'case-routing',
        async () => {
          attempts++;
          if (attempts < 3) throw new Error('stream unavailable');
          resolve();
          return () => {
            stopped++;
          };
        },
        { retryMs: 10 },
      );
    });
    await leadership.start();
    await running;
    assert.equal(attempts, 3);
    assert.deepEqual(leadership.status(), [{ name: 'case-routing', leader: true }]);
    await leadership.stop();
    assert.equal(stopped, 1);
    assert.deepEqual(await listLeases(store.db), []);
  },
  { migrations },
);

testEachDialect(
  'a leader process killed with SIGKILL: another process takes over once its lease has expired',
  async (t, { store, config }) => {
    const procs: TestProcess[] = [];
    t.after(() => procs.forEach((p) => p.kill('SIGKILL')));
    const env = { PATCHBAY_TEST_STORE: JSON.stringify(config), LEASE_NAME: 'presence-feed', TTL_MS: '1500' };

    const a = spawnTs(candidateScript, { ...env, HOLDER: 'A' });
    procs.push(a);
    assert.equal(await a.waitForLine(/^READY /), 'READY leader=true');
    const b = spawnTs(candidateScript, { ...env, HOLDER: 'B' });
    procs.push(b);
    assert.equal(await b.waitForLine(/^READY /), 'READY leader=false');

    a.kill('SIGKILL');
    assert.equal(await a.exited, 'SIGKILL');
    const orphan = (await listLeases(store.db))[0];
    assert.equal(orphan?.holder, 'A', 'a killed process cannot release its lease');

    await b.waitForLine(/^LEADER$/);
    const taken = (await listLeases(store.db))[0];
    assert.equal(taken?.holder, 'B');
    assert.ok(
      (taken?.acquiredAt ?? 0) >= (orphan?.expiresAt ?? Infinity),
      'B took the lease only after A’s had expired',
    );

    b.kill('SIGTERM');
    assert.equal(await b.exited, 0);
    assert.deepEqual(await listLeases(store.db), [], 'a graceful stop releases the lease');
  },
  { migrations, timeout: 30_000 },
);
