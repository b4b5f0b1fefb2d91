/**
 * The report pipeline against the real emulators: a simulated day on the Genesys emulator (ground
 * truth from the simulator), the connector, a real database and job queue (fake clock), and the SMTP
 * sandbox. The PDF is rendered to PNG with pdftoppm into test-results/ and its text extracted.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startGenesysSandbox, type GenesysSandbox } from '../../../sandbox/genesys/index.ts';
import { runSimulation } from '../../../sandbox/simulator/index.ts';
import { startSmtpSandbox, type SmtpSandbox } from '../../../sandbox/smtp/index.ts';
import { withTestDatabase } from '../../../test/support/databases.ts';
import { startTestHub } from '../../../test/support/hub.ts';
import { testLogger } from '../../../test/support/logger.ts';
import { createGenesysConnector } from '../../connectors/genesys/client.ts';
import { createMailer, type Mailer } from '../../connectors/mail/index.ts';
import { createFakeClock, createQueue } from '../../platform/jobs/index.ts';
import { defaultTargets, fmtDuration, fmtPct } from './assess.ts';
import { analyticsFromConnector } from './genesys-source.ts';
import { defineReportJobs } from './jobs.ts';
import { kpis } from './kpi.ts';
import { createReports, SEND_RETRY_MS } from './service.ts';
import { listReports, reportMigrations } from './store.ts';

const TZ = 'Europe/Paris';
const DAY = '2026-03-10';
const START = Date.parse('2026-03-10T07:00:00Z'); // 08:00 in Paris
const artefacts = join(import.meta.dirname, '..', '..', '..', 'test-results');

void describe('nightly report on a simulated day', () => {
  let gc: GenesysSandbox;
  let smtp: SmtpSandbox;
  let truth: Awaited<ReturnType<typeof runSimulation>>['truth'];
  before(async () => {
    gc = await startGenesysSandbox({ seed: { users: 12, queues: 3 } });
    smtp = await startSmtpSandbox();
    const sim = await runSimulation({
      genesys: { baseUrl: gc.url, clientId: gc.clientId, clientSecret: gc.clientSecret },
      seed: 11,
      callsPerMinute: 1.2,
      agents: 10,
      durationMs: 5 * 3_600_000,
      startAt: START,
    });
    assert.deepEqual(sim.errors, []);
    truth = sim.truth;
  });
  after(async () => {
    await gc?.close();
    await smtp?.close();
  });

  void it('KPIs in the stored figures and in the PDF equal the ground truth; mail with the PDF; SMTP down → retried an hour later', async () => {
    await withTestDatabase(
      'sqlite',
      async ({ store }) => {
        const clock = createFakeClock(Date.parse('2026-03-11T01:00:00Z')); // 02:00 in Paris, the next day
        const log = testLogger();
        const genesys = createGenesysConnector({
          apiUrl: gc.url,
          clientId: gc.clientId,
          clientSecret: gc.clientSecret,
          store,
          log,
        });
        const mailer = createMailer({
          url: `smtp://127.0.0.1:${smtp.smtpPort}`,
          from: 'Patchbay <reports@patchbay.test>',
        });
        const queue = createQueue({ store, log, clock });
        const reports = createReports({
          store,
          log,
          clock,
          timezone: TZ,
          targets: defaultTargets,
          recipients: ['cc-leads@patchbay.test', 'ops@patchbay.test'],
          analytics: analyticsFromConnector(genesys),
          mailer,
        });
        defineReportJobs(queue, reports);
        try {
          assert.equal(reports.defaultDate(), DAY);
          // SMTP is down when the nightly run sends.
          smtp.setSmtpFault({ stage: 'connect', code: 421, message: 'Service not available' });
          await store.durable((trx) => queue.enqueue(trx, 'report-generate', {}));
          await queue.runOnce('report-generate');
          await queue.runOnce('report-send');
          const [send] = await queue.list({ kind: 'report-send' });
          assert.equal(send?.state, 'queued');
          const wait = (send?.runAt ?? 0) - clock.now();
          assert.ok(
            wait >= SEND_RETRY_MS && wait <= SEND_RETRY_MS * 1.15,
            `retried in one hour (+ jitter): ${wait} ms`,
          );
          assert.match(send?.lastError ?? '', /421/);
          assert.equal(smtp.messages().length, 0);

          // The server recovers; an hour later the retry delivers.
          smtp.setSmtpFault(undefined);
          clock.advance(wait);
          await queue.runOnce('report-send');
          assert.equal((await queue.get(send?.id ?? ''))?.state, 'completed');
          const [mail] = smtp.messages();
          assert.ok(mail);
          assert.equal(mail.subject, `Contact center report ${DAY}`);
          assert.deepEqual(
            mail.attachments.map((a) => [a.filename, a.contentType]),
            [[`report-${DAY}.pdf`, 'application/pdf']],
          );
          const full = await fetch(`${smtp.url}/messages/${mail.id}`).then(
            (r) => r.json() as Promise<{ text: string }>,
          );
          assert.match(full.text, /Total conversations: \d+ offered/);

          // Stored figures = ground truth, queue by queue.
          const row = await store.db
            .selectFrom('reports')
            .selectAll()
            .where('date', '=', DAY)
            .executeTakeFirstOrThrow();
          assert.equal(row.format, 'pdf');
          assert.equal(row.delivery, 'sent');
          const report = JSON.parse(row.report) as import('./model.ts').Report;
          let offered = 0;
          for (const q of report.figures.byQueue) {
            const t = truth.byQueue[q.queueId];
            const k = kpis(q.counts);
            assert.ok(t, `truth for ${q.queueId}`);
            assert.equal(k.offered, t.offered, `${q.name} offered`);
            assert.equal(k.answered, t.answered, `${q.name} answered`);
            assert.equal(k.abandoned, t.abandoned, `${q.name} abandoned`);
            assert.equal(q.counts.handleMs, t.handleMs, `${q.name} handle time`);
            assert.equal(q.counts.handled, t.handled, `${q.name} handled`);
            assert.equal(q.counts.answerWaitMs, t.answerWaitMs, `${q.name} answer wait`);
            offered += t.offered;
          }
          assert.ok(offered > 200, `a busy day (${offered} offered)`);
          assert.equal(kpis(report.figures.total).offered, offered);
          assert.equal(
            report.figures.hourly.reduce((a, h) => a + h.offered, 0),
            offered,
          );

          // The PDF: text extracted and pages rendered to PNG.
          const pdf = Buffer.from(row.pdf_base64 ?? '', 'base64');
          mkdirSync(artefacts, { recursive: true });
          const pdfPath = join(artefacts, `report-${DAY}.pdf`);
          writeFileSync(pdfPath, pdf);
          const text = execFileSync('pdftotext', ['-layout', pdfPath, '-'], { encoding: 'utf8' });
          for (const q of report.figures.byQueue) {
            const t = truth.byQueue[q.queueId]!;
            const expected = [
              t.offered,
              t.answered,
              t.abandoned,
              fmtPct(kpis(q.counts).serviceLevel),
              fmtDuration(t.handled ? t.handleMs / t.handled : null),
              fmtDuration(t.answered ? t.answerWaitMs / t.answered : null),
              fmtPct(t.offered ? t.abandoned / t.offered : null),
            ].join('\\s+');
            assert.match(
              text,
              new RegExp(`${escapeRe(q.name)}\\s+${expected}\\s+\\d+`),
              `PDF row of ${q.name}`,
            );
          }
          assert.match(text, new RegExp(`CONVERSATIONS OFFERED\\s[\\s\\S]*?${offered}`));
          for (const title of [
            'Volume by hour',
            'Service level by queue',
            '30-day trend',
            'By queue',
            'Alerts',
          ])
            assert.ok(text.includes(title), title);
          execFileSync('pdftoppm', ['-png', '-r', '70', pdfPath, join(artefacts, `report-${DAY}`)]);
          const pngs = readdirSync(artefacts).filter(
            (f) => f.startsWith(`report-${DAY}`) && f.endsWith('.png'),
          );
          assert.equal(pngs.length, 3, 'cover, charts, tables');
        } finally {
          await queue.stop({ deadlineMs: 100 });
          mailer.close();
          await genesys.close();
        }
      },
      reportMigrations,
    );
  });

  void it('PDF failure → the text report is sent instead', async () => {
    await withTestDatabase(
      'sqlite',
      async ({ store }) => {
        smtp.clear();
        smtp.setSmtpFault(undefined);
        const clock = createFakeClock(Date.parse('2026-03-11T01:00:00Z'));
        const log = testLogger();
        const genesys = createGenesysConnector({
          apiUrl: gc.url,
          clientId: gc.clientId,
          clientSecret: gc.clientSecret,
          store,
          log,
        });
        const mailer = createMailer({
          url: `smtp://127.0.0.1:${smtp.smtpPort}`,
          from: 'reports@patchbay.test',
        });
        const deps = {
          store,
          log,
          clock,
          timezone: TZ,
          targets: defaultTargets,
          recipients: ['cc-leads@patchbay.test'],
          analytics: analyticsFromConnector(genesys),
          renderPdf: () => Promise.reject(new Error('font file missing')),
        };
        const reports = createReports({ ...deps, mailer });
        try {
          const res = await reports.generate(DAY);
          assert.equal(res.format, 'text');
          await reports.send(DAY);
          const [mail] = smtp.messages();
          assert.equal(mail?.subject, `Contact center report ${DAY} (text)`);
          assert.deepEqual(
            mail?.attachments.map((a) => a.contentType.split(';')[0]),
            ['text/plain'],
          );
          const full = await fetch(`${smtp.url}/messages/${mail?.id}`).then(
            (r) => r.json() as Promise<{ text: string }>,
          );
          assert.match(full.text, /By queue:/);
          assert.match(full.text, /PDF could not be generated/);
          assert.deepEqual(await reports.send(DAY), { already: true }, 'a sent report is not mailed twice');

          // Regenerated while it is being mailed: the version mailed is the one marked sent; the new
          // version stays pending, and its own send mails it.
          clock.advance(60_000);
          await reports.generate(DAY);
          const regeneratedDuringSend: Mailer = {
            async send(message) {
              const sent = await mailer.send(message);
              clock.advance(60_000);
              await reports.generate(DAY);
              return sent;
            },
            close: () => undefined,
          };
          await createReports({ ...deps, mailer: regeneratedDuringSend }).send(DAY);
          const [latest] = await listReports(store.db, 1);
          assert.equal(
            latest?.delivery,
            'pending',
            'the version generated during the send is not marked sent',
          );
          await reports.send(DAY);
          assert.equal(smtp.messages().length, 3, 'every version mailed once');
          assert.equal((await listReports(store.db, 1))[0]?.delivery, 'sent');
        } finally {
          mailer.close();
          await genesys.close();
        }
      },
      reportMigrations,
    );
  });

  void it('the hub archives reports: POST /v1/reports/{date}/run, GET /v1/reports/{date} (admin key)', async () => {
    smtp.clear();
    const t = await startTestHub({
      env: {
        GENESYS_API_URL: gc.url,
        GENESYS_CLIENT_ID: gc.clientId,
        GENESYS_CLIENT_SECRET: gc.clientSecret,
        SMTP_URL: `smtp://127.0.0.1:${smtp.smtpPort}`,
        REPORT_RECIPIENTS: 'cc-leads@patchbay.test',
        PATCHBAY_TIMEZONE: TZ,
        PRESENCE_ENABLED: 'false',
      },
    });
    try {
      const auth = { authorization: `Bearer ${t.apiKey}` };
      assert.equal((await fetch(`${t.url}/v1/reports/${DAY}`)).status, 401);
      assert.equal((await fetch(`${t.url}/v1/reports/${DAY}`, { headers: auth })).status, 404);
      const run = await fetch(`${t.url}/v1/reports/${DAY}/run`, { method: 'POST', headers: auth });
      assert.equal(run.status, 202);
      await smtp.waitForMessage((m) => (m.subject ?? '').includes(DAY));
      const pdf = await fetch(`${t.url}/v1/reports/${DAY}`, { headers: auth });
      assert.equal(pdf.status, 200);
      assert.equal(pdf.headers.get('content-type'), 'application/pdf');
      assert.equal(
        Buffer.from(await pdf.arrayBuffer())
          .subarray(0, 5)
          .toString(),
        '%PDF-',
      );
      const bad = await fetch(`${t.url}/v1/reports/2026-02-30`, { headers: auth });
      assert.equal(bad.status, 400);
      assert.equal(((await bad.json()) as { error: { code: string } }).error.code, 'bad_request');
    } finally {
      await t.stop();
    }
  });
});

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
