/**
 * HTTP of screen pop: the two Genesys data action endpoints (credentials as Genesys sends them)
 * and the mirror's status for admins.
 */
import type { FastifyInstance } from 'fastify';
import { requireApiKey } from '../../platform/auth/admin-guard.ts';
import { HttpError, errorSchema } from '../../platform/http/errors.ts';
import type { Store } from '../../platform/store/index.ts';
import type { SfMirror } from '../sf-mirror/index.ts';
import { dataActionGuard } from './auth.ts';
import type { ScreenPopConfig } from './config.ts';
import { accountLookupInputSchema, contactLookupInputSchema, lookupOutputSchema } from './contract.ts';
import type { LookupService } from './lookup.ts';

const errors = { 400: errorSchema, 401: errorSchema };

export async function registerDataActionRoutes(
  app: FastifyInstance,
  deps: { lookup: LookupService; config: ScreenPopConfig; mirror: SfMirror; store: Store },
): Promise<void> {
  const auth = deps.config.auth;
  const authorized = dataActionGuard(auth);
  const description =
    `Genesys Web Services Data Action. Credentials: header \`${auth.header}\` (User Defined) or HTTP Basic, ` +
    'as configured (SCREEN_POP_TOKEN / SCREEN_POP_BASIC_*). Every lookup outcome is a 200; Architect ' +
    'branches on `success` and `reason` (not_found, invalid_number, timeout, unavailable).';

  await app.register(
    async (scope) => {
      scope.addHook('onRequest', async (req) => {
        if (!authorized(req.headers))
          throw new HttpError('unauthorized', 'Data action credentials are missing or wrong.');
      });
      scope.post(
        '/contact-lookup',
        {
          schema: {
            tags: ['screen-pop'],
            summary: 'Caller lookup by phone number (screen pop data action)',
            description,
            body: contactLookupInputSchema,
            response: { 200: lookupOutputSchema, ...errors },
          },
        },
        async (req) => (await deps.lookup.byPhone((req.body as { phoneNumber: string }).phoneNumber)).output,
      );
      scope.post(
        '/account-lookup',
        {
          schema: {
            tags: ['screen-pop'],
            summary: 'Account lookup by account number (the not-found fallback path)',
            description,
            body: accountLookupInputSchema,
            response: { 200: lookupOutputSchema, ...errors },
          },
        },
        async (req) =>
          (await deps.lookup.byAccount((req.body as { accountNumber: string }).accountNumber)).output,
      );
    },
    { prefix: '/v1/data-actions' },
  );

  await app.register(
    async (scope) => {
      requireApiKey(scope, deps.store.db);
      scope.get(
        '/status',
        {
          schema: {
            tags: ['screen-pop'],
            summary: 'Salesforce mirror status: warm, last change applied, replay ID, counts; breaker state',
            security: [{ apiKey: [] }],
            response: { 401: errorSchema },
          },
        },
        async () => ({ mirror: await deps.mirror.status(), liveLookupCircuit: deps.lookup.breakerState() }),
      );
    },
    { prefix: '/v1/admin/screen-pop' },
  );
}
