/**
 * The erasure deadline (GDPR Art. 12(3), one month): the hourly `privacy-deadlines` job raises
 * `privacy.erasure-deadline` for a request not completed in time — once, through the alert sinks —
 * and raises nothing for a completed one. A fake clock moves the hub through the month.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { testEachDialect, type TestDatabase } from '../../../test/support/databases.ts';
import { startTestHub, type TestHub } from '../../../test/support/hub.ts';
import type { AlertInfo, AlertNotice } from '../../platform/alerts/index.ts';
import { createFakeClock, type FakeClock } from '../../platform/jobs/clock.ts';
import type { ErasureStatusView } from './erasure.ts';

const DAY = 86_400_000;

/** A webhook receiver standing in for the ops channel: every notice the alert sink posts. */
async function startWebhook(): Promise<{ url: string; notices: AlertNotice[]; server: Server }> {
  const notices: AlertNotice[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      notices.push((JSON.parse(body) as { patchbay: AlertNotice }).patchbay);
      res.end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, notices, server };
}

interface Harness {
  th: TestHub;
  clock: FakeClock;
  notices: AlertNotice[];
  admin<T>(path: string, method?: string, body?: unknown): Promise<T>;
  /** Moves the clock and waits for the hourly deadline check that the move makes due. */
  advanceAndCheck(ms: number): Promise<void>;
  deadlineAlert(): Promise<AlertInfo | undefined>;
}

async function withHub(db: TestDatabase, env: Record<string, string>, fn: (h: Harness) => Promise<void>) {
  const hook = await startWebhook();
  const clock = createFakeClock(Date.parse('2026-11-02T10:30:00Z'));
  const th = await startTestHub({
    clock,
    ...(db.config.databaseUrl ? { databaseUrl: db.config.databaseUrl } : {}),
    env: {
      ...(db.config.databaseUrl ? {} : { PATCHBAY_SQLITE_PATH: db.config.sqlitePath }),
      PATCHBAY_ALERT_WEBHOOK_URL: hook.url,
      PATCHBAY_JOBS_POLL_MS: '50',
      SF_MIRROR_ENABLED: 'false',
      ...env,
    },
  });
  const admin = async <T>(path: string, method = 'GET', body?: unknown): Promise<T> => {
    const res = await fetch(`${th.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${th.apiKey}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    assert.ok(res.ok, `${method} ${path} → ${res.status}`);
    return (await res.json()) as T;
  };
  const completedChecks = async () =>
    (await admin<{ jobs: unknown[] }>('/v1/admin/jobs?kind=privacy-deadlines&state=completed')).jobs.length;
  // Every notification delivered: no webhook job waiting or in flight.
  const settled = async () => {
    for (const state of ['queued', 'running'])
      if (
        (await admin<{ jobs: unknown[] }>(`/v1/admin/jobs?kind=alerts.webhook&state=${state}`)).jobs.length >
        0
      )
        return false;
    return true;
  };
  const h: Harness = {
    th,
    clock,
    notices: hook.notices,
    admin,
    async advanceAndCheck(ms) {
      const before = await completedChecks();
      clock.advance(ms);
      await waitFor('the hourly deadline check', async () => (await completedChecks()) > before);
      await waitFor('the alert notifications', settled);
    },
    async deadlineAlert() {
      const { open } = await admin<{ open: AlertInfo[] }>('/v1/admin/alerts');
      return open.find((a) => a.condition === 'privacy.erasure-deadline');
    },
  };
  try {
    await fn(h);
  } finally {
    await th.stop();
    await new Promise((r) => hook.server.close(r));
  }
}

async function waitFor(what: string, ok: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

testEachDialect(
  'an erasure not completed in time raises the deadline alert once: warning, then overdue',
  (_t, db) =>
    // Salesforce unreachable: the request cannot get past resolving.
    withHub(
      db,
      {
        SALESFORCE_LOGIN_URL: 'http://127.0.0.1:9',
        SALESFORCE_CLIENT_ID: 'pb-unreachable',
        SALESFORCE_CLIENT_SECRET: 'pb-unreachable-secret',
      },
      async (h) => {
        const req = await h.admin<ErasureStatusView>('/v1/privacy/erasures', 'POST', {
          email: 'late.subject@example.org',
        });
        assert.equal(Date.parse(req.dueAt) - Date.parse(req.receivedAt), 30 * DAY);

        await h.advanceAndCheck(1 * 3600_000);
        assert.equal(await h.deadlineAlert(), undefined, 'a month ahead: no alert');

        // 24 days in: within the 7-day warning window.
        await h.advanceAndCheck(24 * DAY);
        const warning = await h.deadlineAlert();
        assert.equal(warning?.severity, 'warning');
        assert.deepEqual(warning?.details, { erasureIds: [req.id] });

        // Past the deadline: the same alert, now critical; the request shows it is overdue.
        await h.advanceAndCheck(6 * DAY);
        await h.advanceAndCheck(3600_000);
        const overdue = await h.deadlineAlert();
        assert.equal(overdue?.id, warning?.id);
        assert.equal(overdue?.severity, 'critical');
        assert.match(overdue?.message ?? '', /past the one-month deadline/);
        assert.ok((overdue?.count ?? 0) >= 3, 'every check raised it again');
        const status = await h.admin<ErasureStatusView>(`/v1/privacy/erasures/${req.id}`);
        assert.notEqual(status.status, 'completed');
        assert.equal(status.overdue, true);

        // The ops channel heard it once (reminders aside, which come only after the re-notify interval).
        const raised = h.notices.filter((n) => n.alert.condition === 'privacy.erasure-deadline');
        assert.deepEqual(
          raised.filter((n) => n.event === 'raised').map((n) => n.alert.severity),
          ['warning'],
        );
      },
    ),
);

testEachDialect('a completed erasure raises no deadline alert, even a month later', (_t, db) =>
  // No external system configured: the request completes with Patchbay's own step.
  withHub(db, {}, async (h) => {
    const req = await h.admin<ErasureStatusView>('/v1/privacy/erasures', 'POST', {
      email: 'done.subject@example.org',
    });
    await waitFor('the erasure to complete', async () => {
      const v = await h.admin<ErasureStatusView>(`/v1/privacy/erasures/${req.id}`);
      return v.status === 'completed';
    });
    await h.advanceAndCheck(29 * DAY);
    await h.advanceAndCheck(2 * DAY);
    assert.equal(await h.deadlineAlert(), undefined);
    assert.deepEqual(
      h.notices.filter((n) => n.alert.condition === 'privacy.erasure-deadline'),
      [],
    );
  }),
);
