import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import platformClient from 'purecloud-platform-client-v2';
import { fixturePeople } from '../../../test/fixtures/pii.ts';
import { HARNESS_TOKEN, startHarness, type Harness } from './test-harness.ts';

const [alice] = fixturePeople;
const T0 = Date.parse('2026-03-14T10:00:00Z');

void describe('conversations over HTTP (harness context)', () => {
  let h: Harness;
  let clock = T0;
  before(async () => {
    h = await startHarness({ now: () => clock });
  });
  after(async () => h.close());

  async function call(ani: string, at = T0) {
    const r = await h.api('POST', '/__sandbox/conversations', { ani, queueId: h.queues[0]!.id, at });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body as { id: string; participants: { id: string; purpose: string }[] };
  }

  void it('runs a call through answer, hold, disconnect and wrap-up, and the official SDK reads it', async () => {
    const c = await call(alice.phone);
    const agent = h.users[0]!;
    assert.equal(
      (await h.api('POST', `/__sandbox/conversations/${c.id}/answer`, { userId: agent.id, at: T0 + 5_000 }))
        .status,
      200,
    );
    assert.equal(
      (await h.api('POST', `/__sandbox/conversations/${c.id}/hold`, { at: T0 + 65_000 })).status,
      200,
    );
    assert.equal(
      (await h.api('POST', `/__sandbox/conversations/${c.id}/resume`, { at: T0 + 95_000 })).status,
      200,
    );
    assert.equal(
      (
        await h.api('POST', `/__sandbox/conversations/${c.id}/disconnect`, {
          by: 'customer',
          at: T0 + 185_000,
        })
      ).status,
      200,
    );
    const code = h.wrapupCodes[0]!;
    const w = await h.api('POST', `/__sandbox/conversations/${c.id}/wrapup`, {
      code: code.id,
      notes: 'ok',
      at: T0 + 215_000,
    });
    assert.equal(w.status, 200);

    const client = platformClient.ApiClient.instance;
    const port = Number(new URL(h.url).port);
    client.setGateway({ host: '127.0.0.1', protocol: 'http', port });
    client.setAccessToken(HARNESS_TOKEN);
    const conv = await new platformClient.ConversationsApi().getConversation(c.id);
    assert.equal(conv.id, c.id);
    assert.equal(conv.startTime, new Date(T0).toISOString());
    assert.equal(conv.endTime, new Date(T0 + 185_000).toISOString());
    const byPurpose = (p: string) => conv.participants.filter((x) => x.purpose === p);
    assert.equal(byPurpose('customer')[0]?.ani, alice.phone);
    assert.equal(byPurpose('acd')[0]?.queueId, h.queues[0]!.id);
    const a = byPurpose('agent')[0]!;
    assert.equal(a.userId, agent.id);
    assert.equal(a.wrapup?.code, code.id);
    assert.equal(a.wrapup?.notes, 'ok');
    assert.equal(a.wrapup?.durationSeconds, 30);
    const segs = a.calls?.[0]?.segments?.map((s) => s.type);
    assert.deepEqual(segs, ['interact', 'hold', 'interact', 'wrapup']);

    const call2 = await new platformClient.ConversationsApi().getConversationsCall(c.id);
    assert.equal(call2.participants?.find((p) => p.purpose === 'agent')?.user?.id, agent.id);

    // Notifications: conversation changes to the user and queue topics, detail events at the end.
    const topics = h.published.map((p) => p.topicName);
    assert.ok(topics.includes(`v2.users.${agent.id}.conversations`));
    assert.ok(topics.includes(`v2.routing.queues.${h.queues[0]!.id}.conversations`));
    const end = h.published.find((p) => p.topicName === `v2.detail.events.conversation.${c.id}.customer.end`);
    assert.ok(end, 'customer.end published');
    const body = end.eventBody as Record<string, unknown>;
    assert.equal(body.conversationId, c.id);
    assert.equal(body.disconnectType, 'ENDPOINT');
    assert.equal(body.mediaType, 'VOICE');
    assert.equal(body.ani, `tel:${alice.phone}`);
    assert.equal(body.eventTime, T0 + 185_000);
    const userEnd = h.published.find((p) => p.topicName === `v2.detail.events.conversation.${c.id}.user.end`)
      ?.eventBody as Record<string, unknown>;
    assert.equal(userEnd.userId, agent.id);
    assert.equal(userEnd.heldDurationMs, 30_000);
    const acw = h.published.find((p) => p.topicName === `v2.detail.events.conversation.${c.id}.acw`)
      ?.eventBody as Record<string, unknown>;
    assert.equal(acw.wrapupCode, code.id);
    assert.equal(acw.wrapupDurationMs, 30_000);
  });

  void it('sets participant attributes with PATCH and shows them on the conversation', async () => {
    const c = await call(alice.phone);
    const customer = c.participants.find((p) => p.purpose === 'customer')!;
    const r = await h.api('PATCH', `/api/v2/conversations/${c.id}/participants/${customer.id}/attributes`, {
      attributes: { case_id: '500xx01' },
    });
    assert.equal(r.status, 202);
    const got = await h.api('GET', `/api/v2/conversations/${c.id}`);
    assert.equal(
      got.body.participants.find((p: { purpose: string }) => p.purpose === 'customer').attributes.case_id,
      '500xx01',
    );
    const viaCalls = await h.api(
      'PATCH',
      `/api/v2/conversations/calls/${c.id}/participants/${customer.id}/attributes`,
      { attributes: { note: 'x' } },
    );
    assert.equal(viaCalls.status, 200);
    assert.deepEqual(viaCalls.body.attributes, { case_id: '500xx01', note: 'x' });
  });

  void it('serves recordings through signed URLs that expire, and deletes them when deleteDate is due', async () => {
    const c = await call(alice.phone);
    await h.api('POST', `/__sandbox/conversations/${c.id}/answer`, {
      userId: h.users[1]!.id,
      at: T0 + 1_000,
    });
    const during = await h.api('GET', `/api/v2/conversations/${c.id}/recordings`);
    assert.equal(during.status, 202, 'not available while the call is recorded');
    await h.api('POST', `/__sandbox/conversations/${c.id}/disconnect`, { by: 'agent', at: T0 + 61_000 });
    const list = await h.api('GET', `/api/v2/conversations/${c.id}/recordings?formatId=WAV`);
    assert.equal(list.status, 200);
    assert.equal(list.body.length, 1);
    const rec = list.body[0];
    assert.equal(rec.conversationId, c.id);
    assert.equal(rec.outputDurationMs, 60_000);
    const media = await fetch(rec.mediaUris.S.mediaUri);
    assert.equal(media.status, 200);
    assert.equal(media.headers.get('content-type'), 'audio/wav');
    assert.equal(
      Buffer.from(await media.arrayBuffer())
        .subarray(0, 4)
        .toString(),
      'RIFF',
    );
    const tampered = await fetch(
      rec.mediaUris.S.mediaUri.replace(/X-Amz-Deadline=\d+/, 'X-Amz-Deadline=9999999999'),
    );
    assert.equal(tampered.status, 403);

    clock += 3601_000; // past the default 1 h URL lifetime
    const expired = await fetch(rec.mediaUris.S.mediaUri);
    assert.equal(expired.status, 403);
    assert.match(await expired.text(), /Request has expired/);

    const put = await h.api('PUT', `/api/v2/conversations/${c.id}/recordings/${rec.id}`, {
      deleteDate: new Date(clock + 60_000).toISOString(),
    });
    assert.equal(put.status, 200);
    assert.equal(put.body.deleteDate, new Date(clock + 60_000).toISOString());
    assert.equal((await h.api('GET', `/api/v2/conversations/${c.id}/recordings/${rec.id}`)).status, 200);
    clock += 61_000;
    assert.equal((await h.api('GET', `/api/v2/conversations/${c.id}/recordings/${rec.id}`)).status, 404);
    assert.deepEqual((await h.api('GET', `/api/v2/conversations/${c.id}/recordings`)).body, []);
  });

  void it('handles e-mails, abandons and transfers', async () => {
    const email = await h.api('POST', '/__sandbox/conversations', {
      mediaType: 'email',
      from: alice.email,
      subject: 'Card blocked',
      queueId: h.queues[0]!.id,
      at: T0,
    });
    assert.equal(email.status, 201);
    assert.equal((await h.api('GET', `/api/v2/conversations/emails/${email.body.id}`)).status, 200);
    assert.equal((await h.api('GET', `/api/v2/conversations/calls/${email.body.id}`)).status, 404);

    const ab = await call(alice.phone);
    const abandoned = await h.api('POST', `/__sandbox/conversations/${ab.id}/abandon`, { at: T0 + 30_000 });
    assert.equal(abandoned.status, 200);
    assert.equal(abandoned.body.state, 'disconnected');

    const tr = await call(alice.phone);
    await h.api('POST', `/__sandbox/conversations/${tr.id}/answer`, {
      userId: h.users[2]!.id,
      at: T0 + 2_000,
    });
    const t = await h.api('POST', `/__sandbox/conversations/${tr.id}/transfer`, {
      queueId: h.queues[1]!.id,
      at: T0 + 40_000,
    });
    assert.equal(t.status, 200);
    const acds = t.body.participants.filter((p: { purpose: string }) => p.purpose === 'acd');
    assert.deepEqual(
      acds.map((p: { queueId: string }) => p.queueId),
      [h.queues[0]!.id, h.queues[1]!.id],
    );
    assert.equal(
      t.body.participants.find((p: { purpose: string }) => p.purpose === 'agent').calls[0].disconnectType,
      'transfer',
    );
  });

  void it('an alert step rings the agent (participant alerting) before they answer; a caller who leaves stops it', async () => {
    const c = await call(alice.phone);
    const [agent, other] = [h.users[0]!, h.users[1]!];
    const agentLeg = (body: unknown) =>
      (
        body as {
          participants: { id: string; purpose: string; state: string; calls?: { state: string }[] }[];
        }
      ).participants.find((p) => p.purpose === 'agent');
    const alerted = await h.api('POST', `/__sandbox/conversations/${c.id}/alert`, {
      userId: agent.id,
      at: T0 + 3_000,
    });
    assert.equal(alerted.status, 200);
    // The agent's own topic hears of the ringing call, as a desktop client would.
    const note = h.published.findLast((p) => p.topicName === `v2.users.${agent.id}.conversations`);
    const ringing = agentLeg(note?.eventBody);
    assert.equal(ringing?.calls?.[0]?.state ?? ringing?.state, 'alerting');
    assert.equal(
      (await h.api('POST', `/__sandbox/conversations/${c.id}/answer`, { userId: other.id, at: T0 + 4_000 }))
        .status,
      409,
    );
    const answered = await h.api('POST', `/__sandbox/conversations/${c.id}/answer`, {
      userId: agent.id,
      at: T0 + 5_000,
    });
    assert.equal(answered.status, 200);
    const connected = agentLeg(answered.body);
    assert.equal(connected?.id, ringing?.id, 'the ringing leg is the one that connects');
    assert.equal(connected?.calls?.[0]?.state ?? connected?.state, 'connected');
    await h.api('POST', `/__sandbox/conversations/${c.id}/disconnect`, { by: 'agent', at: T0 + 65_000 });
    const userEnd = h.published.find((p) => p.topicName === `v2.detail.events.conversation.${c.id}.user.end`);
    assert.equal((userEnd?.eventBody as { alertingDurationMs: number }).alertingDurationMs, 2_000);

    // Rings, then the caller hangs up: the conversation ends with no wrap-up owed.
    const left = await call(alice.phone);
    await h.api('POST', `/__sandbox/conversations/${left.id}/alert`, { userId: agent.id, at: T0 + 1_000 });
    const gone = await h.api('POST', `/__sandbox/conversations/${left.id}/abandon`, { at: T0 + 9_000 });
    assert.equal(gone.status, 200);
    assert.equal(agentLeg(gone.body)?.calls?.[0]?.state ?? agentLeg(gone.body)?.state, 'disconnected');
    const code = h.wrapupCodes[0]!;
    const wrap = await h.api('POST', `/__sandbox/conversations/${left.id}/wrapup`, {
      code: code.id,
      at: T0 + 10_000,
    });
    assert.equal(wrap.status, 409, 'a leg that only rang owes no wrap-up');
  });
});
