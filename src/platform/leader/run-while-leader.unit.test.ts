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
    set(v: boolean, announce: boolean) {
      leader = v;
      if (announce) for (const l of listeners) void l(v);
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
  h.set(true, true);
  h.set(false, false);
  await tick(30);
  assert.equal(starts, 0);
  // …then the renewal succeeds without any new announcement.
  h.set(true, false);
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
  h.set(true, true);
  await tick(20);
  assert.deepEqual([starts, stops], [1, 0]);
  h.set(false, true);
  await tick(40);
  assert.deepEqual([starts, stops], [1, 1]);
  unsubscribe();
});
