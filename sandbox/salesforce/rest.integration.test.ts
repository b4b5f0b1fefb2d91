import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import jsforce, { type Connection } from 'jsforce';
import { fixturePeople } from '../../test/fixtures/pii.ts';
import { startSalesforceSandbox, type SalesforceSandbox } from './index.ts';
import { jsforceClient } from '../../test/support/jsforce.ts';

let sb: SalesforceSandbox;
let conn: Connection;

const connect = async (): Promise<Connection> => {
  const c = await jsforceClient(sb.url, sb);
  return c;
};

const errorCode = async (p: PromiseLike<unknown>): Promise<string> => {
  try {
    await p;
  } catch (e) {
    return (e as { errorCode?: string; name?: string }).errorCode ?? (e as Error).name;
  }
  return 'no error';
};

before(async () => {
  sb = await startSalesforceSandbox({ seed: { accounts: 10, contactsPerAccount: 50 } });
  conn = await connect();
});
after(async () => sb.close());

void test('client credentials and JWT bearer login; a bad secret is invalid_client', async () => {
  assert.ok(conn.accessToken);
  assert.equal(conn.instanceUrl, sb.url);
  const jwt = new jsforce.Connection({
    instanceUrl: sb.url,
    version: '65.0',
    oauth2: { loginUrl: sb.url, clientId: sb.clientId },
  });
  await jwt.authorize({
    grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
    assertion: sb.jwtAssertion(),
  });
  const me = await jwt.query<{ Username: string }>(
    `SELECT Username FROM User WHERE Username = '${sb.username}'`,
  );
  assert.equal(me.totalSize, 1);
  const res = await fetch(`${sb.url}/services/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: sb.clientId,
      client_secret: 'wrong',
    }),
  });
  assert.equal(res.status, 400);
  assert.equal(((await res.json()) as { error: string }).error, 'invalid_client');
  const good = sb.jwtAssertion();
  // Change a character inside the signature (the last one can carry only padding bits).
  const at = good.lastIndexOf('.') + 10;
  const tampered = good.slice(0, at) + (good[at] === 'A' ? 'B' : 'A') + good.slice(at + 1);
  const bad = await fetch(`${sb.url}/services/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
      assertion: tampered,
    }),
  });
  assert.deepEqual(await bad.json(), { error: 'invalid_grant', error_description: 'invalid assertion' });
});

