/** `GET /v1/interactions/{conversationId}`: one interaction's timeline for support staff (admin API key). */
import type { FastifyInstance } from 'fastify';
import { requireApiKey } from '../auth/admin-guard.ts';
import { HttpError, errorSchema } from '../http/errors.ts';
import type { Store } from '../store/index.ts';
import { readTimeline } from './timeline.ts';

export async function registerInteractionRoutes(app: FastifyInstance, deps: { store: Store }): Promise<void> {
  await app.register(
    async (scope) => {
      requireApiKey(scope, deps.store.db);
      scope.get(
        '/interactions/:conversationId',
        {
          schema: {
            tags: ['admin'],
            summary: 'Timeline of one interaction: received, jobs, attempts, errors, results',
            description:
              'Everything that carries the interaction’s correlation ID (the Genesys conversation ID): inbox rows, jobs and each attempt, in time order.',
            security: [{ apiKey: [] }],
            params: {
              type: 'object',
              properties: { conversationId: { type: 'string', minLength: 1, maxLength: 200 } },
              required: ['conversationId'],
            },
            response: { 400: errorSchema, 401: errorSchema, 404: errorSchema },
          },
        },
        async (req) => {
          const { conversationId } = req.params as { conversationId: string };
          const t = await readTimeline(deps.store.db, conversationId);
          if (t === undefined)
            throw new HttpError('not_found', 'No event or job of this interaction is stored.');
          return { conversationId, ...t };
        },
      );
    },
    { prefix: '/v1' },
  );
}
