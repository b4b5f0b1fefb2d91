import assert from 'node:assert/strict';
import { it } from 'node:test';
import { SimulationEngine, type Action } from './engine.ts';
import { resolveOptions } from './options.ts';
import { parseDuration } from './simulate.ts';

const options = (seed: number) =>
  resolveOptions({
    seed,
    callsPerMinute: 10,
    agents: 4,
    durationMs: 20 * 60_000,
    startAt: 0,
    anis: ['+14155550142', '(415) 555-0142'],
  });
const drain = (e: SimulationEngine) => {
  const out: Action[] = [];
  for (let a = e.next(); a; a = e.next()) out.push(a);
  return out;
};

void it('is deterministic per seed and yields actions in time order', () => {
  const a = drain(new SimulationEngine(options(3), { queues: 2, wrapupCodes: 3 }));
  const b = drain(new SimulationEngine(options(3), { queues: 2, wrapupCodes: 3 }));
  const c = drain(new SimulationEngine(options(4), { queues: 2, wrapupCodes: 3 }));
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
  for (let i = 1; i < a.length; i++) assert.ok(a[i]!.t >= a[i - 1]!.t, `action ${i} goes back in time`);
});

void it('keeps its books: every offer is answered or abandoned, every answer wrapped up', () => {
  const e = new SimulationEngine(options(9), { queues: 2, wrapupCodes: 3 });
  const actions = drain(e);
  const t = e.truth;
  const sum = (k: 'offered' | 'answered' | 'abandoned' | 'handled' | 'transferredOut') =>
    t.byQueue.reduce((s, q) => s + q[k], 0);
  assert.equal(sum('offered'), sum('answered') + sum('abandoned'));
  assert.equal(sum('handled'), sum('answered'));
  assert.equal(sum('offered'), t.conversations + sum('transferredOut'));
  assert.equal(actions.filter((a) => a.type === 'start').length, t.conversations);
  assert.equal(actions.filter((a) => a.type === 'wrapup').length, sum('handled'));
  assert.ok(
    actions.every(
      (a) =>
        a.type !== 'start' || ['+14155550142', '(415) 555-0142'].includes(a.ani) || a.mediaType === 'email',
    ),
  );
});

void it('parses CLI durations', () => {
  assert.equal(parseDuration('10m'), 600_000);
  assert.equal(parseDuration('90s'), 90_000);
  assert.equal(parseDuration('1500'), 1_500);
  assert.throws(() => parseDuration('ten minutes'));
});
