import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { windowViolations } from '../../../test/support/bucket-windows.ts';
import { refill, take } from './token-bucket-math.ts';

const limits = { capacity: 10, refillPerSecond: 2 };

void test('a full bucket grants capacity tokens, then says how long to wait', () => {
  let state = { tokens: 10, updatedAt: 0 };
  for (let i = 0; i < 10; i++) {
    const r = take(state, limits, 1, 0);
    assert.deepEqual(r.result, { ok: true });
    state = r.state;
  }
  assert.deepEqual(take(state, limits, 1, 0).result, { ok: false, waitMs: 500 });
  assert.deepEqual(take(state, limits, 3, 250).result, { ok: false, waitMs: 1_250 });
  assert.deepEqual(take(state, limits, 1, 500).result, { ok: true });
});

void test('refill caps at capacity and ignores a clock running behind', () => {
  assert.deepEqual(refill({ tokens: 9, updatedAt: 0 }, limits, 60_000), { tokens: 10, updatedAt: 60_000 });
  assert.deepEqual(refill({ tokens: 3, updatedAt: 5_000 }, limits, 4_000), { tokens: 3, updatedAt: 5_000 });
  assert.equal(
    take({ tokens: 0, updatedAt: 0 }, { capacity: 5, refillPerSecond: 0 }, 1, 1e9).result.ok,
    false,
  );
  assert.throws(() => take({ tokens: 10, updatedAt: 0 }, limits, 11, 0), RangeError);
});

void test('property: in any window, grants ≤ capacity + refill × window', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 20 }),
      fc.integer({ min: 0, max: 50 }),
      fc.array(fc.integer({ min: 0, max: 200 }), { minLength: 1, maxLength: 200 }),
      (capacity, refillPerSecond, gaps) => {
        const l = { capacity, refillPerSecond };
        let state = { tokens: capacity, updatedAt: 0 };
        let now = 0;
        const grants: number[] = [];
        for (const gap of gaps) {
          now += gap;
          const r = take(state, l, 1, now);
          state = r.state;
          if (r.result.ok) grants.push(now);
        }
        return windowViolations(grants, l).length === 0;
      },
    ),
  );
});

void test('a reserve: ordinary takes leave it in the bucket, priority takes spend it', () => {
  const reserved = { capacity: 10, refillPerSecond: 2, reserve: 3 };
  let state = { tokens: 10, updatedAt: 0 };
  for (let i = 0; i < 7; i++) {
    const r = take(state, reserved, 1, 0);
    assert.deepEqual(r.result, { ok: true });
    state = r.state;
  }
  // 3 tokens left, all reserved: an ordinary take waits for a 4th, a priority take goes now.
  assert.deepEqual(take(state, reserved, 1, 0).result, { ok: false, waitMs: 500 });
  for (let i = 0; i < 3; i++) {
    const r = take(state, reserved, 1, 0, true);
    assert.deepEqual(r.result, { ok: true });
    state = r.state;
  }
  assert.deepEqual(take(state, reserved, 1, 0, true).result, { ok: false, waitMs: 500 });
  // The reserve refills before ordinary takes succeed again.
  assert.deepEqual(take(state, reserved, 1, 500).result, { ok: false, waitMs: 1_500 });
  assert.deepEqual(take(state, reserved, 1, 2_000).result, { ok: true });
  assert.throws(() => take(state, reserved, 8, 0), RangeError, 'n + reserve above capacity');
});

void test('property: with a reserve and mixed priorities, grants still ≤ capacity + refill × window', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 2, max: 20 }),
      fc.integer({ min: 0, max: 50 }),
      fc.array(fc.tuple(fc.integer({ min: 0, max: 200 }), fc.boolean()), { minLength: 1, maxLength: 200 }),
      (capacity, refillPerSecond, steps) => {
        const l = { capacity, refillPerSecond, reserve: Math.floor(capacity / 2) };
        let state = { tokens: capacity, updatedAt: 0 };
        let now = 0;
        const grants: number[] = [];
        for (const [gap, priority] of steps) {
          now += gap;
          const r = take(state, l, 1, now, priority);
          state = r.state;
          if (r.result.ok) grants.push(now);
        }
        return windowViolations(grants, l).length === 0;
      },
    ),
  );
});
