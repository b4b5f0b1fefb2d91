import assert from 'node:assert/strict';
import { it } from 'node:test';
import { aggregate, parseAggregateQuery } from './analytics-aggregates.ts';
import { observe } from './analytics-facts.ts';
import { parseGranularity } from './analytics-query.ts';
import { ConversationStore } from './store.ts';

const T0 = Date.parse('2026-03-14T10:00:00Z');
const sl = () => ({ percentage: 0.8, durationMs: 20_000 });

function build() {
  let n = 0;
  const s = new ConversationStore(() => `id-${++n}`);
  const q = { id: 'q1', name: 'Support' };
  // Answered after 10 s, 60 s talk with a 20 s hold, 30 s wrap-up.
  const a = s.start({ mediaType: 'voice', ani: '+1', dnis: '+2', queue: q, at: T0, divisionId: 'd' });
  assert.ok(a.ok);
  s.answer(a.value.id, { id: 'u1', name: 'A' }, T0 + 10_000);
  s.hold(a.value.id, true, T0 + 30_000);
  s.hold(a.value.id, false, T0 + 50_000);
  s.disconnect(a.value.id, 'customer', T0 + 90_000);
  s.wrapup(a.value.id, { id: 'w1', name: 'Resolved' }, undefined, undefined, T0 + 120_000);
  // Abandoned after 45 s (over the 20 s service level).
  const b = s.start({
    mediaType: 'voice',
    ani: '+3',
    dnis: '+2',
    queue: q,
    at: T0 + 60_000,
    divisionId: 'd',
  });
  assert.ok(b.ok);
  s.abandon(b.value.id, T0 + 105_000);
  return s.list().flatMap((c) => observe(c, sl));
}

void it('computes counts, sums, min/max and the service level from segments', () => {
  const q = parseAggregateQuery({
    interval: '2026-03-14T10:00:00Z/2026-03-14T11:00:00Z',
    groupBy: ['queueId'],
    metrics: [
      'nOffered',
      'nConnected',
      'tAnswered',
      'tAbandon',
      'tTalk',
      'tHeld',
      'tAcw',
      'tHandle',
      'oServiceLevel',
      'nOverSla',
    ],
  });
  assert.ok(q.ok);
  const r = aggregate(q.value, build());
  assert.ok(r.ok);
  assert.deepEqual(r.value.results, [
    {
      group: { queueId: 'q1' },
      data: [
        {
          interval: '2026-03-14T10:00:00.000Z/2026-03-14T11:00:00.000Z',
          metrics: [
            { metric: 'nOffered', stats: { count: 2 } },
            { metric: 'nConnected', stats: { count: 1 } },
            { metric: 'tAnswered', stats: { max: 10_000, min: 10_000, count: 1, sum: 10_000 } },
            { metric: 'tAbandon', stats: { max: 45_000, min: 45_000, count: 1, sum: 45_000 } },
            { metric: 'tTalk', stats: { max: 60_000, min: 60_000, count: 1, sum: 60_000 } },
            { metric: 'tHeld', stats: { max: 20_000, min: 20_000, count: 1, sum: 20_000 } },
            { metric: 'tAcw', stats: { max: 30_000, min: 30_000, count: 1, sum: 30_000 } },
            { metric: 'tHandle', stats: { max: 110_000, min: 110_000, count: 1, sum: 110_000 } },
            { metric: 'oServiceLevel', stats: { ratio: 0.5, numerator: 1, denominator: 2, target: 0.8 } },
            { metric: 'nOverSla', stats: { count: 1 } },
          ],
        },
      ],
    },
  ]);
});

void it('buckets by granularity at emit time, leaves out empty buckets, and filters by dimension', () => {
  const q = parseAggregateQuery({
    interval: '2026-03-14T10:00:00Z/2026-03-14T10:10:00Z',
    granularity: 'PT1M',
    metrics: ['nOffered', 'tHandle'],
    filter: {
      type: 'or',
      predicates: [
        { dimension: 'wrapUpCode', value: 'w1' },
        { dimension: 'ani', value: '+3' },
      ],
    },
  });
  assert.ok(q.ok);
  const r = aggregate(q.value, build());
  assert.ok(r.ok);
  const data = (r.value.results[0] as { data: { interval: string; metrics: { metric: string }[] }[] }).data;
  assert.deepEqual(
    data.map((d) => [d.interval.slice(11, 16), d.metrics.map((m) => m.metric)]),
    [
      ['10:00', ['nOffered']],
      ['10:01', ['nOffered']],
      ['10:02', ['tHandle']],
    ],
  );
});

void it('parses ISO-8601 granularities and refuses bad queries with a message', () => {
  assert.deepEqual(parseGranularity('PT30M'), { ok: true, value: { months: 0, ms: 1_800_000 } });
  assert.deepEqual(parseGranularity('P1D'), { ok: true, value: { months: 0, ms: 86_400_000 } });
  assert.deepEqual(parseGranularity('P1M'), { ok: true, value: { months: 1, ms: 0 } });
  assert.equal(parseGranularity('PT').ok, false);
  assert.equal(parseGranularity('30m').ok, false);
  const bad = parseAggregateQuery({ interval: 'yesterday', metrics: ['nOffered'] });
  assert.equal(bad.ok, false);
  assert.match(bad.ok ? '' : bad.message, /interval/);
});
