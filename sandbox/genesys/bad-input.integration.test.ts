/**
 * Bad input to every route answers in the vendor's error shape with a 4xx, never a crash:
 * malformed JSON, wrong types, unknown ids, bad query parameters, missing or bad tokens.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startGenesysSandbox, type GenesysSandbox } from './index.ts';

const ERROR_KEYS = ['code', 'contextId', 'details', 'errors', 'message', 'messageParams', 'status'];

describe('bad input answers in the Genesys error shape', () => {
  let gc: GenesysSandbox;
  let token = '';
  let userId = '';
  let queueId = '';
  let contactId = '';
  let channelId = '';

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
    userId = gc.directory.usersSorted()[0]?.id ?? '';
    queueId = [...gc.directory.queues.keys()][0] ?? '';
    contactId = [...gc.contacts.contacts.keys()][0] ?? '';
    const ch = await fetch(`${gc.url}/api/v2/notifications/channels`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
    channelId = ((await ch.json()) as { id: string }).id;
  });
  after(async () => {
    await gc.close();
  });

  const call = async (method: string, path: string, body?: unknown, raw?: string) =>
    fetch(`${gc.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body !== undefined || raw !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(raw !== undefined ? { body: raw } : body !== undefined ? { body: JSON.stringify(body) } : {}),
    });

  const cases = (): [string, string, unknown?, string?][] => [
    ['GET', '/api/v2/users?pageSize=0'],
    ['GET', '/api/v2/users?pageSize=abc'],
    ['GET', '/api/v2/users?state=weird'],
    ['GET', '/api/v2/users?sortOrder=sideways'],
    ['GET', '/api/v2/users/nope'],
    ['GET', '/api/v2/users/nope/routingstatus'],
    ['PUT', `/api/v2/users/${userId}/routingstatus`, { status: 'INTERACTING' }],
    ['PUT', `/api/v2/users/${userId}/routingstatus`, undefined, '{not json'],
    ['GET', '/api/v2/users/nope/queues'],
    ['GET', '/api/v2/users/me'],
    ['GET', '/api/v2/users/nope/presences/purecloud'],
    ['PATCH', `/api/v2/users/${userId}/presences/purecloud`, {}],
    ['PATCH', `/api/v2/users/${userId}/presences/purecloud`, { presenceDefinition: { id: 'unknown' } }],
    ['PATCH', `/api/v2/users/${userId}/presences/purecloud`, []],
    [
      'PATCH',
      `/api/v2/users/${userId}/presences/purecloud`,
      { presenceDefinition: { id: 'Available' }, message: 5 },
    ],
    ['PATCH', '/api/v2/users/nope/presences/purecloud', { presenceDefinition: { id: 'Available' } }],
    ['GET', '/api/v2/users/presences/purecloud/bulk'],
    [
      'GET',
      `/api/v2/users/presences/purecloud/bulk?id=${Array.from({ length: 51 }, (_, i) => `u${i}`).join(',')}`,
    ],
    ['GET', '/api/v2/presence/definitions/nope'],
    ['GET', '/api/v2/routing/queues?pageNumber=-1'],
    ['GET', '/api/v2/routing/queues/nope'],
    ['GET', '/api/v2/routing/queues/nope/members'],
    ['GET', `/api/v2/routing/queues/${queueId}/members?joined=maybe`],
    ['POST', `/api/v2/routing/queues/${queueId}/members`, { id: 'x' }],
    ['POST', `/api/v2/routing/queues/${queueId}/members`, [{ id: 'no-such-user' }]],
    ['PATCH', `/api/v2/routing/queues/${queueId}/members`, [{ id: 'no-such-user', joined: true }]],
    ['PATCH', `/api/v2/routing/queues/${queueId}/members`, [{ id: userId, joined: 'yes' }]],
    ['GET', '/api/v2/routing/queues/nope/wrapupcodes'],
    ['GET', '/api/v2/routing/wrapupcodes/nope'],
    ['POST', '/api/v2/routing/wrapupcodes', { name: '' }],
    ['POST', '/api/v2/routing/wrapupcodes', { name: 'Resolved' }],
    ['DELETE', '/api/v2/routing/wrapupcodes/nope'],
    ['GET', '/api/v2/routing/skills/nope'],
    ['POST', '/api/v2/externalcontacts/contacts', 'a string'],
    ['POST', '/api/v2/externalcontacts/contacts', { firstName: 42 }],
    ['POST', '/api/v2/externalcontacts/contacts', { workEmail: 'nope' }],
    ['POST', '/api/v2/externalcontacts/contacts', { cellPhone: '+14155550142' }],
    [
      'POST',
      '/api/v2/externalcontacts/contacts',
      { externalIds: [{ externalSource: { id: 'unknown' }, value: 'x' }] },
    ],
    ['POST', '/api/v2/externalcontacts/contacts', { type: 'Weird' }],
    ['POST', '/api/v2/externalcontacts/contacts', undefined, '{"firstName":'],
    ['GET', '/api/v2/externalcontacts/contacts?pageSize=100&pageNumber=11'],
    ['GET', '/api/v2/externalcontacts/contacts?sortOrder=shoeSize:asc'],
    ['GET', '/api/v2/externalcontacts/contacts/nope'],
    ['PUT', '/api/v2/externalcontacts/contacts/nope', { lastName: 'x' }],
    ['PUT', `/api/v2/externalcontacts/contacts/${contactId}`, { lastName: ['x'] }],
    ['PATCH', `/api/v2/externalcontacts/contacts/${contactId}`, { changes: [] }],
    [
      'PATCH',
      `/api/v2/externalcontacts/contacts/${contactId}`,
      { changes: [{ field: 'firstName', action: 'Update', value: 'x' }] },
    ],
    [
      'PATCH',
      `/api/v2/externalcontacts/contacts/${contactId}`,
      { changes: [{ field: '$.firstName', action: 'Replace', value: 'x' }] },
    ],
    [
      'PATCH',
      `/api/v2/externalcontacts/contacts/${contactId}`,
      { changes: [{ field: '$.id', action: 'Update', value: 'x' }] },
    ],
    [
      'PATCH',
      `/api/v2/externalcontacts/contacts/${contactId}`,
      { changes: [{ field: '$.firstName', action: 'AppendToCollection', value: 'x' }] },
    ],
    [
      'PATCH',
      `/api/v2/externalcontacts/contacts/${contactId}`,
      { changes: [{ field: '$.firstName.inner', action: 'Update', value: 'x' }] },
    ],
    [
      'PATCH',
      `/api/v2/externalcontacts/contacts/${contactId}`,
      { changes: [{ field: '$.workEmail', action: 'Update', value: 'not-mail' }] },
    ],
    [
      'PATCH',
      '/api/v2/externalcontacts/contacts/nope',
      { changes: [{ field: '$.firstName', action: 'Update', value: 'x' }] },
    ],
    ['DELETE', '/api/v2/externalcontacts/contacts/nope'],
    ['GET', '/api/v2/externalcontacts/reversewhitepageslookup'],
    ['POST', '/api/v2/externalcontacts/identifierlookup/contacts', { type: 'Fax', value: '1' }],
    ['POST', '/api/v2/externalcontacts/identifierlookup/contacts', { type: 'Phone', value: '4155550142' }],
    [
      'POST',
      '/api/v2/externalcontacts/identifierlookup/contacts',
      { type: 'Email', value: 'nobody@nowhere.example' },
    ],
    ['GET', '/api/v2/externalcontacts/contacts/nope/identifiers'],
    [
      'PATCH',
      `/api/v2/externalcontacts/contacts/${contactId}/identifiers`,
      { operation: 'Steal', identifier: { type: 'Email', value: 'a@b.c' } },
    ],
    [
      'PATCH',
      `/api/v2/externalcontacts/contacts/${contactId}/identifiers`,
      { operation: 'Release', identifier: { type: 'Email', value: 'a@b.c' } },
    ],
    ['PATCH', `/api/v2/externalcontacts/contacts/${contactId}/identifiers`, { operation: 'Claim' }],
    ['POST', '/api/v2/externalcontacts/bulk/contacts/add', { entities: [] }],
    ['POST', '/api/v2/externalcontacts/bulk/contacts/add', { entities: 'x' }],
    ['POST', '/api/v2/externalcontacts/bulk/contacts/update', []],
    ['POST', '/api/v2/externalcontacts/bulk/contacts/remove', {}],
    [
      'POST',
      '/api/v2/externalcontacts/bulk/contacts',
      { entities: Array.from({ length: 101 }, () => ({ id: 'x' })) },
    ],
    ['POST', '/api/v2/externalcontacts/externalsources', { name: 7 }],
    ['POST', '/api/v2/externalcontacts/externalsources', { name: 'Salesforce' }],
    ['GET', '/api/v2/externalcontacts/externalsources?limit=9999'],
    ['GET', '/api/v2/externalcontacts/externalsources/nope'],
    ['PUT', '/api/v2/externalcontacts/externalsources/nope', { name: 'x' }],
    ['DELETE', '/api/v2/externalcontacts/externalsources/nope'],
    ['GET', '/api/v2/notifications/channels?includechannels=everything'],
    ['GET', '/api/v2/notifications/channels/nope/subscriptions'],
    ['PUT', `/api/v2/notifications/channels/${channelId}/subscriptions`, { id: 'v2.users.x.presence' }],
    ['PUT', `/api/v2/notifications/channels/${channelId}/subscriptions`, [{ nope: 1 }]],
    ['POST', `/api/v2/notifications/channels/${channelId}/subscriptions`, [{ id: 'v2.made.up' }]],
    ['DELETE', '/api/v2/notifications/channels/nope/subscriptions'],
    ['POST', '/api/v2/gdpr/requests', { requestType: 'GDPR_FORGET', subject: { name: 'x' } }],
    ['POST', '/api/v2/gdpr/requests', { requestType: 'GDPR_EXPORT' }],
    ['POST', '/api/v2/gdpr/requests', { requestType: 'GDPR_EXPORT', subject: { phoneNumbers: 'x' } }],
    ['POST', '/api/v2/gdpr/requests', { requestType: 'GDPR_DELETE', subject: { name: 'x' } }],
    ['POST', '/api/v2/gdpr/requests', { requestType: 'GDPR_UPDATE', subject: { name: 'x' } }],
    ['GET', '/api/v2/gdpr/requests/nope'],
    ['GET', '/api/v2/gdpr/requests?pageSize=1000'],
    ['GET', '/api/v2/gdpr/subjects?searchType=SHOE&searchValue=x'],
    ['GET', '/api/v2/gdpr/subjects?searchType=EMAIL'],
    ['GET', '/api/v2/no/such/route'],
  ];

  it('answers every bad request with a 4xx in the vendor shape', async () => {
    for (const [method, path, body, raw] of cases()) {
      const res = await call(method, path, body, raw);
      const label = `${method} ${path} ${raw ?? JSON.stringify(body) ?? ''}`.slice(0, 160);
      assert.ok(res.status >= 400 && res.status < 500, `${label} → ${res.status}`);
      const json = (await res.json()) as Record<string, unknown>;
      assert.deepEqual(Object.keys(json).sort(), ERROR_KEYS, label);
      assert.equal(json.status, res.status, label);
      assert.equal(typeof json.message, 'string', label);
      assert.equal(res.headers.get('inin-correlation-id'), json.contextId, label);
    }
  });

  it('answers missing and bad tokens with 401', async () => {
    const none = await fetch(`${gc.url}/api/v2/users`);
    assert.equal(none.status, 401);
    assert.equal(((await none.json()) as { code: string }).code, 'authentication.required');
    const bad = await fetch(`${gc.url}/api/v2/users`, { headers: { authorization: 'Bearer forged' } });
    assert.equal(bad.status, 401);
    assert.equal(((await bad.json()) as { code: string }).code, 'bad.credentials');
  });

  it('answers bad token requests in the OAuth error shape', async () => {
    for (const body of [
      'grant_type=password',
      'grant_type=client_credentials',
      'grant_type=authorization_code',
      'grant_type=refresh_token&client_id=x&refresh_token=y',
    ]) {
      const res = await fetch(`${gc.url}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
      });
      assert.ok(res.status === 400 || res.status === 401, body);
      assert.equal(typeof ((await res.json()) as { error: unknown }).error, 'string', body);
    }
    const json = await fetch(`${gc.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '[]',
    });
    assert.equal(json.status, 400);
  });

  it('refuses a WebSocket upgrade to an unknown channel', async () => {
    const { WebSocket } = await import('ws');
    const ws = new WebSocket(`${gc.wsUrl}/channels/unknown`);
    const status = await new Promise<number>((resolve) =>
      ws
        .on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0))
        .on('error', () => resolve(-1)),
    );
    assert.equal(status, 404);
  });
});
