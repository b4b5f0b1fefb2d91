import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RateWindow } from './rate-limit.ts';
import { usageByClient } from './usage.ts';

describe('RateWindow', () => {
  it('allows the limit per key per minute, then refuses with the seconds until reset', () => {
    const w = new RateWindow(2);
    assert.deepEqual(w.hit('t', 0), { allowed: true, count: 1, limit: 2, resetSeconds: 60 });
    assert.equal(w.hit('t', 10_000).count, 2);
    assert.deepEqual(w.hit('t', 30_500), { allowed: false, count: 2, limit: 2, resetSeconds: 30 });
    assert.equal(w.hit('other', 30_500).allowed, true, 'keys are independent');
    assert.deepEqual(
      w.hit('t', 60_000),
      { allowed: true, count: 1, limit: 2, resetSeconds: 60 },
      'a new window',
    );
  });
});

describe('usageByClient', () => {
  it('finds the busiest sliding minute and the throttled answers per client', () => {
    const log = [
      { at: 0, clientId: 'a', status: 200 },
      { at: 59_000, clientId: 'a', status: 200 },
      { at: 59_500, clientId: 'a', status: 429 },
      { at: 120_000, clientId: 'a', status: 200 },
      { at: 0, clientId: 'b', status: 200 },
      { at: 1, status: 200 },
    ];
    assert.deepEqual(usageByClient(log), [
      { clientId: 'a', total: 4, maxPerMinute: 3, throttled: 1 },
      { clientId: 'b', total: 1, maxPerMinute: 1, throttled: 0 },
    ]);
  });
});
