/**
 * The signed intake over real HTTP, for each scheme: valid accepted (202, event + one job);
 * forged, stale (±301 s), future, replayed, wrong secret, body altered by one byte → 401 and
 * nothing stored; rotation with two secrets; a repeated delivery of one conversation end → 202,
 * no second job, also when it is a Standard Webhooks retry (same webhook-id, signed afresh).
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { startTestHub, type TestHub } from '../../../test/support/hub.ts';
import { signRequest, type SignatureScheme } from './signatures.ts';
import { callEndBody, postSigned, secretFor } from './test-support.ts';

const OTHER: Record<SignatureScheme, string> = {
  seed: 'pb-rotated-secret-2',
  'standard-webhooks': `whsec_${Buffer.from('rotated-key-0123456789').toString('base64')}`,
  token: 'rotated-token-2',
};

const hubs = new Map<SignatureScheme, TestHub>();
before(async () => {
  for (const scheme of ['seed', 'standard-webhooks', 'token'] as const) {
    hubs.set(
      scheme,
      await startTestHub({
        workers: false,
        env: { CALL_END_SIGNATURE: scheme, CALL_END_SECRETS: `${secretFor(scheme)},${OTHER[scheme]}` },
      }),
    );
  }
});
after(async () => {
  for (const h of hubs.values()) await h.stop();
});

async function counts(h: TestHub) {
  const db = h.hub.store.db;
  const ev = await db
    .selectFrom('inbound_events')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  const jobs = await db
    .selectFrom('jobs')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('kind', '=', 'activity-log')
    .executeTakeFirstOrThrow();
  return { events: Number(ev.n), jobs: Number(jobs.n) };
}

for (const scheme of ['seed', 'standard-webhooks', 'token'] as const) {
  for (const path of ['/webhook/call-ended', '/v1/webhooks/genesys/conversation-end']) {
    void test(`${scheme} ${path}: valid → 202 with one job; duplicate → 202, no second job`, async () => {
      const h = hubs.get(scheme)!;
      const before = await counts(h);
      const body = callEndBody(undefined);
      const first = await postSigned(`${h.url}${path}`, body, { scheme, messageId: `msg_${randomUUID()}` });
      assert.equal(first.status, 202, JSON.stringify(first.json));
      assert.equal(first.json.duplicate, false);
      // The sender delivers the same conversation end again (a new message: new id / timestamp).
      const again = await postSigned(`${h.url}${path}`, body, {
        scheme,
        messageId: `msg_${randomUUID()}`,
        nowMs: Date.now() + 1000,
      });
      assert.equal(again.status, 202);
      assert.equal(again.json.duplicate, true);
      assert.equal(again.json.eventId, first.json.eventId);
      assert.deepEqual(await counts(h), { events: before.events + 1, jobs: before.jobs + 1 });
      const jobs = await h.hub.queue.list({ kind: 'activity-log' });
      assert.equal(jobs.filter((j) => j.key === `activity-log:${String(body.conversationId)}`).length, 1);
    });
  }

  void test(`${scheme}: forged, wrong secret, altered byte, missing → 401 and nothing stored`, async () => {
    const h = hubs.get(scheme)!;
    const url = `${h.url}/webhook/call-ended`;
    const before = await counts(h);
    const body = callEndBody(undefined);
    const raw = JSON.stringify(body);
    const ts = Math.floor(Date.now() / 1000);
    const send = async (headers: Record<string, string>, payload = raw) => {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: payload,
      });
      const json = (await res.json()) as { error?: { code: string } };
      return { status: res.status, code: json.error?.code };
    };
    const wrong = await send(signRequest(scheme, 'not-the-secret', raw, { timestampSeconds: ts }));
    assert.deepEqual(wrong, { status: 401, code: 'unauthorized' });
    const signed = signRequest(scheme, secretFor(scheme), raw, {
      timestampSeconds: ts,
      messageId: `msg_${randomUUID()}`,
    });
    if (scheme !== 'token') {
      // One byte of the body changed after signing (a digit of durationSeconds).
      assert.equal(
        (await send(signed, raw.replace('"durationSeconds":630', '"durationSeconds":631'))).status,
        401,
      );
      const forged = Object.fromEntries(
        Object.entries(signed).map(([k, v]) => [k, k.endsWith('signature') ? v.replace(/.{4}$/, 'AAA=') : v]),
      );
      assert.equal((await send(forged)).status, 401);
    } else {
      assert.equal((await send({ 'x-webhook-token': `${secretFor(scheme)}x` })).status, 401);
    }
    assert.equal((await send({})).status, 401);
    assert.deepEqual(await counts(h), before);
  });

  void test(`${scheme}: rotation — deliveries signed with either active secret are accepted`, async () => {
    const h = hubs.get(scheme)!;
    for (const secret of [secretFor(scheme), OTHER[scheme]]) {
      const r = await postSigned(`${h.url}/webhook/call-ended`, callEndBody(undefined), { scheme, secret });
      assert.equal(r.status, 202);
    }
  });

  if (scheme !== 'token') {
    void test(`${scheme}: stale (−301 s), future (+301 s) and replayed → 401 and nothing stored`, async () => {
      const h = hubs.get(scheme)!;
      const url = `${h.url}/webhook/call-ended`;
      const before = await counts(h);
      const stale = await postSigned(url, callEndBody(undefined), { scheme, nowMs: Date.now() - 301_000 });
      assert.equal(stale.status, 401);
      assert.deepEqual((stale.json.error as { details: unknown }).details, { reason: 'timestamp_too_old' });
      const future = await postSigned(url, callEndBody(undefined), { scheme, nowMs: Date.now() + 301_000 });
      assert.equal(future.status, 401);
      assert.deepEqual((future.json.error as { details: unknown }).details, {
        reason: 'timestamp_in_future',
      });
      assert.deepEqual(await counts(h), before);

      // A captured request sent again verbatim.
      const raw = JSON.stringify(callEndBody(undefined));
      const headers = {
        'content-type': 'application/json',
        ...signRequest(scheme, secretFor(scheme), raw, {
          timestampSeconds: Math.floor(Date.now() / 1000),
          messageId: `msg_${randomUUID()}`,
        }),
      };
      assert.equal((await fetch(url, { method: 'POST', headers, body: raw })).status, 202);
      const mid = await counts(h);
      const replay = await fetch(url, { method: 'POST', headers, body: raw });
      assert.equal(replay.status, 401);
      assert.deepEqual(((await replay.json()) as { error: { details: unknown } }).error.details, {
        reason: 'replayed',
      });
      assert.deepEqual(await counts(h), mid);
    });
  }
}

void test('standard-webhooks: a retry re-signed with the same webhook-id → 202 duplicate, nothing stored twice', async () => {
  const h = hubs.get('standard-webhooks')!;
  const url = `${h.url}/webhook/call-ended`;
  const before = await counts(h);
  const body = callEndBody(undefined);
  const messageId = `msg_${randomUUID()}`;
  const first = await postSigned(url, body, { scheme: 'standard-webhooks', messageId });
  assert.equal(first.status, 202);
  // The sender's retry: same message, same webhook-id, a new timestamp and signature.
  const retry = await postSigned(url, body, {
    scheme: 'standard-webhooks',
    messageId,
    nowMs: Date.now() + 5000,
  });
  assert.equal(retry.status, 202);
  assert.equal(retry.json.duplicate, true);
  assert.equal(retry.json.eventId, first.json.eventId);
  assert.deepEqual(await counts(h), { events: before.events + 1, jobs: before.jobs + 1 });
});

void test('payload validation: 400 naming the field, after the signature check', async () => {
  const h = hubs.get('seed')!;
  const r = await postSigned(`${h.url}/webhook/call-ended`, {
    ...callEndBody(undefined),
    conversationId: '',
  });
  assert.equal(r.status, 400);
  assert.deepEqual((r.json.error as { details: unknown }).details, { field: 'conversationId' });
  const s = await postSigned(`${h.url}/webhook/call-ended`, {
    ...callEndBody(undefined),
    durationSeconds: 'long',
  });
  assert.deepEqual((s.json.error as { details: unknown }).details, { field: 'durationSeconds' });
});

void test('routes are registered with their OpenAPI schema', () => {
  const app = hubs.get('seed')!.hub.app;
  for (const url of [
    '/webhook/call-ended',
    '/v1/webhooks/genesys/conversation-end',
    '/customers/supportResult',
    '/customers/supportInteraction',
    '/v1/extensions/save-log',
  ])
    assert.ok(app.hasRoute({ method: 'POST', url }), url);
});
