/**
 * The recycle bin through jsforce: delete → queryAll sees it; SOAP `emptyRecycleBin` removes it for
 * good (per-ID results, refusals for records not in the bin, for cascade children named with their
 * parent and, without Modify All Data, for records another user deleted); emptied records stay
 * visible to queryAll until physically deleted (24 h on the org's clock).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import jsforce, { type Connection } from 'jsforce';
import { startSalesforceSandbox, type SalesforceSandbox } from './index.ts';
import { jsforceClient } from '../../test/support/jsforce.ts';

let sb: SalesforceSandbox;
let conn: Connection;
let clock = Date.parse('2026-11-02T09:00:00Z');

before(async () => {
  sb = await startSalesforceSandbox({ now: () => clock });
  conn = await jsforceClient(sb.url, sb);
});
after(async () => sb.close());

type EmptyResult = { id?: string | null; success: boolean; errors: Array<{ statusCode: string }> };
/** jsforce types `emptyRecycleBin` as one result; it returns one per ID. */
const empty = (c: Connection, ids: string[]) =>
  c.soap.emptyRecycleBin(ids) as unknown as Promise<EmptyResult[]>;

const inQueryAll = async (object: string, ids: string[]) =>
  (
    await conn.query<{ Id: string; IsDeleted: boolean }>(
      `SELECT Id, IsDeleted FROM ${object} WHERE Id IN ('${ids.join("','")}')`,
      { scanAll: true },
    )
  ).records;

void test('emptyRecycleBin removes deleted records for good; a live or unknown ID is refused per ID', async () => {
  const gone = await conn.sobject('Contact').create({ LastName: 'Emptied' });
  const live = await conn.sobject('Contact').create({ LastName: 'Still-Here' });
  await conn.sobject('Contact').destroy(gone.id!);
  assert.deepEqual(
    (await inQueryAll('Contact', [gone.id!])).map((r) => r.IsDeleted),
    [true],
  );

  const results = await empty(conn, [gone.id!, live.id!, 'not-an-id']);
  assert.equal(results.length, 3);
  assert.deepEqual(results[0], { id: gone.id!, success: true, errors: [] });
  assert.equal(results[1]!.success, false);
  assert.equal(results[1]!.errors[0]?.statusCode, 'INVALID_ID_FIELD');
  assert.equal(results[2]!.errors[0]?.statusCode, 'MALFORMED_ID');
  // Emptying twice: no longer in the bin.
  const again = await empty(conn, [gone.id!]);
  assert.equal(again[0]!.errors[0]?.statusCode, 'INVALID_ID_FIELD');
  // The live record is untouched.
  assert.equal((await conn.sobject('Contact').retrieve(live.id!)).Id, live.id);

  // Like the platform, queryAll still returns the emptied record for a while, then never again.
  assert.equal((await inQueryAll('Contact', [gone.id!])).length, 1);
  assert.equal(await errorCode(conn.sobject('Contact').destroy(gone.id!)), 'ENTITY_IS_DELETED');
  clock += 25 * 3600_000;
  await conn.authorize({ grant_type: 'client_credentials' });
  assert.deepEqual(await inQueryAll('Contact', [gone.id!]), []);
});

void test('emptying a Contact empties the Tasks deleted in cascade with it; naming them too is refused', async () => {
  const contact = await conn.sobject('Contact').create({ LastName: 'Cascade' });
  const task = await conn.sobject('Task').create({ WhoId: contact.id, Subject: 'Call' });
  await conn.sobject('Contact').destroy(contact.id!);
  // queryAll by the (indexed) WhoId finds the cascaded Task in the bin.
  const byWho = await conn.query<{ Id: string }>(`SELECT Id FROM Task WHERE WhoId = '${contact.id!}'`, {
    scanAll: true,
  });
  assert.deepEqual(
    byWho.records.map((r) => r.Id),
    [task.id],
  );

  const results = await empty(conn, [task.id!, contact.id!]);
  assert.equal(results[0]!.success, false, 'the cascade child named with its parent');
  assert.equal(results[1]!.success, true);
  clock += 25 * 3600_000;
  await conn.authorize({ grant_type: 'client_credentials' });
  assert.deepEqual(await inQueryAll('Task', [task.id!]), []);
  assert.deepEqual(await inQueryAll('Contact', [contact.id!]), []);
});

void test('without Modify All Data, only records the caller deleted itself can be emptied', async () => {
  const agentApp = { clientId: 'pb-agent-app', clientSecret: 'pb-agent-app-secret' };
  sb.auth.addClient({ ...agentApp, runAsUsername: 'agent@patchbay.sandbox' });
  await conn.sobject('User').create({
    Username: 'agent@patchbay.sandbox',
    LastName: 'Agent',
    Email: 'agent@patchbay.sandbox',
  });
  const agent = await jsforceClient(sb.url, agentApp);
  const byAgent = await conn.sobject('Contact').create({ LastName: 'Deleted-By-Agent' });
  const byUs = await conn.sobject('Contact').create({ LastName: 'Deleted-By-Us' });
  await agent.sobject('Contact').destroy(byAgent.id!);
  await conn.sobject('Contact').destroy(byUs.id!);

  await control('PUT', '/__sandbox/recycle-bin', { modifyAllData: false });
  try {
    const res = await empty(conn, [byAgent.id!, byUs.id!]);
    assert.equal(res[0]!.errors[0]?.statusCode, 'INSUFFICIENT_ACCESS_OR_READONLY');
    assert.equal(res[1]!.success, true);
  } finally {
    await control('PUT', '/__sandbox/recycle-bin', { modifyAllData: true });
  }
  assert.equal((await empty(conn, [byAgent.id!]))[0]!.success, true, 'with Modify All Data');
});

void test('SOAP faults: a bad session is re-authorized by jsforce; more than 200 IDs is EXCEEDED_ID_LIMIT', async () => {
  const c = await conn.sobject('Contact').create({ LastName: 'After-Expiry' });
  await conn.sobject('Contact').destroy(c.id!);
  let refreshed = 0;
  // A connection holding an invalid session; client credentials have no refresh token, so re-authorize.
  const fresh = new jsforce.Connection({
    instanceUrl: sb.url,
    version: '65.0',
    oauth2: { loginUrl: sb.url, clientId: sb.clientId, clientSecret: sb.clientSecret },
    refreshFn: (cn, cb) => {
      refreshed++;
      void cn.authorize({ grant_type: 'client_credentials' }).then(
        () => cb(undefined, cn.accessToken ?? undefined),
        (e: Error) => cb(e),
      );
    },
  });
  fresh.accessToken = 'expired!token';
  const res = await empty(fresh, [c.id!]);
  assert.equal(res[0]!.success, true);
  assert.equal(refreshed, 1);

  const tooMany = Array.from({ length: 201 }, () => c.id!);
  const err = (await empty(fresh, tooMany).catch((e: unknown) => e)) as { errorCode?: string };
  assert.equal(err.errorCode, 'sf:EXCEEDED_ID_LIMIT');
});

async function control(method: string, path: string, body: unknown): Promise<void> {
  const res = await fetch(`${sb.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  assert.ok(res.ok, `${method} ${path} → ${res.status}`);
}

async function errorCode(p: PromiseLike<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return (e as { errorCode?: string }).errorCode ?? (e as Error).name;
  }
  return 'no error';
}
