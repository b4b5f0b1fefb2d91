import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { fixturePeople } from '../../test/fixtures/pii.ts';
import { startGenesysSandbox, type GenesysSandbox } from '../genesys/index.ts';
import { runSimulation } from './index.ts';

const START = Date.parse('2026-03-14T09:00:00Z');

void describe('simulator against the full Genesys emulator (startGenesysSandbox)', () => {
  let gc: GenesysSandbox;
  let token: string;
  before(async () => {
    gc = await startGenesysSandbox();
    const res = await fetch(`${gc.url}/oauth/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${gc.clientId}:${gc.clientSecret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
    });
    token = ((await res.json()) as { access_token: string }).access_token;
  });
  after(async () => gc.close());

  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${gc.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };

  void it('a notification channel over WebSocket receives customer.end for a simulated call; aggregates match the ground truth', async () => {
    const channel = await api('POST', '/api/v2/notifications/channels');
    assert.equal(channel.status, 200, JSON.stringify(channel.body));
    const ws = new WebSocket(channel.body.connectUri);
    const received: { topicName: string; eventBody: Record<string, unknown> }[] = [];
    ws.on('message', (data: Buffer) => received.push(JSON.parse(data.toString())));
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    let watched: string | undefined;

    const result = await runSimulation({
      genesys: { baseUrl: gc.url, clientId: gc.clientId, clientSecret: gc.clientSecret },
      seed: 7,
      callsPerMinute: 4,
      agents: 6,
      durationMs: 20 * 60_000,
      startAt: START,
      anis: fixturePeople.map((p) => p.phone),
      mediaMix: { voice: 1 },
      // Subscribe to the first call's end as it starts, as an agent desktop would.
      onAction: async (a, _i, conversationId) => {
        if (a.type !== 'start' || watched || !conversationId) return;
        watched = conversationId;
        const sub = await api('PUT', `/api/v2/notifications/channels/${channel.body.id}/subscriptions`, [
          { id: `v2.detail.events.conversation.${conversationId}.customer.end` },
        ]);
        assert.equal(sub.status, 200, JSON.stringify(sub.body));
      },
    });
    assert.deepEqual(result.errors, []);
    assert.equal(result.presence, 'applied');

    const deadline = Date.now() + 5_000;
    const isEnd = (m: { topicName: string }) =>
      m.topicName === `v2.detail.events.conversation.${watched}.customer.end`;
    while (!received.some(isEnd) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    ws.close();
    const end = received.find(isEnd);
    assert.ok(end, 'customer.end arrived over the WebSocket');
    assert.equal(end.eventBody.conversationId, watched);
    assert.equal(end.eventBody.mediaType, 'VOICE');

    const agg = await api('POST', '/api/v2/analytics/conversations/aggregates/query', {
      interval: `${new Date(START).toISOString()}/${new Date(result.endAt + 1).toISOString()}`,
      groupBy: ['queueId'],
      metrics: ['nOffered', 'nConnected', 'tAbandon', 'tHandle'],
    });
    assert.equal(agg.status, 200);
    for (const res of agg.body.results as {
      group: { queueId: string };
      data: { metrics: { metric: string; stats: Record<string, number> }[] }[];
    }[]) {
      const t = result.truth.byQueue[res.group.queueId]!;
      const m = Object.fromEntries(res.data[0]!.metrics.map((x) => [x.metric, x.stats]));
      assert.equal(m.nOffered?.count, t.offered);
      assert.equal(m.nConnected?.count ?? 0, t.answered);
      assert.equal(m.tAbandon?.count ?? 0, t.abandoned);
      assert.equal(m.tHandle?.sum ?? 0, t.handleMs);
    }
  });
});
