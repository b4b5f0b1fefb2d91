/**
 * Back-office communication records (seed 002): `POST /customers/supportInteraction` pairs an
 * interaction with a customer; `POST /customers/supportResult` is validated at receipt and
 * accepted durably; the `support-result` job enriches it (agent name, wrap-up name through the
 * Genesys connector's caches), finds the customers and writes one communication record per
 * customer (`BACKOFFICE_CUSTOMERS=last`: only the last, as the seed did).
 */
import type { CountryCode } from 'libphonenumber-js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { BackofficeConnector } from '../../connectors/backoffice/index.ts';
import { vendorErrorCode } from '../../connectors/errors.ts';
import { presentedKey } from '../../platform/auth/admin-guard.ts';
import { verifyApiKey } from '../../platform/auth/api-keys.ts';
import { HttpError } from '../../platform/http/errors.ts';
import {
  enqueue,
  PermanentError,
  RetryableError,
  type Clock,
  type JobContext,
  type Queue,
} from '../../platform/jobs/index.ts';
import type { Logger } from '../../platform/log/logger.ts';
import { normalizePhone } from '../../platform/phone/normalize.ts';
import type { Database, Store } from '../../platform/store/index.ts';
import { acceptedSchema } from '../call-end-intake/index.ts';
import { acceptEvent, acceptedId, loadEvent, signedScope } from '../call-end-intake/intake.ts';
import { SUPPORT_RESULT_SOURCE } from '../call-end-intake/jobs.ts';
import type { GenesysLookups } from '../call-end-intake/ports.ts';
import type { VerifierConfig } from '../call-end-intake/signatures.ts';
import {
  communicationRecord,
  validateSupportInteraction,
  validateSupportResult,
  type SupportResult,
} from './mapping.ts';
import { customersOf, deliveredKeys, listForReview, markDelivered, NULL_CUSTOMER } from './store.ts';

export { supportResultMigrations } from './store.ts';

export interface SupportResultDeps {
  store: Store;
  queue: Queue;
  clock: Clock;
  log: Logger;
  verifier: VerifierConfig;
  customersPolicy: 'every' | 'last';
  /** Region of ANIs without a country code (PHONE_DEFAULT_REGION). */
  phoneRegion: CountryCode;
  genesys: () => Pick<GenesysLookups, 'getUser' | 'getWrapupCode'> | undefined;
  backoffice: () => BackofficeConnector | undefined;
}

export interface SupportResultOutcome {
  records: number;
  alreadyLogged: number;
  customers: Array<string | null>;
  matchedBy: 'pairing' | 'ani' | 'email' | 'none';
  review: boolean;
}

async function nameOf(fetch: () => Promise<{ name?: string | undefined }>): Promise<string | null> {
  try {
    return (await fetch()).name ?? null;
  } catch (err) {
    // A deleted user or wrap-up code: the record is still written, with no name.
    if (vendorErrorCode(err) === 'not.found' || (err as { status?: number }).status === 404) return null;
    throw err;
  }
}

