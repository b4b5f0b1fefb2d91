/**
 * The emulator through the official SDK (purecloud-platform-client-v2), pointed at the
 * sandbox with `setGateway` exactly as docs/sandbox/genesys.md shows.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import platformClient from 'purecloud-platform-client-v2';
import { fixturePeople } from '../../test/fixtures/pii.ts';
import { startGenesysSandbox, type GenesysSandbox } from './index.ts';

const [marguerite, tobias, aiyana] = fixturePeople;

describe('Genesys sandbox through the official SDK', () => {
  let gc: GenesysSandbox;
  const client = platformClient.ApiClient.instance;
  const users = new platformClient.UsersApi();
  const presence = new platformClient.PresenceApi();
  const routing = new platformClient.RoutingApi();
  const contacts = new platformClient.ExternalContactsApi();

  before(async () => {
    gc = await startGenesysSandbox({ rateLimitPerMinute: 1000 });
    client.setGateway(gc.sdkGateway);
  });
  after(async () => {
    await gc.close();
  });
  beforeEach(async () => {
    await gc.reset();
    client.setReturnExtendedResponses(false);
    await client.loginClientCredentialsGrant(gc.clientId, gc.clientSecret);
  });

  it('logs in with client credentials and logs in again after the token expired', async () => {
    const auth = await client.loginClientCredentialsGrant(gc.clientId, gc.clientSecret);
    assert.ok(auth.accessToken);
    assert.ok(auth.tokenExpiryTime > Date.now() + 23 * 3600_000, 'default lifetime is 24 h');
    assert.ok((await users.getUsers()).entities?.length);

    assert.equal(gc.expireTokens(), 2, 'the two tokens issued so far');
    await assert.rejects(users.getUsers(), (err: { status: number; code: string; message: string }) => {
      assert.equal(err.status, 401);
      assert.equal(err.code, 'bad.credentials');
      return true;
    });
    await client.loginClientCredentialsGrant(gc.clientId, gc.clientSecret);
    assert.equal((await users.getUsers()).total, 10);
  });

  it('rejects a bad client secret with the OAuth error shape', async () => {
    await assert.rejects(
      client.loginClientCredentialsGrant(gc.clientId, 'wrong'),
      (err: { response?: { status: number; data: { error: string } } }) => {
        assert.equal(err.response?.status, 401);
        assert.equal(err.response?.data.error, 'invalid_client');
        return true;
      },
    );
  });

  it('lists users with paging and reads one user with presence and routing status', async () => {
    const page1 = await users.getUsers({ pageSize: 4, pageNumber: 1 });
    const page3 = await users.getUsers({ pageSize: 4, pageNumber: 3 });
    assert.equal(page1.total, 10);
    assert.equal(page1.pageCount, 3);
    assert.equal(page1.entities?.length, 4);
    assert.equal(page3.entities?.length, 2);
    assert.ok(page1.nextUri);
    const id = page1.entities?.[0]?.id ?? '';
    const one = await users.getUser(id, { expand: ['presence', 'routingStatus'] });
    assert.equal(one.id, id);
    assert.equal(one.presence?.presenceDefinition?.systemPresence, 'Offline');
    assert.equal(one.routingStatus?.status, 'OFF_QUEUE');
    const both = await users.getUsers({ id: [id, page3.entities?.[0]?.id ?? ''] });
    assert.equal(both.total, 2);
  });

  it('reads wrap-up codes, queues and members', async () => {
    const codes = await routing.getRoutingWrapupcodes({ pageSize: 100 });
    assert.equal(codes.total, 8);
    const first = codes.entities?.[0];
    assert.ok(first?.id);
    const code = await routing.getRoutingWrapupcode(first.id);
    assert.equal(code.name, first.name);
    assert.ok(code.dateCreated);
    const queues = await routing.getRoutingQueues();
    assert.equal(queues.total, 3);
    const members = await routing.getRoutingQueueMembers(queues.entities?.[0]?.id ?? '');
    assert.ok((members.entities?.length ?? 0) > 0);
    await assert.rejects(
      routing.getRoutingWrapupcode('does-not-exist'),
      (err: { status: number; code: string }) => err.status === 404 && err.code === 'not.found',
    );
  });

  it('patches a presence, and reads it single and in bulk', async () => {
    const defs = await presence.getPresenceDefinitions0();
    const onQueue = defs.entities?.find((d) => d.systemPresence === 'On Queue');
    assert.ok(onQueue?.id);
    const [u1, u2] = (await users.getUsers({ pageSize: 2 })).entities ?? [];
    assert.ok(u1?.id && u2?.id);
    const patched = await presence.patchUserPresencesPurecloud(u1.id, {
      presenceDefinition: { id: onQueue.id },
    });
    assert.equal(patched.presenceDefinition?.id, onQueue.id);
    assert.equal(
      (await presence.getUserPresencesPurecloud(u1.id)).presenceDefinition?.systemPresence,
      'On Queue',
    );
    assert.equal(
      (await users.getUserRoutingstatus(u1.id)).status,
      'IDLE',
      'going On Queue makes the agent routable',
    );
    const bulk = await presence.getUsersPresencesPurecloudBulk({ id: [u1.id, u2.id] });
    assert.deepEqual(
      bulk.map((p) => [p.userId, p.presenceDefinition?.systemPresence]),
      [
        [u1.id, 'On Queue'],
        [u2.id, 'Offline'],
      ],
    );
    assert.equal(gc.ctx.directory.presenceOf(u1.id)?.presence, 'ON_QUEUE');
  });

  it('creates, reads, replaces, patches and deletes an external contact, normalising phones to E.164', async () => {
    const created = await contacts.postExternalcontactsContacts({
      firstName: marguerite.firstName,
      lastName: marguerite.lastName,
      workEmail: marguerite.email,
      cellPhone: { display: marguerite.phoneNational },
    });
    assert.ok(created.id && created.createDate && created.modifyDate);
    assert.equal(created.cellPhone?.e164, marguerite.phone);
    const read = await contacts.getExternalcontactsContact(created.id);
    assert.equal(read.lastName, marguerite.lastName);

    const replaced = await contacts.putExternalcontactsContact(created.id, {
      ...read,
      title: 'Customer',
      workPhone: { display: tobias.phoneNational, normalizationCountryCode: 'GB' },
    });
    assert.equal(replaced.title, 'Customer');
    assert.equal(replaced.workPhone?.e164, tobias.phone);
    assert.equal(replaced.createDate, created.createDate);
    assert.ok(Date.parse(replaced.modifyDate ?? '') > Date.parse(created.modifyDate ?? ''));

    const patched = await contacts.patchExternalcontactsContact(created.id, {
      changes: [
        { field: '$.middleName', value: 'Ines' as unknown as object, action: 'UpdateIfEmpty' },
        { field: '$.title', value: 'ignored' as unknown as object, action: 'UpdateIfEmpty' },
        { field: '$.homePhone', value: { display: aiyana.phone }, action: 'Update' },
        { field: '$.workPhone', action: 'Remove' },
      ],
    });
    assert.equal(patched.middleName, 'Ines');
    assert.equal(patched.title, 'Customer');
    assert.equal(patched.homePhone?.e164, aiyana.phone);
    assert.equal(patched.workPhone, undefined);

    await assert.rejects(
      contacts.patchExternalcontactsContact(created.id, {
        changes: [
          { field: '$.homePhone', action: 'Remove' },
          { field: '$.homePhone.display', value: '1' as unknown as object, action: 'Update' },
        ],
      }),
      (err: { status: number }) => err.status === 409,
    );

    await contacts.deleteExternalcontactsContact(created.id);
    await assert.rejects(
      contacts.getExternalcontactsContact(created.id),
      (err: { status: number }) => err.status === 404,
    );
  });

  it('searches with q and looks up by E.164 and e-mail', async () => {
    const c = await contacts.postExternalcontactsContacts({
      firstName: aiyana.firstName,
      lastName: aiyana.lastName,
      workEmail: aiyana.email,
      cellPhone: { display: aiyana.phoneNational },
    });
    const byName = await contacts.getExternalcontactsContacts({ q: aiyana.lastName });
    assert.deepEqual(
      byName.entities?.map((e) => e.id),
      [c.id],
    );
    const byPhone = await contacts.getExternalcontactsReversewhitepageslookup(aiyana.phone);
    assert.deepEqual(
      byPhone.contacts?.map((e) => e.id),
      [c.id],
    );
    const byNational = await contacts.getExternalcontactsReversewhitepageslookup(aiyana.phoneNational);
    assert.equal(byNational.contacts?.[0]?.id, c.id);
    const byEmail = await contacts.getExternalcontactsReversewhitepageslookup(aiyana.email.toUpperCase());
    assert.equal(byEmail.contacts?.[0]?.id, c.id);
    const all = await contacts.getExternalcontactsContacts({ pageSize: 10, pageNumber: 2 });
    assert.equal(all.total, 26);
    assert.equal(all.entities?.length, 10);
  });

  it('scans every contact page by page with a cursor, past the search window; bad limit or cursor → 400', async () => {
    gc.seed({ externalContacts: 1200 });
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await contacts.getExternalcontactsScanContacts({
        limit: 200,
        ...(cursor ? { cursor } : {}),
      });
      seen.push(...(page.entities ?? []).map((e) => String(e.id)));
      cursor = page.cursors?.after;
      pages++;
    } while (cursor !== undefined);
    assert.equal(seen.length, 1200);
    assert.equal(new Set(seen).size, 1200);
    assert.equal(pages, 6);
    const search = await contacts.getExternalcontactsContacts({ pageSize: 1, pageNumber: 1 });
    assert.equal(search.total, 1200);
    for (const opts of [{ limit: 5 }, { limit: 201 }, { cursor: 'not-a-cursor' }])
      await assert.rejects(contacts.getExternalcontactsScanContacts(opts), (e: { status?: number }) => {
        assert.equal(e.status, 400);
        return true;
      });
  });

  it('claims and releases identifiers, and links contacts to an external source', async () => {
    const source = await contacts.postExternalcontactsExternalsources({ name: 'CRM' });
    assert.ok(source.id);
    const a = await contacts.postExternalcontactsContacts({
      lastName: 'A',
      externalIds: [{ externalSource: { id: source.id, name: 'CRM' }, value: '003XYZ' }],
    });
    const b = await contacts.postExternalcontactsContacts({ lastName: 'B' });
    assert.ok(a.id && b.id);
    assert.equal(a.externalIds?.[0]?.value, '003XYZ');
    await contacts.patchExternalcontactsContactIdentifiers(a.id, {
      operation: 'Claim',
      identifier: { type: 'Phone', value: tobias.phone },
    });
    assert.equal(
      (await contacts.postExternalcontactsIdentifierlookupContacts({ type: 'Phone', value: tobias.phone }))
        .id,
      a.id,
    );
    await contacts.patchExternalcontactsContactIdentifiers(b.id, {
      operation: 'Claim',
      identifier: { type: 'Phone', value: tobias.phone },
    });
    assert.equal(
      (await contacts.postExternalcontactsIdentifierlookupContacts({ type: 'Phone', value: tobias.phone }))
        .id,
      b.id,
      'a claim moves the identifier',
    );
    assert.deepEqual((await contacts.getExternalcontactsContactIdentifiers(a.id)).entities, []);
    await contacts.patchExternalcontactsContactIdentifiers(b.id, {
      operation: 'Release',
      identifier: { type: 'Phone', value: tobias.phone },
    });
    await assert.rejects(
      contacts.postExternalcontactsIdentifierlookupContacts({ type: 'Phone', value: tobias.phone }),
      (err: { status: number }) => err.status === 404,
    );
  });

  it('runs bulk add, update, get and remove with per-entity results and a partial failure', async () => {
    const added = await contacts.postExternalcontactsBulkContactsAdd({
      entities: [
        { lastName: marguerite.lastName, cellPhone: { display: marguerite.phone } },
        { lastName: 'Bad', workEmail: 'not-an-email' },
        { lastName: tobias.lastName },
      ],
    });
    assert.equal(added.errorCount, 1);
    assert.deepEqual(added.errorIndexes, [1]);
    assert.equal(added.results?.[0]?.success, true);
    assert.equal(added.results?.[0]?.entity?.cellPhone?.e164, marguerite.phone);
    assert.equal(added.results?.[1]?.success, false);
    assert.equal(added.results?.[1]?.error?.status, 400);
    const ids = (added.results ?? []).flatMap((r) => (r.success && r.id ? [r.id] : []));
    assert.equal(ids.length, 2);
    const [id0 = '', id1 = ''] = ids;

    const updated = await contacts.postExternalcontactsBulkContactsUpdate({
      entities: [
        { id: id0, lastName: 'Renamed' },
        { id: 'missing', lastName: 'X' },
      ],
    });
    assert.deepEqual(updated.errorIndexes, [1]);
    assert.equal(updated.results?.[1]?.status, 404);

    const fetched = await contacts.postExternalcontactsBulkContacts({ entities: [{ id: id0 }, { id: id1 }] });
    assert.equal(fetched.errorCount, 0);
    assert.equal(fetched.results?.[0]?.entity?.lastName, 'Renamed');

    const removed = await contacts.postExternalcontactsBulkContactsRemove({
      entities: [{ id: id0 }, { id: 'missing' }],
    });
    assert.deepEqual(removed.errorIndexes, [1]);
    await assert.rejects(
      contacts.getExternalcontactsContact(id0),
      (err: { status: number }) => err.status === 404,
    );

    const tooMany = Array.from({ length: 101 }, () => ({ lastName: 'X' }));
    await assert.rejects(
      contacts.postExternalcontactsBulkContactsAdd({ entities: tooMany }),
      (err: { status: number; code: string }) => err.status === 400 && err.code === 'bad.request',
    );
  });

  it('answers 429 with Retry-After, readable through setReturnExtendedResponses(true)', async () => {
    gc.setRateLimit(3);
    client.setReturnExtendedResponses(true);
    for (let i = 0; i < 3; i++) {
      const ok = (await users.getUsers()) as unknown as { status: number; headers: Record<string, string> };
      assert.equal(ok.status, 200);
      assert.equal(ok.headers['inin-ratelimit-count'], String(i + 1));
      assert.equal(ok.headers['inin-ratelimit-allowed'], '3');
      assert.ok(Number(ok.headers['inin-ratelimit-reset']) >= 1);
    }
    await assert.rejects(
      users.getUsers(),
      (err: { status: number; headers: Record<string, string>; body: { code: string; status: number } }) => {
        assert.equal(err.status, 429);
        assert.ok(Number(err.headers['retry-after']) >= 1);
        assert.equal(err.body.code, 'too.many.requests.retry.after');
        return true;
      },
    );
    const usage = gc.usageByClient().find((u) => u.clientId === gc.clientId);
    assert.equal(usage?.throttled, 1);
    assert.equal(usage?.maxPerMinute, 5, 'login + 3 allowed + 1 refused, all in the log with the client id');
  });

  it('answers an injected 429 storm in the vendor shape with Retry-After', async () => {
    const put = await fetch(`${gc.url}/__sandbox/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ rules: [{ pathPrefix: '/api/v2/users', errorRate: 1, errorStatus: 429 }] }),
    });
    assert.equal(put.status, 200);
    client.setReturnExtendedResponses(true);
    await assert.rejects(
      users.getUsers(),
      (err: { status: number; headers: Record<string, string>; body: { code: string } }) => {
        assert.equal(err.status, 429);
        assert.equal(err.headers['retry-after'], '5');
        assert.equal(err.body.code, 'too.many.requests.retry.after');
        return true;
      },
    );
  });

  it('refuses a payload over 512,000 bytes with 413', async () => {
    await assert.rejects(
      contacts.postExternalcontactsContacts({ lastName: 'x'.repeat(520_000) }),
      (err: { status: number; code: string }) =>
        err.status === 413 && err.code === 'request.entity.too.large',
    );
  });
});
