/** Alerts end to end on both dialects: de-duplication, re-notify, recovery, retrying sinks, admin API. */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test, type TestContext } from 'node:test';
import pino from 'pino';
import { startSmtpSandbox } from '../../../sandbox/smtp/index.ts';
import {
  dialects,
  testEachDialect,
  unavailableReason,
  withTestDatabase,
} from '../../../test/support/databases.ts';
import { startTestHub } from '../../../test/support/hub.ts';
import { testLogger } from '../../../test/support/logger.ts';
import { createFakeClock, type FakeClock } from '../jobs/clock.ts';
import { createQueue } from '../jobs/queue.ts';
import type { Store } from '../store/index.ts';
import { alertMigrations, createAlerts, listAlerts, type AlertSinks } from './index.ts';

const log = testLogger('alerts');
const migrations = alertMigrations;

interface Hook {
  url: string;
  bodies: Array<{ text: string; patchbay: { event: string } }>;
  /** Status codes to answer, in order; 200 once exhausted. */
  answers: number[];
  requests: number;
}

async function startHook(t: TestContext): Promise<Hook> {
  const hook: Hook = { url: '', bodies: [], answers: [], requests: 0 };
  const server: Server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      hook.requests++;
      const status = hook.answers.shift() ?? 200;
      if (status === 200) hook.bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok' : 'unavailable');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  hook.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/alerts`;
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return hook;
}

function setup(store: Store, sinks: AlertSinks, clock: FakeClock, renotifyMs = 3_600_000, logger = log) {
  const queue = createQueue({ store, log: logger, clock, random: () => 0.5 });
  const alerts = createAlerts({ store, log: logger, queue, sinks, clock, renotifyMs });
  return { queue, alerts };
}

testEachDialect(
  'a storm of 1,000 raises of one condition: one notification per sink, then one recovery message',
  async (t, { store }) => {
    const hook = await startHook(t);
    const smtp = await startSmtpSandbox();
    t.after(() => smtp.close());
    const clock = createFakeClock();
    const logged: Array<{ msg: string; event?: string }> = [];
    const capture = pino({ level: 'info' }, { write: (line: string) => void logged.push(JSON.parse(line)) });
    const { queue, alerts } = setup(
      store,
      {
        webhook: { url: hook.url },
        email: {
          smtpUrl: `smtp://${smtp.smtpHost}:${smtp.smtpPort}`,
          from: 'Patchbay <patchbay@example.test>',
          to: ['ops@example.test'],
        },
      },
      clock,
      3_600_000,
      capture,
    );

    const results = await Promise.all(
      Array.from({ length: 1000 }, (_, i) =>
        alerts.raise({
          condition: 'salesforce.unreachable',
          severity: 'critical',
          message: 'Salesforce API unreachable',
          details: { call: i },
        }),
      ),
    );
    assert.equal(results.filter((r) => r.notified === 'raised').length, 1);
    assert.equal(new Set(results.map((r) => r.alertId)).size, 1);
    await queue.runOnce();
    assert.deepEqual(
      hook.bodies.map((b) => b.patchbay.event),
      ['raised'],
    );
    assert.equal(smtp.messages().length, 1);
    clock.advance(10 * 60_000);
    assert.equal(await alerts.resolve('salesforce.unreachable', 'Salesforce API answers again'), true);
    assert.equal(await alerts.resolve('salesforce.unreachable', 'again'), false, 'nothing left to resolve');
    await queue.runOnce();

    assert.deepEqual(
      hook.bodies.map((b) => b.patchbay.event),
      ['raised', 'resolved'],
    );
    assert.match(hook.bodies[1]?.text ?? '', /RESOLVED.*open 10 min, raised 1,000 times/);
    const mails = smtp.messages();
    assert.deepEqual(
      mails.map((m) => m.subject),
      ['[Patchbay CRITICAL] salesforce.unreachable', '[Patchbay RESOLVED] salesforce.unreachable'],
    );
    assert.deepEqual(mails[0]?.to, ['ops@example.test']);
    assert.deepEqual(
      logged.filter((l) => l.event !== undefined).map((l) => l.event),
      ['raised', 'resolved'],
      'the log sink also hears each event once',
    );

    const { open, recent } = await listAlerts(store.db);
    assert.deepEqual(open, []);
    assert.equal(recent.length, 1);
    assert.equal(recent[0]?.count, 1000);
    assert.equal(recent[0]?.resolveMessage, 'Salesforce API answers again');

    // The next outage is a new alert.
    const next = await alerts.raise({
      condition: 'salesforce.unreachable',
      severity: 'critical',
      message: 'down again',
    });
    assert.equal(next.notified, 'raised');
    assert.notEqual(next.alertId, results[0]?.alertId);
  },
  { migrations, timeout: 60_000 },
);

