import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { escapeHtml } from './page.ts';
import { backoffMs, Board, normaliseStatus, parseEnvelope, planChannels, topicsFor } from './model.ts';

void describe('presence model', () => {
  void it('plans channels within 1,000 topics each and at most 19 channels', () => {
    const ids = Array.from({ length: 1001 }, (_, i) => `u${i}`);
    const plan = planChannels(ids);
    assert.deepEqual(
      plan.channels.map((c) => c.length * topicsFor('x').length),
      [1000, 1000, 2],
    );
    assert.deepEqual(plan.uncovered, []);
    const big = planChannels(Array.from({ length: 10_000 }, (_, i) => `u${i}`));
    assert.equal(big.channels.length, 19);
    assert.equal(big.uncovered.length, 500, 'beyond the limits, agents are polled');
  });
  void it('parses presence, routing status, heartbeats and socket_closing', () => {
    assert.deepEqual(
      parseEnvelope(
        JSON.stringify({
          topicName: 'v2.users.u1.presence',
          eventBody: {
            presenceDefinition: { systemPresence: 'ON_QUEUE' },
            modifiedDate: '2026-03-14T09:00:00.000Z',
          },
        }),
        0,
      ),
      { kind: 'presence', userId: 'u1', status: 'ON_QUEUE', since: Date.parse('2026-03-14T09:00:00Z') },
    );
    assert.equal(parseEnvelope('{"topicName":"v2.system.socket_closing"}', 0).kind, 'closing');
    assert.equal(
      parseEnvelope('{"topicName":"channel.metadata","eventBody":{"message":"WebSocket Heartbeat"}}', 0).kind,
      'heartbeat',
    );
    assert.deepEqual(
      parseEnvelope(
        '{"topicName":"v2.users.u2.routingStatus","eventBody":{"routingStatus":{"status":"IDLE"}}}',
        5,
      ),
      {
        kind: 'routingStatus',
        userId: 'u2',
        routingStatus: 'IDLE',
        since: 5,
      },
    );
    assert.throws(() => parseEnvelope('not json', 0));
    assert.equal(normaliseStatus('On Queue'), 'ON_QUEUE');
  });
  void it('the board reports only real changes', () => {
    const b = new Board();
    b.agents.set('u1', {
      id: 'u1',
      name: 'A',
      team: '',
      queues: [],
      status: 'AVAILABLE',
      routingStatus: '',
      since: 0,
    });
    assert.equal(b.apply({ kind: 'presence', userId: 'u1', status: 'AVAILABLE', since: 10 }), undefined);
    assert.equal(b.apply({ kind: 'presence', userId: 'u1', status: 'BREAK', since: 10 })?.status, 'BREAK');
    assert.equal(b.apply({ kind: 'presence', userId: 'nobody', status: 'BREAK', since: 10 }), undefined);
  });
  void it('backs off with jitter up to 30 s; escapes names', () => {
    assert.equal(
      backoffMs(1, () => 0.5),
      500,
    );
    assert.equal(
      backoffMs(20, () => 0.5),
      30_000,
    );
    assert.equal(escapeHtml('<img src=x onerror="a">'), '&lt;img src=x onerror=&quot;a&quot;&gt;');
  });
});
