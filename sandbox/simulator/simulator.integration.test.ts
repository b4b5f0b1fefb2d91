import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fixturePeople } from '../../test/fixtures/pii.ts';
import { startHarness, type Harness } from '../genesys/conversations/test-harness.ts';
import { runSimulation, type SimulationResult } from './index.ts';

// Known contacts in mixed formats, a number two contacts share, and numbers no contact has.
const ANIS = [
  ...fixturePeople.map((p) => p.phone),
  fixturePeople[0].phoneNational,
  '+14155550142',
  '+15005550006',
  '+4930901820',
];
const START = Date.parse('2026-03-14T09:00:00Z');

void describe('simulator against the Genesys emulator (harness)', () => {
  let h: Harness;
  let result: SimulationResult;
  before(async () => {
    h = await startHarness({ users: 10, queues: 3 });
    result = await runSimulation({
      genesys: { baseUrl: h.url, clientId: 'sim', clientSecret: 'sim' },
      seed: 42,
      callsPerMinute: 8,
      agents: 8,
      talkMeanMs: 90_000,
      acwMeanMs: 20_000,
      durationMs: 30 * 60_000,
      startAt: START,
      anis: ANIS,
      emailAddresses: fixturePeople.map((p) => p.email),
      mediaMix: { voice: 0.7, email: 0.15, callback: 0.15 },
      transferProbability: 0.15,
    });
  });
  after(async () => h.close());

  void it('runs without control errors and changes presence through the API', () => {
    assert.deepEqual(result.errors, []);
    assert.equal(result.presence, 'applied');
    assert.ok(result.truth.conversations > 150, `conversations: ${result.truth.conversations}`);
    assert.ok(
      result.truth.totals.abandoned > 0 &&
        result.truth.totals.transferredOut > 0 &&
        result.truth.totals.holds > 0,
      'abandons, transfers and holds happen',
    );
    assert.ok(h.published.some((p) => /^v2\.users\..+\.presence$/.test(p.topicName)));
    for (const id of result.agentIds) assert.equal(h.presences.get(id), 'OFFLINE', 'signed off at the end');
  });

  void it('analytics aggregates match the ground truth exactly, per queue', async () => {
    const interval = `${new Date(START).toISOString()}/${new Date(result.endAt + 1).toISOString()}`;
    const r = await h.api('POST', '/api/v2/analytics/conversations/aggregates/query', {
      interval,
      groupBy: ['queueId'],
      metrics: [
        'nOffered',
        'nConnected',
        'tAbandon',
        'tAnswered',
        'tHandle',
        'tTalk',
        'tHeld',
        'tAcw',
        'nTransferred',
        'oServiceLevel',
      ],
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const byQueue = new Map<string, Map<string, Record<string, number>>>();
    for (const res of r.body.results) {
      assert.equal(res.data.length, 1, 'one bucket without granularity');
      byQueue.set(
        res.group.queueId,
        new Map(
          res.data[0].metrics.map((m: { metric: string; stats: Record<string, number> }) => [
            m.metric,
            m.stats,
          ]),
        ),
      );
    }
    for (const [queueId, t] of Object.entries(result.truth.byQueue)) {
      const m = byQueue.get(queueId);
      assert.ok(m, `queue ${queueId} present`);
      assert.equal(m.get('nOffered')?.count, t.offered, 'offered');
      assert.equal(m.get('nConnected')?.count, t.answered, 'answered');
      assert.equal(m.get('tAbandon')?.count ?? 0, t.abandoned, 'abandoned');
      assert.equal(m.get('tAbandon')?.sum ?? 0, t.abandonWaitMs, 'abandon wait');
      assert.equal(m.get('tAnswered')?.sum, t.answerWaitMs, 'answer wait');
      assert.equal(m.get('tHandle')?.count, t.handled, 'handled legs');
      assert.equal(m.get('tHandle')?.sum, t.handleMs, 'handle time');
      assert.equal(m.get('tTalk')?.sum, t.talkMs, 'talk');
      assert.equal(m.get('tHeld')?.sum ?? 0, t.heldMs, 'held');
      assert.equal(m.get('tAcw')?.sum, t.acwMs, 'acw');
      assert.equal(m.get('nTransferred')?.count ?? 0, t.transferredOut, 'transferred');
      const sl = m.get('oServiceLevel')!;
      assert.equal(sl.denominator, t.answered + t.abandoned);
    }
  });

  void it('groups by mediaType and wrapUpCode, and buckets by granularity', async () => {
    const interval = `${new Date(START).toISOString()}/${new Date(result.endAt + 1).toISOString()}`;
    const r = await h.api('POST', '/api/v2/analytics/conversations/aggregates/query', {
      interval,
      groupBy: ['mediaType'],
      metrics: ['nOffered', 'tHandle'],
    });
    for (const res of r.body.results) {
      const t = result.truth.byMediaType[res.group.mediaType as 'voice']!;
      const metrics = Object.fromEntries(
        res.data[0].metrics.map((m: { metric: string; stats: object }) => [m.metric, m.stats]),
      );
      assert.equal(metrics.nOffered.count, t.offered);
      assert.equal(metrics.tHandle?.sum ?? 0, t.handleMs);
    }
    const w = await h.api('POST', '/api/v2/analytics/conversations/aggregates/query', {
      interval,
      groupBy: ['wrapUpCode'],
      metrics: ['tHandle'],
      filter: { type: 'and', predicates: [{ dimension: 'purpose', value: 'agent' }] },
    });
    for (const res of w.body.results) {
      const t = result.truth.byWrapupCode[res.group.wrapUpCode]!;
      assert.equal(res.data[0].metrics[0].stats.count, t.handled);
      assert.equal(res.data[0].metrics[0].stats.sum, t.handleMs);
    }
    const g = await h.api('POST', '/api/v2/analytics/conversations/aggregates/query', {
      interval,
      granularity: 'PT30M',
      timeZone: 'Europe/Prague',
      metrics: ['nOffered'],
    });
    assert.equal(g.status, 200);
    const data = g.body.results[0].data as { interval: string; metrics: { stats: { count: number } }[] }[];
    assert.ok(data.length >= 2, 'more than one half-hour bucket');
    assert.equal(
      data[0]!.interval,
      `${new Date(START).toISOString()}/${new Date(START + 30 * 60_000).toISOString()}`,
    );
    assert.equal(
      data.reduce((s, d) => s + d.metrics[0]!.stats.count, 0),
      result.truth.totals.offered,
    );
  });

  void it('details query pages through the simulated conversations', async () => {
    const interval = `${new Date(START).toISOString()}/${new Date(result.endAt + 1).toISOString()}`;
    const seen = new Set<string>();
    let total: number;
    for (let page = 1; ; page++) {
      const r = await h.api('POST', '/api/v2/analytics/conversations/details/query', {
        interval,
        paging: { pageSize: 100, pageNumber: page },
      });
      assert.equal(r.status, 200);
      total = r.body.totalHits;
      if (!r.body.conversations) break;
      for (const c of r.body.conversations) seen.add(c.conversationId);
    }
    assert.equal(total, result.truth.conversations);
    assert.equal(seen.size, result.truth.conversations);
  });

  void it('publishes customer.end for simulated calls (through ctx.publish)', () => {
    const ends = h.published.filter((p) => p.topicName.endsWith('.customer.end'));
    assert.equal(ends.length, result.truth.conversations);
    const one = ends[0]!.eventBody as { conversationId: string };
    assert.ok(result.conversationIds.includes(one.conversationId));
  });

  void it('is deterministic: the same seed plans the same run', async () => {
    const h2 = await startHarness({ users: 10, queues: 3 });
    try {
      const again = await runSimulation({
        genesys: { baseUrl: h2.url },
        seed: 42,
        callsPerMinute: 8,
        agents: 8,
        talkMeanMs: 90_000,
        acwMeanMs: 20_000,
        durationMs: 30 * 60_000,
        startAt: START,
        anis: ANIS,
        emailAddresses: fixturePeople.map((p) => p.email),
        mediaMix: { voice: 0.7, email: 0.15, callback: 0.15 },
        transferProbability: 0.15,
      });
      assert.equal(again.presence, 'skipped (no credentials)');
      assert.deepEqual(Object.values(again.truth.byQueue), Object.values(result.truth.byQueue));
    } finally {
      await h2.close();
    }
  });
});