void test('session expiry: 401 INVALID_SESSION_ID, and a custom refreshFn re-authorizes transparently', async () => {
  const c = new jsforce.Connection({
    instanceUrl: sb.url,
    version: '65.0',
    oauth2: { loginUrl: sb.url, clientId: sb.clientId, clientSecret: sb.clientSecret },
    refreshFn: (cn, callback) => {
      void cn.oauth2.authenticate('', '').catch(() => undefined);
      fetch(`${sb.url}/services/oauth2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: sb.clientId,
          client_secret: sb.clientSecret,
        }),
      })
        .then(async (r) => {
          const body = (await r.json()) as { access_token: string };
          callback(null, body.access_token);
        })
        .catch((e: Error) => callback(e));
    },
  });
  await c.authorize({ grant_type: 'client_credentials' });
  const raw = await fetch(`${sb.url}/services/data/v65.0/limits`, {
    headers: { authorization: 'Bearer nope' },
  });
  assert.equal(raw.status, 401);
  assert.deepEqual(await raw.json(), [
    { message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' },
  ]);
  const ctl = await fetch(`${sb.url}/__sandbox/auth/expire`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
  assert.ok(((await ctl.json()) as { expired: number }).expired >= 1);
  const r = await c.query('SELECT COUNT() FROM Account');
  assert.equal(r.totalSize, 10);
  conn = await connect();
});

void test('query with autoFetch walks 3+ pages of batchSize 200; queryAll sees a deleted record', async () => {
  const r = await conn.query('SELECT Id, Name FROM Contact', {
    autoFetch: true,
    maxFetch: 10_000,
    headers: { 'Sforce-Query-Options': 'batchSize=200' },
  });
  assert.equal(r.totalSize, 500);
  assert.equal(r.records.length, 500);
  const pages = (await (
    await fetch(`${sb.url}/__sandbox/requests?pathPrefix=/services/data/v65.0/query/`)
  ).json()) as { requests: unknown[] };
  assert.equal(pages.requests.length, 2, 'two nextRecordsUrl pages after the first');
  const victim = await conn.sobject('Contact').create({ LastName: 'Deleted-Later' });
  await conn.sobject('Contact').destroy(victim.id!);
  const live = await conn.query(`SELECT Id FROM Contact WHERE Id = '${victim.id!}'`);
  assert.equal(live.totalSize, 0);
  const all = await conn.query<{ Id: string; IsDeleted: boolean }>(
    `SELECT Id, IsDeleted FROM Contact WHERE Id = '${victim.id!}'`,
    { scanAll: true },
  );
  assert.equal(all.records[0]?.IsDeleted, true);
});

void test('SOSL phone search finds a contact whatever the stored format; Apex contact-lookup normalises', async () => {
  const p = fixturePeople[0];
  const created = await conn
    .sobject('Contact')
    .create({ FirstName: p.firstName, LastName: p.lastName, Phone: p.phoneNational, Email: p.email });
  const found = await conn.search(
    `FIND {${p.phone.slice(2)}} IN PHONE FIELDS RETURNING Contact(Id, Name, Phone)`,
  );
  assert.ok(found.searchRecords.some((r) => r.Id === created.id));
  const byMail = await conn.search(`FIND {${p.email}} IN EMAIL FIELDS RETURNING Contact(Id)`);
  assert.deepEqual(
    byMail.searchRecords.map((r) => r.Id),
    [created.id],
  );
  await conn.sobject('Contact').update({ Id: created.id!, MobilePhone: p.phone });
  const apex = await conn.apex.post<{ success: boolean; contactId: string }>('/contact-lookup', {
    phoneNumber: p.phoneNational,
  });
  assert.equal(apex.success, true);
  assert.equal(apex.contactId, created.id);
  assert.deepEqual(await conn.apex.post('/contact-lookup', { phoneNumber: '000' }), { success: false });
});

void test('CRUD and upsert by external ID: 201 created, 200 updated, 300 multiple matches', async () => {
  const c = conn.sobject('Contact');
  const r = await c.create({ LastName: 'Crud', Email: 'crud@example.com' });
  assert.equal(r.success, true);
  await c.update({ Id: r.id, Title: 'Manager' });
  const got = await c.retrieve(r.id);
  assert.equal(got.Title, 'Manager');
  await c.destroy(r.id);
  assert.equal(await errorCode(c.retrieve(r.id)), 'NOT_FOUND');

  const t = conn.sobject('Task');
  const created = await t.upsert(
    { Conversation_Id__c: 'conv-1', Subject: 'Call', Status: 'Completed' },
    'Conversation_Id__c',
  );
  assert.equal((created as { created: boolean }).created, true);
  const updated = await t.upsert(
    { Conversation_Id__c: 'conv-1', Subject: 'Call (edited)' },
    'Conversation_Id__c',
  );
  assert.equal((updated as { created: boolean }).created, false);
  // Contact_Id__c on the consent object is indexed but not unique: two records share a value.
  const consent = conn.sobject('Contact_Consent__c');
  await consent.create([{ Contact_Id__c: 'g-1' }, { Contact_Id__c: 'g-1' }]);
  sb.org.schema.field(sb.org.schema.object('Contact_Consent__c')!, 'Contact_Id__c')!.externalId = true;
  assert.equal(
    await errorCode(consent.upsert({ Contact_Id__c: 'g-1', Consent_Given__c: true }, 'Contact_Id__c')),
    'MULTIPLE_CHOICES',
  );
});

void test('Collections: 200 records with allOrNone true roll back on one bad record, false saves the rest, 201 is refused', async () => {
  const good = (i: number) => ({ type: 'Contact', LastName: `Bulk-${i}` });
  const batch = Array.from({ length: 200 }, (_, i) =>
    i === 57 ? { type: 'Contact', FirstName: 'NoLastName' } : good(i),
  );
  const before = (await conn.query('SELECT COUNT() FROM Contact')).totalSize;
  const rolled = await conn.sobject('Contact').create(
    batch.map(({ type: _t, ...r }) => r),
    { allOrNone: true },
  );
  assert.equal(rolled.filter((r) => r.success).length, 0);
  assert.equal(
    (rolled[57] as { errors: { statusCode: string }[] }).errors[0]?.statusCode,
    'REQUIRED_FIELD_MISSING',
  );
  assert.equal(
    (rolled[0] as { errors: { statusCode: string }[] }).errors[0]?.statusCode,
    'ALL_OR_NONE_OPERATION_ROLLED_BACK',
  );
  assert.equal((await conn.query('SELECT COUNT() FROM Contact')).totalSize, before);
  const partial = await conn.sobject('Contact').create(
    batch.map(({ type: _t, ...r }) => r),
    { allOrNone: false },
  );
  assert.equal(partial.filter((r) => r.success).length, 199);
  assert.equal((await conn.query('SELECT COUNT() FROM Contact')).totalSize, before + 199);
  const tooMany = await fetch(`${sb.url}/services/data/v65.0/composite/sobjects`, {
    method: 'POST',
    headers: { authorization: `Bearer ${conn.accessToken!}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      allOrNone: false,
      records: Array.from({ length: 201 }, (_, i) => ({
        attributes: { type: 'Contact' },
        LastName: `x${i}`,
      })),
    }),
  });
  assert.equal(tooMany.status, 400);
  assert.equal(((await tooMany.json()) as { errorCode: string }[])[0]?.errorCode, 'EXCEEDED_ID_LIMIT');
});

