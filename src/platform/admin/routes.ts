/** Admin API for the job queue and API keys; every route requires an admin API key. */
import type { FastifyInstance } from 'fastify';
import { listApiKeys, revokeApiKey } from '../auth/api-keys.ts';
import { requireApiKey } from '../auth/admin-guard.ts';
import { HttpError, errorSchema } from '../http/errors.ts';
import type { Queue } from '../jobs/index.ts';
import type { Store } from '../store/index.ts';
import { registerInteractionRoutes } from '../trace/routes.ts';

const jobStates = ['queued', 'running', 'completed', 'parked'] as const;
const security = [{ apiKey: [] }];
const errors = { 400: errorSchema, 401: errorSchema, 404: errorSchema };
const idParams = {
  type: 'object',
  properties: { id: { type: 'string', maxLength: 100 } },
  required: ['id'],
} as const;

export async function registerAdminRoutes(
  app: FastifyInstance,
  deps: { store: Store; queue: Queue },
): Promise<void> {
  await app.register(
    async (scope) => {
      requireApiKey(scope, deps.store.db);

      scope.get(
        '/jobs',
        {
          schema: {
            tags: ['admin'],
            summary: 'List jobs',
            security,
            querystring: {
              type: 'object',
              additionalProperties: false,
              properties: {
                state: { type: 'string', enum: [...jobStates] },
                kind: { type: 'string', maxLength: 100 },
                limit: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
              },
            },
            response: errors,
          },
        },
        async (req) => {
          const q = req.query as { state?: (typeof jobStates)[number]; kind?: string; limit: number };
          return {
            jobs: await deps.queue.list({
              ...(q.state ? { state: q.state } : {}),
              ...(q.kind ? { kind: q.kind } : {}),
              limit: q.limit,
            }),
          };
        },
      );
      scope.get(
        '/jobs/parked',
        {
          schema: { tags: ['admin'], summary: 'List parked (dead-letter) jobs', security, response: errors },
        },
        async () => ({ jobs: await deps.queue.parked() }),
      );
      scope.get(
        '/jobs/:id',
        {
          schema: {
            tags: ['admin'],
            summary: 'One job with its attempts and last error',
            security,
            params: idParams,
            response: errors,
          },
        },
        async (req) => {
          const job = await deps.queue.get((req.params as { id: string }).id);
          if (!job) throw new HttpError('not_found', 'No such job.');
          return { job };
        },
      );
      scope.post(
        '/jobs/:id/replay',
        {
          schema: {
            tags: ['admin'],
            summary: 'Replay a parked job',
            security,
            params: idParams,
            response: { ...errors, 409: errorSchema },
          },
        },
        async (req) => {
          const id = (req.params as { id: string }).id;
          const job = await deps.queue.get(id);
          if (!job) throw new HttpError('not_found', 'No such job.');
          if (job.state !== 'parked')
            throw new HttpError('conflict', `Only parked jobs can be replayed; this job is ${job.state}.`);
          await deps.queue.replay(id);
          return { job: await deps.queue.get(id) };
        },
      );
      scope.get(
        '/apikeys',
        {
          schema: {
            tags: ['admin'],
            summary: 'List API keys (never their secrets)',
            security,
            response: errors,
          },
        },
        async () => ({ apiKeys: await listApiKeys(deps.store.db) }),
      );
      scope.delete(
        '/apikeys/:id',
        {
          schema: {
            tags: ['admin'],
            summary: 'Revoke an API key',
            security,
            params: idParams,
            response: errors,
          },
        },
        async (req) => {
          const ok = await revokeApiKey(deps.store.db, (req.params as { id: string }).id);
          if (!ok) throw new HttpError('not_found', 'No such active API key.');
          return { revoked: true };
        },
      );
    },
    { prefix: '/v1/admin' },
  );
  // Support staff's view of one interaction (same admin key).
  await registerInteractionRoutes(app, { store: deps.store });
}
