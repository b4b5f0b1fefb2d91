/**
 * Notification channels through the official SDK and a `ws` client: presence events,
 * heartbeats, ping/pong, one socket per channel, the 20-channel limit, the 1,000-topic limit,
 * and expiry with `v2.system.socket_closing`.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, before, beforeEach, describe, it } from 'node:test';
import platformClient from 'purecloud-platform-client-v2';
import { WebSocket } from 'ws';
import { startGenesysSandbox, type GenesysSandbox } from '../index.ts';

interface Envelope {
  topicName: string;
  version?: string;
  eventBody: Record<string, unknown>;
  metadata?: { CorrelationId: string };
}

/** A socket that queues messages so a test can wait for the next one matching a predicate. */
async function connect(uri: string) {
  const ws = new WebSocket(uri);
  const queue: Envelope[] = [];
  const waiters: { pred: (e: Envelope) => boolean; resolve: (e: Envelope) => void }[] = [];
  ws.on('message', (data) => {
    const e = JSON.parse((data as Buffer).toString('utf8')) as Envelope;
    const i = waiters.findIndex((w) => w.pred(e));
    if (i >= 0) waiters.splice(i, 1)[0]?.resolve(e);
    else queue.push(e);
  });
  await once(ws, 'open');
  return {
    ws,
    next(pred: (e: Envelope) => boolean): Promise<Envelope> {
      const i = queue.findIndex(pred);
      if (i >= 0) return Promise.resolve(queue.splice(i, 1)[0] as Envelope);
      return new Promise((resolve) => waiters.push({ pred, resolve }));
    },
    closed: once(ws, 'close').then(([code]) => code as number),
  };
}