void test('Composite with @{ref.id} references, and allOrNone rolls everything back', async () => {
  const res = await conn.request<{ compositeResponse: { httpStatusCode: number; body: { id?: string } }[] }>({
    method: 'POST',
    url: '/services/data/v65.0/composite',
    body: JSON.stringify({
      allOrNone: true,
      compositeRequest: [
        {
          method: 'POST',
          url: '/services/data/v65.0/sobjects/Account',
          referenceId: 'acc',
          body: { Name: 'Composite Co' },
        },
        {
          method: 'POST',
          url: '/services/data/v65.0/sobjects/Contact',
          referenceId: 'con',
          body: { LastName: 'Ref', AccountId: '@{acc.id}' },
        },
        {
          method: 'GET',
          url: '/services/data/v65.0/sobjects/Contact/@{con.id}?fields=AccountId',
          referenceId: 'get',
        },
      ],
    }),
    headers: { 'content-type': 'application/json' },
  });
  const [acc, , get] = res.compositeResponse;
  assert.equal(acc?.httpStatusCode, 201);
  assert.equal((get?.body as { AccountId: string }).AccountId, acc?.body.id);
  const failing = await conn.request<{ compositeResponse: { httpStatusCode: number }[] }>({
    method: 'POST',
    url: '/services/data/v65.0/composite',
    body: JSON.stringify({
      allOrNone: true,
      compositeRequest: [
        {
          method: 'POST',
          url: '/services/data/v65.0/sobjects/Account',
          referenceId: 'a',
          body: { Name: 'Never Saved Co' },
        },
        {
          method: 'POST',
          url: '/services/data/v65.0/sobjects/Contact',
          referenceId: 'b',
          body: { FirstName: 'no last name' },
        },
      ],
    }),
    headers: { 'content-type': 'application/json' },
  });
  assert.deepEqual(
    failing.compositeResponse.map((r) => r.httpStatusCode),
    [400, 400],
  );
  assert.equal((await conn.query("SELECT COUNT() FROM Account WHERE Name = 'Never Saved Co'")).totalSize, 0);
});

