import assert from 'node:assert/strict';
import { test } from 'node:test';
import pino from 'pino';
import type { LeaderElection, LeaderListener } from './election.ts';
import { runWhileLeader } from './run-while-leader.ts';

/** An election whose state the test sets by hand (the real one is tested on both databases). */
function handElection() {
  let leader = false;
  const listeners: LeaderListener[] = [];
  const election = {
    name: 'test',
    holderId: 'me',
    start: async () => {},
    stop: async () => {},
    isLeader: () => leader,
    onChange(fn: LeaderListener) {
      listeners.push(fn);
      return () => listeners.splice(listeners.indexOf(fn), 1);
    },
  } as unknown as LeaderElection;
  return {
    election,
    /** Resolves when the listeners have (as `election.stop()` awaits them). */
    async set(v: boolean, announce: boolean) {
      leader = v;
      if (announce) await Promise.all(listeners.map(async (l) => l(v)));
    },
  };
}

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('a start that finds the lease momentarily expired retries, and starts once the lease is good again', async () => {
  const h = handElection();
  let starts = 0;
  const unsubscribe = runWhileLeader(h.election, () => (starts++, () => {}), {
    log: pino({ level: 'silent' }),
    retryMs: 10,
  });
  // Announced as leader, but by the time the start step runs the lease reads as expired…
  void h.set(true, true);
  void h.set(false, false);
  await tick(30);
  assert.equal(starts, 0);
  // …then the renewal succeeds without any new announcement.
  void h.set(true, false);
  await tick(50);
  assert.equal(starts, 1);
  unsubscribe();
});

test('a real loss stops the task and cancels the retry', async () => {
  const h = handElection();
  let starts = 0;
  let stops = 0;
  const unsubscribe = runWhileLeader(h.election, () => (starts++, () => void stops++), {
    log: pino({ level: 'silent' }),
    retryMs: 10,
  });
  void h.set(true, true);
  await tick(20);
  assert.deepEqual([starts, stops], [1, 0]);
  await h.set(false, true);
  assert.deepEqual([starts, stops], [1, 1]);
  unsubscribe();
});

test(
  'a loss during a start that hangs: the start is aborted and the stop does not wait for it',
  { timeout: 5_000 },
  async () => {
    const h = handElection();
    let aborted = false;
    const unsubscribe = runWhileLeader(
      h.election,
      (signal) =>
        new Promise<never>(() => {
          signal.addEventListener('abort', () => (aborted = true));
        }),
      { log: pino({ level: 'silent' }), retryMs: 10, cancelGraceMs: 20 },
    );
    void h.set(true, true);
    await tick(10);
    // Resolves (the test would time out otherwise) although the start never settles.
    await h.set(false, true);
    assert.equal(aborted, true);
    unsubscribe();
  },
);

test('a start that honours the abort ends the stop at once, without a retry', async () => {
  const h = handElection();
  let starts = 0;
  const unsubscribe = runWhileLeader(
    h.election,
    (signal) => {
      starts++;
      return new Promise<never>((_, reject) =>
        signal.addEventListener('abort', () => reject(new Error('aborted'))),
      );
    },
    { log: pino({ level: 'silent' }), retryMs: 10, cancelGraceMs: 60_000 },
  );
  void h.set(true, true);
  await tick(10);
  await h.set(false, true);
  await tick(40);
  assert.equal(starts, 1, 'not retried after the loss');
  unsubscribe();
});

test('a start abandoned after its grace that completes later is stopped at once', async () => {
  const h = handElection();
  let finish: (() => void) | undefined;
  let stops = 0;
  const unsubscribe = runWhileLeader(
    h.election,
    () =>
      new Promise<() => void>((resolve) => {
        finish = () => resolve(() => void stops++);
      }),
    { log: pino({ level: 'silent' }), retryMs: 10, cancelGraceMs: 10 },
  );
  void h.set(true, true);
  await tick(10);
  await h.set(false, true);
  assert.equal(stops, 0);
  finish?.();
  await tick(10);
  assert.equal(stops, 1);
  unsubscribe();
});