describe('notification channels over WebSocket', () => {
  let gc: GenesysSandbox;
  const client = platformClient.ApiClient.instance;
  const notifications = new platformClient.NotificationsApi();
  const presence = new platformClient.PresenceApi();
  const users = new platformClient.UsersApi();

  before(async () => {
    gc = await startGenesysSandbox({ heartbeatIntervalMs: 50, closingWarningMs: 0 });
    client.setGateway(gc.sdkGateway);
  });
  after(async () => {
    await gc.close();
  });
  let token = '';
  beforeEach(async () => {
    await gc.reset();
    token = (await client.loginClientCredentialsGrant(gc.clientId, gc.clientSecret)).accessToken;
  });

  it('delivers a presence change in the platform envelope, with heartbeats and pong', async () => {
    const channel = await notifications.postNotificationsChannels();
    assert.match(channel.connectUri ?? '', /^ws:\/\/127\.0\.0\.1:\d+\/channels\/streaming-/);
    assert.ok(channel.expires);
    const user = (await users.getUsers({ pageSize: 1 })).entities?.[0];
    assert.ok(user?.id && channel.id);
    const subs = await notifications.putNotificationsChannelSubscriptions(channel.id, [
      { id: `v2.users.${user.id}.presence` },
    ]);
    assert.deepEqual(
      subs.entities?.map((e) => e.id),
      [`v2.users.${user.id}.presence`],
    );

    const sock = await connect(channel.connectUri ?? '');
    const heartbeat = await sock.next(
      (e) => e.topicName === 'channel.metadata' && e.eventBody.message === 'WebSocket Heartbeat',
    );
    assert.equal(heartbeat.eventBody.message, 'WebSocket Heartbeat');
    sock.ws.send(JSON.stringify({ message: 'ping' }));
    assert.equal((await sock.next((e) => e.eventBody.message === 'pong')).topicName, 'channel.metadata');

    await presence.patchUserPresencesPurecloud(user.id, {
      presenceDefinition: { id: '6a3af858-942f-489d-9700-5f9bcdcdae9b' },
    });
    const event = await sock.next((e) => e.topicName === `v2.users.${user.id}.presence`);
    assert.equal(event.version, '2');
    assert.ok(event.metadata?.CorrelationId);
    assert.deepEqual(event.eventBody.presenceDefinition, {
      id: '6a3af858-942f-489d-9700-5f9bcdcdae9b',
      systemPresence: 'AVAILABLE',
    });
    assert.equal(event.eventBody.source, 'PURECLOUD');

    // Topics published by the conversations part through the seam reach the socket too.
    await notifications.postNotificationsChannelSubscriptions(channel.id, [
      { id: 'v2.detail.events.conversation.c-1.customer.end' },
    ]);
    gc.ctx.publish('v2.detail.events.conversation.c-1.customer.end', { conversationId: 'c-1' });
    assert.equal(
      (await sock.next((e) => e.topicName.endsWith('customer.end'))).eventBody.conversationId,
      'c-1',
    );
    assert.equal((await notifications.getNotificationsChannelSubscriptions(channel.id)).entities?.length, 2);
    sock.ws.close();
  });

  it('drops the first socket when a second connects to the same channel', async () => {
    const channel = await notifications.postNotificationsChannels();
    const first = await connect(channel.connectUri ?? '');
    const second = await connect(channel.connectUri ?? '');
    assert.equal(await first.closed, 4000);
    assert.equal(second.ws.readyState, WebSocket.OPEN);
    second.ws.close();
  });

  it('evicts the least recently used channel when a 21st is created', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) ids.push((await notifications.postNotificationsChannels()).id ?? '');
    const listed = await notifications.getNotificationsChannels({ includechannels: 'oauthclient' });
    assert.equal(listed.entities?.length, 20);
    const oldest = await connect(`${gc.wsUrl}/channels/${ids[0]}`);
    // The connected first channel is kept: unconnected channels go first, oldest last use first.
    await notifications.postNotificationsChannels();
    const after21 =
      (await notifications.getNotificationsChannels({ includechannels: 'oauthclient' })).entities?.map(
        (c) => c.id,
      ) ?? [];
    assert.equal(after21.length, 20);
    assert.ok(after21.includes(ids[0]));
    assert.ok(!after21.includes(ids[1]), 'the oldest unconnected channel was removed');
    // HEAD has no body, so the SDK rejects with nothing to inspect; ask over plain HTTP.
    const head = await fetch(`${gc.url}/api/v2/notifications/channels/${ids[1]}`, {
      method: 'HEAD',
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(head.status, 404);
    await notifications.headNotificationsChannel(ids[0] ?? '');
    oldest.ws.close();
  });

  it('refuses more than 1,000 topics on a channel with 400, and unknown topics unless ignoreErrors', async () => {
    const channel = await notifications.postNotificationsChannels();
    const id = channel.id ?? '';
    const topics = (n: number, from = 0) =>
      Array.from({ length: n }, (_, i) => ({ id: `v2.users.u${from + i}.presence` }));
    await assert.rejects(
      notifications.putNotificationsChannelSubscriptions(id, topics(1001)),
      (err: { status: number; code: string }) => err.status === 400 && err.code === 'bad.request',
    );
    await notifications.putNotificationsChannelSubscriptions(id, topics(1000));
    await assert.rejects(
      notifications.postNotificationsChannelSubscriptions(id, topics(1, 5000)),
      (err: { status: number }) => err.status === 400,
    );
    await notifications.deleteNotificationsChannelSubscriptions(id);
    assert.equal((await notifications.getNotificationsChannelSubscriptions(id)).entities?.length, 0);

    await assert.rejects(
      notifications.putNotificationsChannelSubscriptions(id, [{ id: 'v2.nonsense' }]),
      (err: { status: number }) => err.status === 400,
    );
    const partial = await notifications.putNotificationsChannelSubscriptions(
      id,
      [{ id: 'v2.nonsense' }, { id: 'v2.users.x?presence&routingStatus' }],
      { ignoreErrors: true },
    );
    assert.deepEqual(
      partial.entities?.map((e) => [e.id, e.state]),
      [
        ['v2.users.x.presence', 'Permitted'],
        ['v2.users.x.routingStatus', 'Permitted'],
        ['v2.nonsense', 'Rejected'],
      ],
    );
  });

  it('warns with v2.system.socket_closing and closes when a channel expires', async () => {
    let now = Date.now();
    const local = await startGenesysSandbox({
      now: () => now,
      channelLifetimeMs: 60_000,
      closingWarningMs: 10_000,
      heartbeatIntervalMs: 60_000,
    });
    try {
      const res = await fetch(`${local.url}/oauth/token`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${local.clientId}:${local.clientSecret}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: 'grant_type=client_credentials',
      });
      const { access_token } = (await res.json()) as { access_token: string };
      const ch = (await (
        await fetch(`${local.url}/api/v2/notifications/channels`, {
          method: 'POST',
          headers: { authorization: `Bearer ${access_token}` },
        })
      ).json()) as { connectUri: string; id: string };
      const sock = await connect(ch.connectUri);
      now += 55_000;
      local.tick();
      assert.equal(
        (await sock.next((e) => e.topicName === 'v2.system.socket_closing')).topicName,
        'v2.system.socket_closing',
      );
      assert.equal(sock.ws.readyState, WebSocket.OPEN, 'the warning comes before the close');
      now += 10_000;
      local.tick();
      assert.equal(await sock.closed, 1000);
      const head = await fetch(`${local.url}/api/v2/notifications/channels/${ch.id}`, {
        method: 'HEAD',
        headers: { authorization: `Bearer ${access_token}` },
      });
      assert.equal(head.status, 404);
    } finally {
      await local.close();
    }
  });

  it('drops sockets on demand after a closing warning, keeping the channel', async () => {
    const channel = await notifications.postNotificationsChannels();
    const sock = await connect(channel.connectUri ?? '');
    const res = await fetch(`${gc.url}/__sandbox/notifications/drop-sockets`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ channelId: channel.id }),
    });
    assert.deepEqual(await res.json(), { dropped: 1 });
    assert.equal(
      (await sock.next((e) => e.topicName === 'v2.system.socket_closing')).topicName,
      'v2.system.socket_closing',
    );
    assert.equal(await sock.closed, 1001);
    const again = await connect(channel.connectUri ?? '');
    again.ws.close();
  });
});