void test('error shapes: MALFORMED_QUERY (LAST_N_MINUTES), INVALID_FIELD_FOR_INSERT_UPDATE, REQUIRED_FIELD_MISSING, NOT_FOUND', async () => {
  const raw = await fetch(
    `${sb.url}/services/data/v65.0/query?q=${encodeURIComponent('SELECT Id FROM Contact WHERE LastModifiedDate >= LAST_N_MINUTES:30')}`,
    {
      headers: { authorization: `Bearer ${conn.accessToken!}` },
    },
  );
  assert.equal(raw.status, 400);
  const body = (await raw.json()) as { errorCode: string; message: string }[];
  assert.equal(body[0]?.errorCode, 'MALFORMED_QUERY');
  assert.match(body[0]?.message ?? '', /unexpected token: 'LAST_N_MINUTES'/);
  const c = await conn.sobject('Contact').create({ LastName: 'Rules' });
  assert.equal(
    await errorCode(conn.sobject('Contact').update({ Id: c.id!, LastActivityDate: '2026-01-01' })),
    'INVALID_FIELD_FOR_INSERT_UPDATE',
  );
  assert.equal(
    await errorCode(conn.sobject('Contact').create({ FirstName: 'Only' })),
    'REQUIRED_FIELD_MISSING',
  );
  assert.equal(await errorCode(conn.sobject('Contact').retrieve('003000000000000AAA')), 'NOT_FOUND');
  assert.equal(await errorCode(conn.query('SELECT Nope__c FROM Contact')), 'INVALID_FIELD');
});

void test('LastActivityDate follows a completed Task; deleting the Contact deletes its Tasks', async () => {
  const c = await conn.sobject('Contact').create({ LastName: 'Active' });
  const before = await conn.sobject('Contact').retrieve(c.id!);
  assert.equal(before.LastActivityDate, null);
  const stampBefore = before.SystemModstamp as string;
  await conn.sobject('Task').create({
    WhoId: c.id!,
    Subject: 'Call',
    Status: 'Completed',
    ActivityDate: '2026-01-15',
    TaskSubtype: 'Call',
    CallType: 'Inbound',
  });
  const afterTask = await conn.sobject('Contact').retrieve(c.id!);
  assert.equal(afterTask.LastActivityDate, '2026-01-15');
  assert.notEqual(afterTask.SystemModstamp, stampBefore);
  await conn.sobject('Contact').destroy(c.id!);
  assert.equal((await conn.query(`SELECT COUNT() FROM Task WHERE WhoId = '${c.id!}'`)).totalSize, 0);
});

void test('conn.limitInfo reflects usage; an exhausted allocation answers 403 REQUEST_LIMIT_EXCEEDED', async () => {
  await conn.query('SELECT Id FROM Account LIMIT 1');
  const used = conn.limitInfo.apiUsage?.used ?? 0;
  await conn.query('SELECT Id FROM Account LIMIT 1');
  assert.equal(conn.limitInfo.apiUsage?.used, used + 1);
  assert.equal(conn.limitInfo.apiUsage?.limit, 100_000);
  const limits = await conn.limits();
  assert.equal(limits.DailyApiRequests?.Max, 100_000);
  await fetch(`${sb.url}/__sandbox/limits`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ dailyApiRequests: 100_000, used: 100_000 }),
  });
  assert.equal(
    await errorCode(conn.sobject('Contact').create({ LastName: 'Over' })),
    'REQUEST_LIMIT_EXCEEDED',
  );
  await fetch(`${sb.url}/__sandbox/limits`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ used: 0 }),
  });
});

