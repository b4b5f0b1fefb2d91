/** `/v1/reports`: the archive (list, download a day's report) and an on-demand run; admin API key. */
import type { FastifyInstance } from 'fastify';
import { requireApiKey } from '../../platform/auth/admin-guard.ts';
import { HttpError, errorSchema } from '../../platform/http/errors.ts';
import { enqueue, type Clock } from '../../platform/jobs/index.ts';
import type { Store } from '../../platform/store/index.ts';
import { isDate } from './kpi.ts';
import { getReport, listReports } from './store.ts';

const security = [{ apiKey: [] }];
const errors = { 400: errorSchema, 401: errorSchema, 404: errorSchema };
const dateParams = {
  type: 'object',
  required: ['date'],
  properties: { date: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' } },
} as const;

function dateOf(params: unknown): string {
  const { date } = params as { date: string };
  if (!isDate(date)) throw new HttpError('bad_request', `${date} is not a calendar date (YYYY-MM-DD)`);
  return date;
}

export async function registerReportRoutes(
  app: FastifyInstance,
  deps: { store: Store; clock: Clock },
): Promise<void> {
  await app.register(
    async (scope) => {
      requireApiKey(scope, deps.store.db);
      scope.get(
        '/',
        {
          schema: {
            tags: ['reports'],
            summary: 'List archived reports (newest first)',
            security,
            querystring: {
              type: 'object',
              additionalProperties: false,
              properties: { limit: { type: 'integer', minimum: 1, maximum: 1000, default: 60 } },
            },
            response: errors,
          },
        },
        async (req) => {
          const rows = await listReports(deps.store.db, (req.query as { limit: number }).limit);
          return {
            reports: rows.map((r) => ({
              date: r.date,
              format: r.format,
              generatedAt: new Date(r.generated_at).toISOString(),
              delivery: r.delivery,
              sentAt: r.sent_at === null ? null : new Date(r.sent_at).toISOString(),
            })),
          };
        },
      );
      scope.get(
        '/:date',
        {
          schema: {
            tags: ['reports'],
            summary: "Download a day's report: the PDF, or ?format=text|json",
            security,
            params: dateParams,
            querystring: {
              type: 'object',
              additionalProperties: false,
              properties: { format: { type: 'string', enum: ['pdf', 'text', 'json'] } },
            },
            response: errors,
          },
        },
        async (req, reply) => {
          const date = dateOf(req.params);
          const row = await getReport(deps.store.db, date);
          if (!row) throw new HttpError('not_found', `No report for ${date}`);
          const format = (req.query as { format?: string }).format ?? row.format;
          if (format === 'json')
            return {
              date,
              format: row.format,
              pdfError: row.pdf_error,
              delivery: row.delivery,
              sentAt: row.sent_at === null ? null : new Date(row.sent_at).toISOString(),
              lastSendError: row.last_send_error,
              report: JSON.parse(row.report) as unknown,
            };
          if (format === 'pdf') {
            if (row.pdf_base64 === null)
              throw new HttpError('not_found', `The PDF of ${date} could not be generated; use ?format=text`);
            return reply
              .type('application/pdf')
              .header('content-disposition', `attachment; filename="report-${date}.pdf"`)
              .send(Buffer.from(row.pdf_base64, 'base64'));
          }
          return reply.type('text/plain; charset=utf-8').send(row.text);
        },
      );
      scope.post(
        '/:date/run',
        {
          schema: {
            tags: ['reports'],
            summary: 'Generate (again) and send the report of a day, as a job',
            security,
            params: dateParams,
            response: {
              ...errors,
              202: {
                type: 'object',
                properties: { jobId: { type: 'string' }, date: { type: 'string' } },
              },
            },
          },
        },
        async (req, reply) => {
          const date = dateOf(req.params);
          const { id } = await deps.store.durable((trx) =>
            enqueue(trx, 'report-generate', { date }, { clock: deps.clock }),
          );
          return reply.code(202).send({ jobId: id, date });
        },
      );
    },
    { prefix: '/v1/reports' },
  );
}
