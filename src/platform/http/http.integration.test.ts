import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestHub, type TestHub } from '../../../test/support/hub.ts';

describe('hub HTTP surface', () => {
  let t: TestHub;
  before(async () => {
    t = await startTestHub({ env: { PATCHBAY_BODY_LIMIT_BYTES: '2048' } });
  });
  after(async () => {
    await t.stop();
  });

  const errorOf = async (res: Response) => {
    assert.match(res.headers.get('content-type') ?? '', /application\/json/);
    const body = (await res.json()) as { error: { code: string; message: string } };
    assert.equal(typeof body.error.message, 'string');
    return body.error;
  };

  test('liveness answers ok and echoes a given request ID', async () => {
    const res = await fetch(`${t.url}/healthz`, { headers: { 'x-request-id': 'trace-abc-123' } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('x-request-id'), 'trace-abc-123');
    assert.deepEqual(await res.json(), { status: 'ok' });
  });

  test('a fresh request ID is generated when none (or a malformed one) is given', async () => {
    const res = await fetch(`${t.url}/healthz`, { headers: { 'x-request-id': 'bad id with spaces' } });
    assert.match(res.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
  });

  test('readiness reports each check and is 503 while connectors are not configured', async () => {
    const res = await fetch(`${t.url}/readyz`);
    assert.equal(res.status, 503);
    const body = (await res.json()) as { checks: Array<{ name: string; ok: boolean }> };
    const byName = Object.fromEntries(body.checks.map((c) => [c.name, c.ok]));
    assert.deepEqual(byName, { database: true, migrations: true, salesforce: false, genesys: false });
  });

  test('unknown route → 404 in the JSON error shape', async () => {
    const res = await fetch(`${t.url}/no/such/route`);
    assert.equal(res.status, 404);
    assert.equal((await errorOf(res)).code, 'not_found');
  });

  test('invalid JSON → 400 invalid_json', async () => {
    const res = await fetch(`${t.url}/v1/admin/jobs/x/replay`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${t.apiKey}` },
      body: '{"a":',
    });
    assert.equal(res.status, 400);
    assert.equal((await errorOf(res)).code, 'invalid_json');
  });

  test('oversized body → 413 payload_too_large', async () => {
    const res = await fetch(`${t.url}/v1/admin/jobs/x/replay`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${t.apiKey}` },
      body: JSON.stringify({ pad: 'x'.repeat(4096) }),
    });
    assert.equal(res.status, 413);
    assert.equal((await errorOf(res)).code, 'payload_too_large');
  });

  test('admin routes without a key, or with a wrong or revoked key → 401', async () => {
    for (const headers of [
      {},
      { authorization: 'Bearer nope' },
      { authorization: `Bearer ${t.apiKey.slice(0, -1)}x` },
    ]) {
      const res = await fetch(`${t.url}/v1/admin/jobs`, { headers });
      assert.equal(res.status, 401);
      assert.equal((await errorOf(res)).code, 'unauthorized');
    }
  });

  test('every admin route is protected', async () => {
    const routes = [
      ['GET', '/v1/admin/jobs'],
      ['GET', '/v1/admin/jobs/parked'],
      ['GET', '/v1/admin/jobs/abc'],
      ['POST', '/v1/admin/jobs/abc/replay'],
      ['GET', '/v1/admin/apikeys'],
      ['DELETE', '/v1/admin/apikeys/abc'],
    ] as const;
    for (const [method, path] of routes) {
      const res = await fetch(`${t.url}${path}`, { method });
      assert.equal(res.status, 401, `${method} ${path}`);
    }
  });

  test('with a key, admin routes answer; bad query values → 400 validation_failed', async () => {
    const ok = await fetch(`${t.url}/v1/admin/jobs?state=parked`, {
      headers: { authorization: `Bearer ${t.apiKey}` },
    });
    assert.equal(ok.status, 200);
    assert.deepEqual(await ok.json(), { jobs: [] });
    const bad = await fetch(`${t.url}/v1/admin/jobs?state=exploded`, { headers: { 'x-api-key': t.apiKey } });
    assert.equal(bad.status, 400);
    assert.equal((await errorOf(bad)).code, 'validation_failed');
    const missing = await fetch(`${t.url}/v1/admin/jobs/nope`, { headers: { 'x-api-key': t.apiKey } });
    assert.equal(missing.status, 404);
  });

  test('metrics expose request histograms and queue gauges', async () => {
    await fetch(`${t.url}/healthz`);
    const text = await (await fetch(`${t.url}/metrics`)).text();
    assert.match(text, /patchbay_http_request_duration_seconds_bucket\{[^}]*route="\/healthz"/);
    assert.match(text, /patchbay_job_queue_oldest_age_seconds/);
  });

  test('metrics expose the SQLite group commit, its WAL flushes and its write-lock wait', async () => {
    const value = (text: string, name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);
    const before = await (await fetch(`${t.url}/metrics`)).text();
    await Promise.all(Array.from({ length: 5 }, () => t.hub.store.durable(async () => undefined)));
    const after = await (await fetch(`${t.url}/metrics`)).text();
    const grew = (name: string) => value(after, name) - value(before, name);
    // The hub's own schedules may commit meanwhile; the five calls, issued in one turn, share one commit.
    const calls = grew('patchbay_sqlite_group_commit_calls_total');
    const commits = grew('patchbay_sqlite_group_commits_total');
    assert.ok(calls >= 5, `calls grew by ${calls}`);
    assert.ok(commits >= 1 && commits <= calls - 4, `${commits} commits for ${calls} calls`);
    assert.ok(grew('patchbay_sqlite_wal_flushes_total') >= 1);
    assert.ok(grew('patchbay_sqlite_wal_flush_seconds_total') > 0);
    assert.ok(grew('patchbay_sqlite_write_lock_wait_seconds_total') >= 0);
  });

  test('OpenAPI document lists the admin routes', async () => {
    const res = await fetch(`${t.url}/docs/json`);
    assert.equal(res.status, 200);
    const doc = (await res.json()) as { paths: Record<string, unknown> };
    assert.ok(doc.paths['/v1/admin/jobs']);
    assert.ok(doc.paths['/v1/admin/jobs/{id}/replay']);
  });
});
