import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { fixturePeople } from '../../test/fixtures/pii.ts';
import { DEFAULT_SORS_IDS, startCicSandbox, type CicSandbox } from './index.ts';

const [marguerite] = fixturePeople;
let cic: CicSandbox;

before(async () => {
  cic = await startCicSandbox();
});
after(async () => {
  await cic.close();
});
beforeEach(async () => {
  await fetch(`${cic.primaryUrl}/__sandbox/reset`, { method: 'POST' });
  await fetch(`${cic.switchoverUrl}/__sandbox/reset`, { method: 'POST' });
});

/** A minimal ICWS client: connection, then CSRF header + session cookie on every call. */
async function connect(base: string, userID = 'sors', password = 'sors-sandbox-password') {
  const res = await fetch(`${base}/icws/connection`, {
    method: 'POST',
    headers: { 'content-type': 'application/vnd.inin.icws+JSON', 'accept-language': 'en-us' },
    body: JSON.stringify({
      __type: 'urn:inin.com:connection:icAuthConnectionRequestSettings',
      applicationName: 'Patchbay',
      userID,
      password,
    }),
  });
  assert.equal(res.status, 201);
  const json = (await res.json()) as { csrfToken: string; sessionId: string; alternateHostList: string[] };
  assert.equal(res.headers.get('inin-icws-csrf-token'), json.csrfToken);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
  const call = async <T = unknown>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }> => {
    const r = await fetch(`${base}/icws/${json.sessionId}${path}`, {
      method,
      headers: {
        'ININ-ICWS-CSRF-Token': json.csrfToken,
        cookie,
        ...(body !== undefined ? { 'content-type': 'application/vnd.inin.icws+JSON' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await r.text();
    return { status: r.status, body: (text ? JSON.parse(text) : undefined) as T };
  };
  return { ...json, cookie, call };
}

type Entry = { interactionId: string; attributes: Record<string, string> };
type Msg = {
  __type: string;
  isDelta?: boolean;
  eventId?: string;
  data?: string[];
  interactionsAdded?: Entry[];
  interactionsChanged?: Entry[];
  interactionsRemoved?: string[];
};
const messages = async (c: Awaited<ReturnType<typeof connect>>) =>
  (await c.call<Msg[]>('GET', '/messaging/messages')).body;

const createCase = (c: Awaited<ReturnType<typeof connect>>, data: string[]) =>
  c.call('POST', '/system/handler-notification', {
    objectId: DEFAULT_SORS_IDS.objectId,
    eventId: DEFAULT_SORS_IDS.createEventId,
    data,
  });

const subscribeAll = async (c: Awaited<ReturnType<typeof connect>>) => {
  assert.equal(
    (
      await c.call('PUT', '/messaging/subscriptions/system/handler-sent-notifications', {
        headers: [
          {
            objectId: DEFAULT_SORS_IDS.objectId,
            eventIds: [DEFAULT_SORS_IDS.createdEventId, DEFAULT_SORS_IDS.failedEventId],
          },
        ],
      })
    ).status,
    204,
  );
  const sub = await c.call('PUT', '/messaging/subscriptions/queues/sors-1', {
    queueIds: [
      { queueType: 2, queueName: 'Support' },
      { queueType: 2, queueName: 'Billing' },
    ],
    attributeNames: ['Eic_State', 'Eic_UserName', 'SORS_CaseId', 'Eic_WorkgroupName'],
  });
  assert.equal(sub.status, 204);
};

void test('without the CSRF header or the session cookie, calls answer 401 in the ICWS shape', async () => {
  const c = await connect(cic.primaryUrl);
  const url = `${cic.primaryUrl}/icws/${c.sessionId}/messaging/messages`;
  for (const headers of [
    {},
    { cookie: c.cookie },
    { 'ININ-ICWS-CSRF-Token': c.csrfToken },
    { 'ININ-ICWS-CSRF-Token': 'wrong', cookie: c.cookie },
  ]) {
    const r = await fetch(url, { headers });
    assert.equal(r.status, 401);
    const b = (await r.json()) as { errorId: string; message: string };
    assert.equal(typeof b.errorId, 'string');
  }
  assert.equal((await fetch(`${cic.primaryUrl}/icws/999/messaging/messages`)).status, 401);
  assert.equal((await c.call('GET', '/messaging/messages')).status, 200);
});

void test('bad credentials and bad bodies are refused with 400', async () => {
  const post = (body: string) =>
    fetch(`${cic.primaryUrl}/icws/connection`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
  const bad = [
    JSON.stringify({
      __type: 'urn:inin.com:connection:icAuthConnectionRequestSettings',
      applicationName: 'x',
      userID: 'sors',
      password: 'nope',
    }),
    JSON.stringify({ applicationName: 'x', userID: 'sors', password: 'sors-sandbox-password' }),
    '{broken',
    '[]',
  ];
  for (const b of bad) {
    const r = await post(b);
    assert.equal(r.status, 400, b);
    assert.equal(typeof ((await r.json()) as { errorId: string }).errorId, 'string');
  }
  const c = await connect(cic.primaryUrl);
  const cases: [string, string, unknown, number][] = [
    ['POST', '/system/handler-notification', { objectId: 1, eventId: 'x', data: [] }, 400],
    ['POST', '/system/handler-notification', { objectId: 'o', eventId: 'e', data: [1] }, 400],
    ['PUT', '/messaging/subscriptions/system/handler-sent-notifications', { headers: 'x' }, 400],
    [
      'PUT',
      '/messaging/subscriptions/queues/s',
      { queueIds: [{ queueType: 7, queueName: 'x' }], attributeNames: [] },
      400,
    ],
    [
      'PUT',
      '/messaging/subscriptions/queues/s',
      { queueIds: [{ queueType: 2, queueName: 'Nope' }], attributeNames: [] },
      404,
    ],
    ['GET', '/interactions/123', undefined, 404],
    ['POST', '/interactions/123/disconnect', undefined, 404],
    ['PUT', '/status/user-statuses/agent.one', { statusId: 'Sleeping' }, 400],
    ['PUT', '/status/user-statuses/nobody', { statusId: 'Away' }, 404],
    ['GET', '/configuration/workgroups/Nope', undefined, 404],
    ['GET', '/not/a/route', undefined, 404],
  ];
  for (const [method, path, body, status] of cases) {
    const r = await c.call<{ errorId: string }>(method, path, body);
    assert.equal(r.status, status, `${method} ${path}`);
    assert.equal(typeof r.body.errorId, 'string', `${method} ${path}`);
  }
  // Unknown custom notifications are accepted and ignored: no handler listens to them.
  assert.equal(
    (await c.call('POST', '/system/handler-notification', { objectId: 'Other', eventId: 'x', data: [] }))
      .status,
    202,
  );
});

void test('a SORS notification creates an e-mail interaction, routed by skills, with queue and handler messages', async () => {
  const c = await connect(cic.primaryUrl);
  await subscribeAll(c);
  const initial = await messages(c);
  assert.deepEqual(
    initial.map((m) => [m.__type, m.isDelta]),
    [['urn:inin.com:queues:queueContentsMessage', false]],
  );

  assert.equal(
    (await createCase(c, ['500A1', 'Support', 'Spanish', 'Consulta', marguerite.email])).status,
    202,
  );
  const msgs = await messages(c);
  const created = msgs.find((m) => m.__type === 'urn:inin.com:system:handlerSentNotificationMessage');
  assert.deepEqual(created?.eventId, DEFAULT_SORS_IDS.createdEventId);
  const [caseId, interactionId] = created.data!;
  assert.equal(caseId, '500A1');
  const queue = msgs.filter((m) => m.__type === 'urn:inin.com:queues:queueContentsMessage');
  const added = queue.find((m) => m.interactionsAdded) as {
    interactionsAdded: { interactionId: string; attributes: Record<string, string> }[];
  };
  assert.equal(added.interactionsAdded[0]!.interactionId, interactionId);
  const changed = queue.find((m) => m.interactionsChanged) as {
    interactionsChanged: { attributes: Record<string, string> }[];
  };
  assert.deepEqual(changed.interactionsChanged[0]!.attributes, {
    Eic_State: 'A',
    Eic_UserName: 'agent.two',
    SORS_CaseId: '500A1',
    Eic_WorkgroupName: 'Support',
  });

  const attrs = await c.call<{ attributes: Record<string, string> }>(
    'GET',
    `/interactions/${interactionId}?select=Eic_State,Eic_UserName,Eic_RemoteAddress`,
  );
  assert.deepEqual(attrs.body.attributes, {
    Eic_State: 'A',
    Eic_UserName: 'agent.two',
    Eic_RemoteAddress: marguerite.email,
  });
});

void test('with nobody qualified the interaction queues, and is assigned when an agent becomes available', async () => {
  const c = await connect(cic.primaryUrl);
  await c.call('PUT', '/status/user-statuses/agent.one', { statusId: 'Away' });
  await subscribeAll(c);
  await messages(c);
  await createCase(c, ['500B2', 'Billing', 'Billing']);
  const [, interactionId] = (await messages(c)).find((m) => m.eventId === DEFAULT_SORS_IDS.createdEventId)!
    .data as string[];
  const queued = await c.call<{ attributes: Record<string, string> }>(
    'GET',
    `/interactions/${interactionId}?select=Eic_State`,
  );
  assert.equal(queued.body.attributes.Eic_State, 'O');

  assert.equal(
    (await c.call('PUT', '/status/user-statuses/agent.one', { statusId: 'Available' })).status,
    202,
  );
  const after = await c.call<{ attributes: Record<string, string> }>(
    'GET',
    `/interactions/${interactionId}?select=Eic_State,Eic_UserName`,
  );
  assert.deepEqual(after.body.attributes, { Eic_State: 'A', Eic_UserName: 'agent.one' });
  const status = await c.call<{ statusId: string }>('GET', '/status/user-statuses/agent.one');
  assert.equal(status.body.statusId, 'Available');
});

void test('an agent at capacity gets the next queued interaction when theirs is disconnected', async () => {
  const c = await connect(cic.primaryUrl);
  await subscribeAll(c);
  await createCase(c, ['500C1', 'Billing', '']);
  await createCase(c, ['500C2', 'Billing', '']);
  const created = (await messages(c))
    .filter((m) => m.eventId === DEFAULT_SORS_IDS.createdEventId)
    .map((m) => m.data![1]!);
  assert.equal(created.length, 2);
  const [first, second] = created as [string, string];
  const state = async (id: string) =>
    (await c.call<{ attributes: Record<string, string> }>('GET', `/interactions/${id}?select=Eic_State`)).body
      .attributes.Eic_State;
  assert.deepEqual([await state(first), await state(second)], ['A', 'O']);

  assert.equal(
    (await c.call('POST', `/interactions/${first}`, { attributes: { SF_ReplySent: 'true' } })).status,
    204,
  );
  const custom = await c.call<{ attributes: Record<string, string> }>(
    'GET',
    `/interactions/${first}?select=SF_ReplySent`,
  );
  assert.equal(custom.body.attributes.SF_ReplySent, 'true');

  await messages(c);
  assert.equal((await c.call('POST', `/interactions/${first}/disconnect`)).status, 204);
  assert.deepEqual([await state(first), await state(second)], ['E', 'A']);
  const after = await messages(c);
  assert.ok(
    after.some((m) => m.interactionsRemoved?.includes(first)),
    'the disconnected interaction is removed from the queue',
  );
});

void test('a repeated notification for an active case does not route it twice; a bad one is answered with the failure event', async () => {
  const c = await connect(cic.primaryUrl);
  await subscribeAll(c);
  await createCase(c, ['500D1', 'Support', '']);
  await createCase(c, ['500D1', 'Support', '']);
  await createCase(c, ['500D2', 'Nowhere', '']);
  const handler = (await messages(c)).filter(
    (m) => m.__type === 'urn:inin.com:system:handlerSentNotificationMessage',
  );
  assert.deepEqual(
    handler.map((m) => m.eventId),
    [DEFAULT_SORS_IDS.createdEventId, DEFAULT_SORS_IDS.createdEventId, DEFAULT_SORS_IDS.failedEventId],
  );
  assert.equal(handler[0]!.data![1], handler[1]!.data![1]);
  assert.equal(cic.state.interactions.size, 1);
});

void test('switchover: the primary can answer 503 or refuse; the switchover server shares state but not sessions', async () => {
  const p = await connect(cic.primaryUrl);
  assert.deepEqual(p.alternateHostList, [new URL(cic.switchoverUrl).host]);
  await createCase(p, ['500E1', 'Support', '']);
  assert.equal(cic.state.interactions.size, 1);
  const interactionId = [...cic.state.interactions.keys()][0]!;

  cic.failPrimary('503');
  const r = await p.call<{ errorId: string }>('GET', '/messaging/messages');
  assert.equal(r.status, 503);
  assert.equal(r.body.errorId, 'error.server.unavailable');

  const putRefuse = await fetch(`${cic.primaryUrl}/__sandbox/faults`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ rules: [{ refuseConnections: true }] }),
  });
  assert.equal(putRefuse.status, 200);
  await assert.rejects(fetch(`${cic.primaryUrl}/icws/connection`, { method: 'POST' }));

  // The primary's session is not valid on the switchover server: log in again there.
  const stale = await fetch(`${cic.switchoverUrl}/icws/${p.sessionId}/messaging/messages`, {
    headers: { 'ININ-ICWS-CSRF-Token': p.csrfToken, cookie: p.cookie },
  });
  assert.equal(stale.status, 401);
  const s = await connect(cic.switchoverUrl);
  const seen = await s.call<{ attributes: Record<string, string> }>(
    'GET',
    `/interactions/${interactionId}?select=SORS_CaseId`,
  );
  assert.equal(seen.body.attributes.SORS_CaseId, '500E1');
  assert.equal((await s.call('POST', `/interactions/${interactionId}/disconnect`)).status, 204);

  cic.failPrimary(null);
  const p2 = await connect(cic.primaryUrl);
  const back = await p2.call<{ attributes: Record<string, string> }>(
    'GET',
    `/interactions/${interactionId}?select=Eic_State`,
  );
  assert.equal(back.body.attributes.Eic_State, 'E');
});

void test('workgroups list members; users list skills', async () => {
  const c = await connect(cic.switchoverUrl);
  const wgs = await c.call<{ items: { configurationId: { id: string }; members: { id: string }[] }[] }>(
    'GET',
    '/configuration/workgroups',
  );
  assert.deepEqual(
    wgs.body.items.map((w) => [w.configurationId.id, w.members.map((m) => m.id)]),
    [
      ['Support', ['agent.one', 'agent.two']],
      ['Billing', ['agent.one']],
    ],
  );
  const u = await c.call<{ skills: { id: { id: string } }[] }>('GET', '/configuration/users/agent.two');
  assert.deepEqual(
    u.body.skills.map((s) => s.id.id),
    ['English', 'Spanish'],
  );
  assert.equal((await c.call('DELETE', '/connection')).status, 204);
  assert.equal((await c.call('GET', '/configuration/workgroups')).status, 401);
});
