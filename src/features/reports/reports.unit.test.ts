import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { alerts, defaultTargets, recommendations, sumDays, trends } from './assess.ts';
import { serviceLevelByQueue, toSvg, volumeByHour } from './charts.ts';
import {
  addDays,
  dayInterval,
  emptyCounts,
  figuresFromAggregates,
  hoursOfDay,
  isDate,
  kpis,
  localDate,
  sameDayLastYear,
  type AggregatesResponse,
} from './kpi.ts';
import { buildReport } from './model.ts';
import { fullText, summaryText } from './text.ts';

const metrics = (m: Record<string, Record<string, number>>) =>
  Object.entries(m).map(([metric, stats]) => ({ metric, stats }));
const one = (
  group: Record<string, string> | undefined,
  m: Record<string, Record<string, number>>,
  interval = 'x/y',
) => ({
  ...(group ? { group } : {}),
  data: [{ interval, metrics: metrics(m) }],
});

void describe('reports: KPIs from aggregates', () => {
  const day = '2026-03-14';
  const tz = 'Europe/Paris';
  const q1 = {
    nOffered: { count: 10 },
    nConnected: { count: 8 },
    tAbandon: { count: 2, sum: 60_000 },
    oServiceLevel: { ratio: 0.6, numerator: 6, denominator: 10, target: 0.8 },
    tHandle: { count: 8, sum: 8 * 300_000 },
    tAnswered: { count: 8, sum: 8 * 15_000 },
  };
  const hours = hoursOfDay(day, tz);
  const response = {
    total: { results: [one(undefined, q1)] },
    byQueue: { results: [one({ queueId: 'q1' }, q1)] },
    byMedia: { results: [one({ mediaType: 'voice' }, q1)] },
    hourly: {
      results: [
        {
          data: [
            {
              interval: `${new Date(hours[9]!.start).toISOString()}/x`,
              metrics: metrics({ nOffered: { count: 7 } }),
            },
            {
              interval: `${new Date(hours[10]!.start).toISOString().replace('.000', '')}/x`,
              metrics: metrics({ nOffered: { count: 3 } }),
            },
          ],
        },
      ],
    },
    agents: {
      results: [
        one({ queueId: 'q1', userId: 'u1' }, { tHandle: { count: 5, sum: 1 } }),
        one({ queueId: 'q1', userId: 'u2' }, { tHandle: { count: 3, sum: 1 } }),
      ],
    },
  } satisfies Record<string, AggregatesResponse>;

  void it('derives offered, answered, abandoned, SL, AHT, ASA, abandon rate and agents', () => {
    const f = figuresFromAggregates(day, tz, response, [
      { id: 'q1', name: 'Support' },
      { id: 'q2', name: 'Idle queue' },
    ]);
    const k = kpis(f.total);
    assert.deepEqual(k, {
      offered: 10,
      answered: 8,
      abandoned: 2,
      serviceLevel: 0.6,
      ahtMs: 300_000,
      asaMs: 15_000,
      abandonRate: 0.2,
      agents: 2,
    });
    assert.deepEqual(
      f.byQueue.map((q) => [q.name, q.counts.offered, q.counts.agents]),
      [
        ['Support', 10, 2],
        ['Idle queue', 0, 0],
      ],
    );
    assert.equal(f.hourly.length, 24);
    assert.equal(f.hourly[9]?.offered, 7, 'buckets keyed by start instant, whatever the ISO form');
    assert.equal(f.hourly[10]?.offered, 3);
    assert.equal(f.hourly[9]?.hour, '09');
  });

  void it('no traffic gives null ratios, not NaN', () => {
    assert.deepEqual(kpis(emptyCounts()), {
      offered: 0,
      answered: 0,
      abandoned: 0,
      serviceLevel: null,
      ahtMs: null,
      asaMs: null,
      abandonRate: null,
      agents: 0,
    });
  });

  void it('alerts on misses against the targets, with recommendations', () => {
    const f = figuresFromAggregates(day, tz, response, [{ id: 'q1', name: 'Support' }]);
    const found = alerts(f, defaultTargets);
    assert.deepEqual(
      found.map((a) => `${a.scope}:${a.kpi}`),
      ['Total:serviceLevel', 'Total:abandonRate', 'Support:serviceLevel', 'Support:abandonRate'],
    );
    const recs = recommendations(f, found, {});
    assert.match(recs[0] ?? '', /Support: understaffed.*09:00 peak \(7 offered/);
    assert.deepEqual(
      alerts(f, { serviceLevelPercent: 50, ahtSeconds: 100, abandonPercent: 30 }).map((a) => a.kpi),
      ['aht', 'aht'],
    );
  });

  void it('trends compare with yesterday, 7/30-day averages and last year', () => {
    const today = { ...emptyCounts(), offered: 120, slNumerator: 90, slDenominator: 100 };
    const prior = { ...emptyCounts(), offered: 100, slNumerator: 80, slDenominator: 100 };
    const t = trends(today, { yesterday: prior, last7: sumDays([prior, prior]) });
    assert.ok(Math.abs((t.yesterday?.offered ?? 0) - 0.2) < 1e-9);
    assert.ok(Math.abs((t.yesterday?.serviceLevelPts ?? 0) - 10) < 1e-9);
    assert.ok(Math.abs((t.last7?.offered ?? 0) - 0.2) < 1e-9, 'the 7-day baseline is a daily average');
    assert.equal(t.lastYear, undefined);
    assert.equal(t.yesterday?.ahtPct, null);
  });
});

void describe('reports: dates in the organisation time zone', () => {
  void it('a day is local midnight to midnight, 23 hours on the spring DST change', () => {
    assert.equal(
      dayInterval('2026-03-14', 'Europe/Paris').interval,
      '2026-03-13T23:00:00.000Z/2026-03-14T23:00:00.000Z',
    );
    assert.equal(hoursOfDay('2026-03-29', 'Europe/Paris').length, 23);
    assert.equal(
      dayInterval('2026-07-01', 'America/New_York').interval,
      '2026-07-01T04:00:00.000Z/2026-07-02T04:00:00.000Z',
    );
    assert.equal(localDate(Date.parse('2026-03-14T23:30:00Z'), 'Europe/Paris'), '2026-03-15');
  });
  void it('calendar helpers', () => {
    assert.equal(addDays('2026-03-01', -1), '2026-02-28');
    assert.equal(sameDayLastYear('2028-02-29'), '2027-02-28');
    assert.equal(sameDayLastYear('2026-03-14'), '2025-03-14');
    assert.ok(isDate('2026-02-28'));
    assert.ok(!isDate('2026-02-30'));
    assert.ok(!isDate('26-02-01'));
  });
});

void describe('reports: charts and text', () => {
  void it('charts are SVG with escaped labels', () => {
    const svg = toSvg(serviceLevelByQueue([{ name: '<Sales & "VIP">', serviceLevel: 0.5 }], 0.8));
    assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.ok(svg.includes('&lt;Sales &amp; &quot;VIP&quot;&gt;'));
    assert.ok(!svg.includes('<Sales'));
    const bars = volumeByHour([
      { hour: '00', offered: 4 },
      { hour: '01', offered: 0 },
    ]).shapes.filter((s) => s.kind === 'path' && s.fill !== undefined);
    assert.equal(bars.length, 1, 'one bar for the one non-empty hour');
  });
  void it('the text report carries every KPI, the tables and the alerts', () => {
    const c = {
      ...emptyCounts(),
      offered: 50,
      answered: 45,
      abandoned: 5,
      slNumerator: 30,
      slDenominator: 50,
      handled: 45,
      handleMs: 45 * 720_000,
      answerCount: 45,
      answerWaitMs: 45 * 30_000,
      agents: 4,
    };
    const figures = {
      date: '2026-03-14',
      timezone: 'UTC',
      total: c,
      byQueue: [{ queueId: 'q', name: 'Billing', counts: c }],
      byMedia: [],
      hourly: [],
    };
    const r = buildReport(figures, defaultTargets, {}, [], 0);
    const text = fullText(r);
    for (const s of [
      '50 offered',
      '60.0%',
      '12:00',
      '0:30',
      '10.0%',
      'Agents: 4',
      'Billing',
      'AHT 12:00 above target 10:00',
    ])
      assert.ok(text.includes(s), s);
    assert.ok(summaryText(r).length < text.length);
  });
});