export async function registerSupportResult(app: FastifyInstance, deps: SupportResultDeps): Promise<void> {
  await signedScope(
    app,
    { verifier: () => deps.verifier, clock: deps.clock, log: deps.log, source: SUPPORT_RESULT_SOURCE },
    (scope) => {
      scope.post(
        '/customers/supportInteraction',
        {
          schema: {
            tags: ['back office'],
            summary: 'Pair an interaction with a customer (seed 002 §0)',
            response: {
              201: {
                type: 'object',
                properties: {
                  customerId: { type: 'string' },
                  interactionId: { type: 'string' },
                  createdAt: { type: 'string' },
                },
              },
            },
          },
        },
        async (req: FastifyRequest, reply: FastifyReply) => {
          const v = validateSupportInteraction(req.body);
          if (!v.ok) throw new HttpError('validation_failed', v.message, { field: v.field });
          const now = deps.clock.now();
          await deps.store.durable((trx) =>
            trx
              .insertInto('support_interactions')
              .values({
                interaction_id: v.value.interactionId,
                customer_id: v.value.customerId,
                created_at: now,
              })
              .onConflict((oc) => oc.columns(['interaction_id', 'customer_id']).doNothing())
              .execute(),
          );
          return reply.code(201).send({ ...v.value, createdAt: new Date(now).toISOString() });
        },
      );
      scope.post(
        '/customers/supportResult',
        {
          schema: {
            tags: ['back office'],
            summary: 'Call result from Genesys (seed 002 §1); stored with its job before the 202',
            response: acceptedSchema,
          },
        },
        async (req: FastifyRequest, reply: FastifyReply) => {
          const v = validateSupportResult(req.body);
          if (!v.ok) throw new HttpError('validation_failed', v.message, { field: v.field });
          const res = await acceptEvent({
            store: deps.store,
            clock: deps.clock,
            source: SUPPORT_RESULT_SOURCE,
            messageId: req.webhookMessageId,
            dedupeKey: v.value.conversationId,
            body: JSON.stringify(v.value),
            correlationId: v.value.conversationId,
            jobs: (trx: Kysely<Database>, eventId: string) =>
              enqueue(
                trx,
                'support-result',
                { eventId, conversationId: v.value.conversationId },
                {
                  key: `support-result:${v.value.conversationId}`,
                  clock: deps.clock,
                },
              ),
          });
          return reply.code(202).send({ accepted: true, ...acceptedId(res) });
        },
      );
    },
  );

  async function matchCustomer(
    bo: BackofficeConnector,
    r: SupportResult,
    signal: AbortSignal,
  ): Promise<{ customerId: string | null; matchedBy: SupportResultOutcome['matchedBy'] }> {
    const handle = r.ani.replace(/^(mailto|tel):/i, '').trim();
    let filter: { phone?: string; email?: string } | undefined;
    let by: 'ani' | 'email' = 'ani';
    if (/^[^@\s]+@[^@\s]+$/.test(handle)) {
      filter = { email: handle };
      by = 'email';
    } else {
      const p = normalizePhone(handle, deps.phoneRegion);
      if (p.ok) filter = { phone: p.e164 };
    }
    if (!filter) return { customerId: null, matchedBy: 'none' };
    const found = await bo.findCustomers(filter, signal);
    // Exactly one match: several customers sharing a number cannot be told apart here.
    return found.length === 1 && found[0]
      ? { customerId: found[0].id, matchedBy: by }
      : { customerId: null, matchedBy: 'none' };
  }

  async function handle(
    payload: { eventId: string; conversationId: string },
    ctx: JobContext,
  ): Promise<SupportResultOutcome> {
    const bo = deps.backoffice();
    if (!bo) throw new RetryableError('the back office is not configured (BACKOFFICE_URL)');
    const gc = deps.genesys();
    if (!gc)
      throw new RetryableError('Genesys is not configured (GENESYS_*): agent and wrap-up names are needed');
    const stored = await loadEvent(deps.store.db, payload.eventId);
    if (!stored) throw new PermanentError(`inbound event ${payload.eventId} not found`);
    const v = validateSupportResult(JSON.parse(stored.body));
    if (!v.ok) throw new PermanentError(`stored supportResult invalid: ${v.field}`);
    const r = v.value;
    const [agentName, wrapupName] = await Promise.all([
      nameOf(() => gc.getUser(r.userId)),
      nameOf(() => gc.getWrapupCode(r.wrapupCode)),
    ]);
    const paired = await customersOf(deps.store.db, r.conversationId);
    let customers: Array<string | null>;
    let matchedBy: SupportResultOutcome['matchedBy'] = 'pairing';
    let review = false;
    if (paired.length > 0) {
      customers = deps.customersPolicy === 'last' ? paired.slice(-1) : paired;
    } else {
      const m = await matchCustomer(bo, r, ctx.signal);
      customers = [m.customerId];
      matchedBy = m.matchedBy;
      if (m.customerId === null) {
        review = true;
        await listForReview(
          deps.store.db,
          r.conversationId,
          'no customer paired or matched',
          deps.clock.now(),
        );
      }
    }
    const done = await deliveredKeys(deps.store.db, r.conversationId);
    let records = 0;
    let alreadyLogged = 0;
    for (const customerId of customers) {
      if (done.has(customerId ?? NULL_CUSTOMER)) continue;
      // A retry may follow a POST whose answer was lost: look before writing again.
      if (ctx.attempt > 1) {
        const existing = await bo.findRecords({ interactionId: r.conversationId, customerId }, ctx.signal);
        if (existing.length > 0) {
          await markDelivered(deps.store.db, r.conversationId, customerId, existing[0]?.id, deps.clock.now());
          alreadyLogged++;
          continue;
        }
      }
      const res = await bo.createRecord(
        communicationRecord(r, { customerId, agentName, wrapupName }),
        ctx.signal,
      );
      if (res.created) records++;
      else alreadyLogged++;
      await markDelivered(deps.store.db, r.conversationId, customerId, res.id, deps.clock.now());
    }
    return { records, alreadyLogged, customers, matchedBy, review };
  }

  deps.queue.define('support-result', { concurrency: 8, handler: handle });

  // The review list: interactions logged without a customer.
  app.get(
    '/v1/support-results/review',
    {
      schema: {
        tags: ['back office'],
        summary: 'Interactions logged with customerId null, for review',
        security: [{ apiKey: [] }],
      },
      onRequest: async (req) => {
        const key = presentedKey(req);
        if (!key || !(await verifyApiKey(deps.store.db, key)))
          throw new HttpError(
            'unauthorized',
            'A valid admin API key is required (Authorization: Bearer <key>).',
          );
      },
    },
    async () => {
      const rows = await deps.store.db
        .selectFrom('support_result_review')
        .selectAll()
        .orderBy('created_at')
        .limit(1000)
        .execute();
      return {
        items: rows.map((r) => ({
          interactionId: r.interaction_id,
          reason: r.reason,
          createdAt: new Date(Number(r.created_at)).toISOString(),
        })),
      };
    },
  );
}