void test('bad input to API routes and controls answers the right error shape, never a crash', async () => {
  const auth = { authorization: `Bearer ${conn.accessToken!}`, 'content-type': 'application/json' };
  const cases: [string, string, string | undefined, number, string][] = [
    ['POST', '/services/data/v65.0/sobjects/Contact', '{not json', 400, 'JSON_PARSER_ERROR'],
    ['POST', '/services/data/v65.0/sobjects/Contact', '[1,2]', 400, 'JSON_PARSER_ERROR'],
    ['POST', '/services/data/v65.0/sobjects/Nope', '{}', 404, 'NOT_FOUND'],
    ['GET', '/services/data/v12.0/limits', undefined, 404, 'NOT_FOUND'],
    ['GET', '/services/data/v65.0/query', undefined, 400, 'MALFORMED_QUERY'],
    ['GET', '/services/data/v65.0/query/bogus-2000', undefined, 400, 'INVALID_QUERY_LOCATOR'],
    ['GET', '/services/data/v65.0/search?q=nope', undefined, 400, 'MALFORMED_SEARCH'],
    ['PUT', '/services/data/v65.0/sobjects/Contact', '{}', 405, 'METHOD_NOT_ALLOWED'],
    ['POST', '/services/data/v65.0/composite', '{"compositeRequest": 3}', 400, 'JSON_PARSER_ERROR'],
    ['POST', '/services/data/v65.0/composite/batch', '{}', 400, 'JSON_PARSER_ERROR'],
    [
      'POST',
      '/services/data/v65.0/sobjects/Contact',
      '{"LastName":"x","Birthday__c":1}',
      400,
      'INVALID_FIELD',
    ],
    [
      'POST',
      '/services/data/v65.0/sobjects/Task',
      '{"CallType":"Sideways"}',
      400,
      'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
    ],
    ['PATCH', '/services/data/v65.0/sobjects/Contact/Nope__c/1', '{}', 404, 'NOT_FOUND'],
    ['GET', '/services/data/v65.0/nothing-here', undefined, 404, 'NOT_FOUND'],
  ];
  for (const [method, path, body, status, code] of cases) {
    const res = await fetch(`${sb.url}${path}`, {
      method,
      headers: auth,
      ...(body !== undefined ? { body } : {}),
    });
    assert.equal(res.status, status, `${method} ${path}`);
    const json = (await res.json()) as { errorCode: string }[];
    assert.equal(json[0]?.errorCode, code, `${method} ${path}`);
  }
  const controls: [string, string, string][] = [
    ['POST', '/__sandbox/seed', '{"accounts":-1}'],
    ['POST', '/__sandbox/seed', '"x"'],
    ['PUT', '/__sandbox/limits', '{"used":"lots"}'],
    ['PUT', '/__sandbox/auth', '{}'],
    ['POST', '/__sandbox/auth/refresh-token', '{"clientId":"unknown"}'],
    ['PUT', '/__sandbox/streaming', '{"gapNext":-3}'],
    ['POST', '/__sandbox/streaming/overflow', '{"entity":"Nope"}'],
    ['PUT', '/__sandbox/faults', '{"rules":[{"errorRate":7}]}'],
  ];
  for (const [method, path, body] of controls) {
    const res = await fetch(`${sb.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body,
    });
    assert.equal(res.status, 400, `${method} ${path}`);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'bad_request');
  }
  const oauth = await fetch(`${sb.url}/services/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=magic',
  });
  assert.equal(((await oauth.json()) as { error: string }).error, 'unsupported_grant_type');
});

void test('refresh-token grant and Lightning record pages with escaped names', async () => {
  const rt = (await (
    await fetch(`${sb.url}/__sandbox/auth/refresh-token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ clientId: sb.clientId }),
    })
  ).json()) as { refresh_token: string };
  const c = new jsforce.Connection({
    instanceUrl: sb.url,
    version: '65.0',
    refreshToken: rt.refresh_token,
    oauth2: { loginUrl: sb.url, clientId: sb.clientId, clientSecret: sb.clientSecret },
  });
  assert.equal((await c.query('SELECT COUNT() FROM Account')).totalSize > 0, true);
  const x = await conn.sobject('Contact').create({ LastName: '<script>alert(1)</script>' });
  await conn.sobject('Task').create({ WhoId: x.id!, Subject: 'Follow-up', Status: 'Not Started' });
  const html = await (await fetch(`${sb.url}/lightning/r/Contact/${x.id!}/view`)).text();
  assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
  assert.ok(!html.includes('<script>alert'));
  assert.match(html, /Tasks \(1\)/);
  const redirect = await fetch(`${sb.url}/${x.id!.slice(0, 15)}`, { redirect: 'manual' });
  assert.equal(redirect.status, 302);
});
