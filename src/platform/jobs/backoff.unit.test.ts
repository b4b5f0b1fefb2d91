import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  baseRetryDelayMs,
  DEFAULT_MAX_AGE_MS,
  decideFailure,
  JITTER,
  jittered,
  jitteredRetryAfter,
} from './backoff.ts';
import { PermanentError, RetryableError } from './errors.ts';

const HOUR = 3_600_000;

void test('schedule: 3 s, 9 s, 27 s, then every 5 min', () => {
  assert.deepEqual(
    [1, 2, 3, 4, 5, 50].map(baseRetryDelayMs),
    [3_000, 9_000, 27_000, 300_000, 300_000, 300_000],
  );
  assert.equal(DEFAULT_MAX_AGE_MS, 72 * HOUR);
});

void test('jitter stays within ±15 % and spans both sides', () => {
  assert.equal(
    jittered(10_000, () => 0),
    8_500,
  );
  assert.equal(
    jittered(10_000, () => 0.5),
    10_000,
  );
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 1e7 }),
      fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
      (ms, r) => {
        const d = jittered(ms, () => r);
        return d >= Math.floor(ms * (1 - JITTER)) && d <= Math.ceil(ms * (1 + JITTER));
      },
    ),
  );
});

void test('Retry-After is a floor: jitter only adds', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 1e7 }),
      fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
      (ms, r) => {
        const d = jitteredRetryAfter(ms, () => r);
        return d >= ms && d <= Math.ceil(ms * (1 + JITTER));
      },
    ),
  );
});

void test('decideFailure: retry on the schedule, Retry-After wins, permanent parks, max age parks', () => {
  const base = { now: 1_000_000, ageFrom: 1_000_000, maxAgeMs: 72 * HOUR, random: () => 0.5 };
  assert.deepEqual(decideFailure({ ...base, error: new Error('x'), attempt: 2 }), {
    action: 'retry',
    runAt: 1_009_000,
    delayMs: 9_000,
  });
  assert.deepEqual(
    decideFailure({ ...base, error: new RetryableError('429', { retryAfterMs: 60_000 }), attempt: 1 }),
    {
      action: 'retry',
      runAt: 1_000_000 + Math.round(60_000 * (1 + JITTER * 0.5)),
      delayMs: Math.round(60_000 * (1 + JITTER * 0.5)),
    },
  );
  assert.deepEqual(decideFailure({ ...base, error: new PermanentError('400'), attempt: 1 }), {
    action: 'park',
    reason: 'permanent',
  });
  // 71h59m old: the next 5-minute retry would land beyond 72 h.
  const old = { ...base, now: base.ageFrom + 72 * HOUR - 60_000 };
  assert.deepEqual(decideFailure({ ...old, error: new Error('x'), attempt: 40 }), {
    action: 'park',
    reason: 'max-age',
  });
});
