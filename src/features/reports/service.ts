/**
 * The report pipeline: query the day's aggregates, store the figures, build the report, render
 * the PDF (or fall back to text), archive it and queue its delivery; and the delivery itself.
 */
import type { Logger } from 'pino';
import type { Mailer } from '../../connectors/mail/index.ts';
import { MailError } from '../../connectors/mail/index.ts';
import { enqueue, PermanentError, RetryableError, type Clock } from '../../platform/jobs/index.ts';
import type { Store } from '../../platform/store/index.ts';
import { sumDays, type Targets } from './assess.ts';
import {
  addDays,
  dayInterval,
  figuresFromAggregates,
  localDate,
  METRICS,
  sameDayLastYear,
  type AggregatesResponse,
  type DayFigures,
} from './kpi.ts';
import { buildReport, type Report } from './model.ts';
import { renderPdf as defaultRenderPdf } from './pdf.ts';
import { archiveReport, getReport, markSendFailed, markSent, readDays, saveDay } from './store.ts';
import { fullText, summaryText } from './text.ts';

/** What the reports need from Genesys (the connector provides it). */
export interface AnalyticsSource {
  aggregates(query: Record<string, unknown>): Promise<AggregatesResponse>;
  queues(): Promise<Array<{ id: string; name: string }>>;
}

export interface ReportsOptions {
  store: Store;
  log: Logger;
  clock: Clock;
  timezone: string;
  targets: Targets;
  recipients: string[];
  analytics: AnalyticsSource | undefined;
  mailer: Mailer | undefined;
  /** Injectable for tests of the text fallback. */
  renderPdf?: (report: Report) => Promise<Buffer>;
}

export const SEND_RETRY_MS = 3_600_000;

export interface Reports {
  /** Yesterday in the organisation's time zone. */
  defaultDate(): string;
  generate(date: string): Promise<{ date: string; format: 'pdf' | 'text'; delivery: string; report: Report }>;
  send(date: string): Promise<{ messageId: string } | { already: true }>;
}

export function dayQueries(
  date: string,
  timezone: string,
): Record<keyof Parameters<typeof figuresFromAggregates>[2], Record<string, unknown>> {
  const { interval } = dayInterval(date, timezone);
  const base = { interval, timeZone: timezone, metrics: [...METRICS] };
  return {
    total: base,
    byQueue: { ...base, groupBy: ['queueId'] },
    byMedia: { ...base, groupBy: ['mediaType'] },
    hourly: { ...base, granularity: 'PT1H', metrics: ['nOffered'] },
    agents: { ...base, groupBy: ['queueId', 'userId'], metrics: ['tHandle'] },
  };
}

export function createReports(o: ReportsOptions): Reports {
  const render = o.renderPdf ?? defaultRenderPdf;
  const log = o.log.child({ feature: 'reports' });

  async function query(date: string): Promise<DayFigures> {
    const analytics = o.analytics;
    if (!analytics) throw new PermanentError('Genesys is not configured (GENESYS_* settings)');
    const q = dayQueries(date, o.timezone);
    const [total, byQueue, byMedia, hourly, agents, queues] = await Promise.all([
      analytics.aggregates(q.total),
      analytics.aggregates(q.byQueue),
      analytics.aggregates(q.byMedia),
      analytics.aggregates(q.hourly),
      analytics.aggregates(q.agents),
      analytics.queues(),
    ]);
    return figuresFromAggregates(date, o.timezone, { total, byQueue, byMedia, hourly, agents }, queues);
  }

  return {
    defaultDate: () => addDays(localDate(o.clock.now(), o.timezone), -1),

    async generate(date) {
      const figures = await query(date);
      const now = o.clock.now();
      await saveDay(o.store.db, figures, now);
      const stored = await readDays(o.store.db, addDays(date, -30), addDays(date, -1));
      const lastYearDate = sameDayLastYear(date);
      const lastYear = (await readDays(o.store.db, lastYearDate, lastYearDate)).get(lastYearDate);
      const window = (n: number) =>
        sumDays(
          Array.from({ length: n }, (_, i) => stored.get(addDays(date, -1 - i))?.total).filter(
            (c) => c !== undefined,
          ),
        );
      const report = buildReport(
        figures,
        o.targets,
        {
          yesterday: stored.get(addDays(date, -1))?.total,
          last7: window(7),
          last30: window(30),
          lastYear: lastYear?.total,
        },
        Array.from({ length: 30 }, (_, i) => {
          const d = addDays(date, i - 29);
          return { date: d, counts: d === date ? figures.total : stored.get(d)?.total };
        }),
        now,
      );
      const text = fullText(report);
      let pdf: Buffer | undefined;
      let pdfError: string | null = null;
      try {
        pdf = await render(report);
      } catch (err) {
        pdfError = err instanceof Error ? err.message : String(err);
        log.error({ err, date }, 'PDF generation failed; the text report will be sent instead');
      }
      const deliver = o.recipients.length > 0 && o.mailer !== undefined;
      const delivery = deliver ? 'pending' : 'skipped';
      await o.store.durable(async (trx) => {
        await archiveReport(trx, {
          date,
          format: pdf ? 'pdf' : 'text',
          pdf_base64: pdf ? pdf.toString('base64') : null,
          text,
          summary: summaryText(report),
          report: JSON.stringify(report),
          pdf_error: pdfError,
          generated_at: now,
          delivery,
          sent_at: null,
          message_id: null,
          last_send_error: null,
        });
        if (deliver)
          await enqueue(trx, 'report-send', { date }, { key: `report-send:${date}:${now}`, clock: o.clock });
      });
      log.info(
        { date, format: pdf ? 'pdf' : 'text', delivery, alerts: report.alerts.length },
        'report generated',
      );
      return { date, format: pdf ? 'pdf' : 'text', delivery, report };
    },

    async send(date) {
      const row = await getReport(o.store.db, date);
      if (!row) throw new PermanentError(`no archived report for ${date}`);
      if (row.delivery === 'sent') return { already: true };
      if (!o.mailer || o.recipients.length === 0)
        throw new PermanentError('no mail server (SMTP_URL) or distribution list (REPORT_RECIPIENTS)');
      const isPdf = row.format === 'pdf' && row.pdf_base64 !== null;
      const body = isPdf
        ? `${row.summary}\n\nThe full report is attached (PDF).\n`
        : `${row.text}\n\n(The PDF could not be generated; this is the text version.)\n`;
      try {
        const res = await o.mailer.send({
          to: o.recipients,
          subject: `Contact center report ${date}${isPdf ? '' : ' (text)'}`,
          text: body,
          attachments: isPdf
            ? [
                {
                  filename: `report-${date}.pdf`,
                  content: Buffer.from(row.pdf_base64 ?? '', 'base64'),
                  contentType: 'application/pdf',
                },
              ]
            : [
                {
                  filename: `report-${date}.txt`,
                  content: row.text,
                  contentType: 'text/plain; charset=utf-8',
                },
              ],
        });
        await markSent(
          o.store.db,
          { date, generatedAt: Number(row.generated_at) },
          res.messageId,
          o.clock.now(),
        );
        log.info({ date, recipients: o.recipients.length }, 'report e-mailed');
        return res;
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        await markSendFailed(o.store.db, date, message);
        if (err instanceof MailError && !err.temporary) throw new PermanentError(message, { cause: err });
        // Retried hourly (the seed's "Email fails: retry next hour").
        throw new RetryableError(message, { retryAfterMs: SEND_RETRY_MS, cause: err });
      }
    },
  };
}