testEachDialect(
  'an alert still open is notified again after the re-notify interval, once, however many replicas raise it',
  async (t, { store, openStore }) => {
    const hook = await startHook(t);
    const clock = createFakeClock();
    const a = setup(store, { webhook: { url: hook.url } }, clock, 60 * 60_000);
    const b = setup(await openStore(), { webhook: { url: hook.url } }, clock, 60 * 60_000);
    const raise = (x: typeof a) =>
      x.alerts.raise({
        condition: 'jobs.parked:activity-log',
        severity: 'warning',
        message: '3 parked jobs',
      });

    assert.equal((await raise(a)).notified, 'raised');
    clock.advance(59 * 60_000);
    assert.equal((await raise(b)).notified, undefined);
    clock.advance(60_000);
    const both = await Promise.all([raise(a), raise(b), raise(a), raise(b)]);
    assert.deepEqual(
      both.map((r) => r.notified).filter((n) => n !== undefined),
      ['reminder'],
    );
    await a.queue.runOnce();
    assert.deepEqual(
      hook.bodies.map((x) => x.patchbay.event),
      ['raised', 'reminder'],
    );
    assert.match(hook.bodies[1]?.text ?? '', /still open after 1 h \(raised \d times\)/);
    assert.equal((await listAlerts(store.db)).open[0]?.count, 6);
  },
  { migrations },
);

testEachDialect(
  'a failing webhook is retried by the queue until it answers',
  async (t, { store }) => {
    const hook = await startHook(t);
    hook.answers = [503, 500];
    const clock = createFakeClock();
    const { queue, alerts } = setup(store, { webhook: { url: hook.url } }, clock);
    await alerts.raise({ condition: 'feed.down', severity: 'critical', message: 'presence feed down' });

    await queue.runOnce();
    assert.equal(hook.requests, 1);
    assert.equal((await queue.list({ kind: 'alerts.webhook' }))[0]?.state, 'queued');
    clock.advance(4_000);
    await queue.runOnce();
    clock.advance(12_000);
    await queue.runOnce();
    assert.equal(hook.requests, 3);
    const [job] = await queue.list({ kind: 'alerts.webhook' });
    assert.equal(job?.state, 'completed');
    assert.equal(job?.attempts, 3);
    assert.equal(hook.bodies.length, 1);
  },
  { migrations },
);

for (const dialect of dialects) {
  void test(`GET /v1/admin/alerts lists open and recent alerts, behind an API key [${dialect}]`, async (t) => {
    const reason = unavailableReason(dialect);
    if (reason !== undefined) return t.skip(reason);
    await withTestDatabase(dialect, async ({ config }) => {
      const th = await startTestHub({
        workers: false,
        ...(config.databaseUrl === undefined ? {} : { databaseUrl: config.databaseUrl }),
      });
      try {
        await th.hub.alerts.raise({
          condition: 'routing.errors',
          severity: 'warning',
          message: '5 routing errors',
        });
        await th.hub.alerts.raise({ condition: 'sync.stale', severity: 'info', message: 'x' });
        await th.hub.alerts.resolve('sync.stale', 'cleared');

        assert.equal((await fetch(`${th.url}/v1/admin/alerts`)).status, 401);
        const auth = { authorization: `Bearer ${th.apiKey}` };
        const res = await fetch(`${th.url}/v1/admin/alerts`, { headers: auth });
        assert.equal(res.status, 200);
        const body = (await res.json()) as {
          open: Array<{ condition: string; count: number }>;
          recent: Array<{ condition: string; resolveMessage: string }>;
        };
        assert.deepEqual(
          body.open.map((a) => [a.condition, a.count]),
          [['routing.errors', 1]],
        );
        assert.deepEqual(
          body.recent.map((a) => [a.condition, a.resolveMessage]),
          [['sync.stale', 'cleared']],
        );
        assert.equal((await fetch(`${th.url}/v1/admin/alerts?recent=-1`, { headers: auth })).status, 400);
      } finally {
        await th.stop();
      }
    });
  });
}
