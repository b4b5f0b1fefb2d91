/** `GET /v1/admin/alerts`: open alerts and the recently resolved ones; requires an admin API key. */
import type { FastifyInstance } from 'fastify';
import { requireApiKey } from '../auth/admin-guard.ts';
import { errorSchema } from '../http/errors.ts';
import type { Store } from '../store/index.ts';
import { listAlerts } from './read.ts';

export async function registerAlertRoutes(app: FastifyInstance, deps: { store: Store }): Promise<void> {
  await app.register(
    async (scope) => {
      requireApiKey(scope, deps.store.db);
      scope.get(
        '/alerts',
        {
          schema: {
            tags: ['admin'],
            summary: 'Open alerts and recently resolved ones',
            security: [{ apiKey: [] }],
            querystring: {
              type: 'object',
              additionalProperties: false,
              properties: { recent: { type: 'integer', minimum: 0, maximum: 1000, default: 50 } },
            },
            response: { 400: errorSchema, 401: errorSchema },
          },
        },
        async (req) => listAlerts(deps.store.db, { recent: (req.query as { recent: number }).recent }),
      );
    },
    { prefix: '/v1/admin' },
  );
}
