/** `/v1/sync`: status, run history, a run as a job, conflicts and their resolution; admin API key. */
import type { FastifyInstance } from 'fastify';
import { requireApiKey } from '../../platform/auth/admin-guard.ts';
import { errorSchema, HttpError } from '../../platform/http/errors.ts';
import { enqueue, type Clock } from '../../platform/jobs/index.ts';
import type { Store } from '../../platform/store/index.ts';
import type { ContactSync } from './service.ts';

const security = [{ apiKey: [] }];
const errors = { 400: errorSchema, 401: errorSchema, 404: errorSchema, 409: errorSchema, 503: errorSchema };

export async function registerContactSyncRoutes(
  app: FastifyInstance,
  deps: { store: Store; clock: Clock; sync: ContactSync },
): Promise<void> {
  await app.register(
    async (scope) => {
      requireApiKey(scope, deps.store.db);
      scope.get(
        '/status',
        { schema: { tags: ['sync'], summary: 'Contact sync status', security, response: errors } },
        () => deps.sync.status(),
      );
      scope.get(
        '/runs',
        {
          schema: {
            tags: ['sync'],
            summary:
              'Run history, newest first (summary: created/updated/skipped/failed/conflicts/API calls/duration)',
            security,
            querystring: {
              type: 'object',
              additionalProperties: false,
              properties: { limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 } },
            },
            response: errors,
          },
        },
        async (req) => ({ runs: await deps.sync.listRuns((req.query as { limit: number }).limit) }),
      );
      scope.post(
        '/runs',
        {
          schema: {
            tags: ['sync'],
            summary: 'Start a run as a durable job',
            security,
            body: {
              type: 'object',
              additionalProperties: false,
              properties: {
                mode: { type: 'string', enum: ['incremental', 'full'] },
                direction: { type: 'string', enum: ['sf-to-gc', 'both'] },
                dryRun: { type: 'boolean' },
              },
            },
            response: { ...errors, 202: { type: 'object', properties: { jobId: { type: 'string' } } } },
          },
        },
        async (req, reply) => {
          const body = (req.body ?? {}) as {
            mode?: 'incremental' | 'full';
            direction?: 'sf-to-gc' | 'both';
            dryRun?: boolean;
          };
          const { id } = await deps.store.durable((trx) =>
            enqueue(trx, 'contact-sync-run', body, { clock: deps.clock }),
          );
          return reply.code(202).send({ jobId: id });
        },
      );
      scope.get(
        '/conflicts',
        {
          schema: {
            tags: ['sync'],
            summary: 'Conflict audit (both values, base, winner, reason); ?status=open lists the parked ones',
            security,
            querystring: {
              type: 'object',
              additionalProperties: false,
              properties: {
                status: { type: 'string', enum: ['open', 'applied', 'resolved'] },
                limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
              },
            },
            response: errors,
          },
        },
        async (req) => {
          const q = req.query as { status?: 'open' | 'applied' | 'resolved'; limit: number };
          return {
            conflicts: await deps.sync.listConflicts({
              ...(q.status ? { status: q.status } : {}),
              limit: q.limit,
            }),
          };
        },
      );
      scope.post(
        '/conflicts/:id/resolve',
        {
          schema: {
            tags: ['sync'],
            summary: 'Resolve a parked conflict: choose a side or give the value; written to both systems',
            security,
            params: {
              type: 'object',
              required: ['id'],
              properties: { id: { type: 'string', maxLength: 64 } },
            },
            body: {
              type: 'object',
              additionalProperties: false,
              properties: {
                side: { type: 'string', enum: ['salesforce', 'genesys'] },
                value: {
                  anyOf: [
                    { type: 'string', maxLength: 1000 },
                    { type: 'null' },
                    { type: 'array', items: { type: 'string' } },
                  ],
                },
              },
            },
            response: errors,
          },
        },
        async (req) => {
          const { id } = req.params as { id: string };
          const body = (req.body ?? {}) as {
            side?: 'salesforce' | 'genesys';
            value?: string | null | string[];
          };
          if (body.side === undefined && body.value === undefined)
            throw new HttpError('bad_request', 'Give side (salesforce|genesys) or value');
          return deps.sync.resolveConflict(id, body, 'admin-api');
        },
      );
    },
    { prefix: '/v1/sync' },
  );
}
