/**
 * Conversation-end intake: `POST /webhook/call-ended` (the seed's path) and
 * `POST /v1/webhooks/genesys/conversation-end`, signed per CALL_END_SIGNATURE, accepted durably
 * (event + `activity-log` job in one transaction, then 202). A repeated delivery of the same
 * conversation end answers 202 without a second job; a replayed message ID answers 401.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { HttpError } from '../../platform/http/errors.ts';
import { enqueue, type Clock } from '../../platform/jobs/index.ts';
import type { Logger } from '../../platform/log/logger.ts';
import type { Database, Store } from '../../platform/store/index.ts';
import { parseCallEnd, type CallEndEvent } from './call-end.ts';
import { acceptEvent, acceptedId, pruneMessageIds, signedScope } from './intake.ts';
import { CALL_END_SOURCE } from './jobs.ts';
import type { VerifierConfig } from './signatures.ts';

export { intakeMigrations } from './intake.ts';
export { callLoggingSettings, type CallLoggingSettings } from './settings.ts';

export interface CallEndIntakeDeps {
  store: Store;
  clock: Clock;
  log: Logger;
  verifier: VerifierConfig;
}

export const acceptedSchema = {
  202: {
    type: 'object',
    required: ['accepted', 'eventId', 'duplicate'],
    properties: {
      accepted: { type: 'boolean' },
      eventId: { type: 'string' },
      duplicate: { type: 'boolean' },
    },
  },
} as const;

/** Stores a conversation end and its job; shared by the webhook routes and the notifications source. */
export async function acceptCallEnd(
  deps: Pick<CallEndIntakeDeps, 'store' | 'clock'>,
  event: CallEndEvent,
  messageId: string | undefined,
  body: string,
) {
  return acceptEvent({
    store: deps.store,
    clock: deps.clock,
    source: CALL_END_SOURCE,
    messageId,
    dedupeKey: `${event.conversationId}:conversation.ended`,
    body,
    correlationId: event.conversationId,
    jobs: (trx: Kysely<Database>, eventId: string) =>
      enqueue(
        trx,
        'activity-log',
        { eventId, conversationId: event.conversationId },
        {
          key: `activity-log:${event.conversationId}`,
          clock: deps.clock,
        },
      ),
  });
}

export async function registerCallEndIntake(app: FastifyInstance, deps: CallEndIntakeDeps): Promise<void> {
  await signedScope(
    app,
    { verifier: () => deps.verifier, clock: deps.clock, log: deps.log, source: CALL_END_SOURCE },
    (scope) => {
      const handler = async (req: FastifyRequest, reply: FastifyReply) => {
        const parsed = parseCallEnd(req.body);
        if (!parsed.ok)
          throw new HttpError('validation_failed', `${parsed.field}: ${parsed.message}`, {
            field: parsed.field,
          });
        const res = acceptedId(
          await acceptCallEnd(
            deps,
            parsed.value,
            req.webhookMessageId,
            req.bodyBytes?.toString('utf8') ?? '',
          ),
        );
        return reply.code(202).send({ accepted: true, ...res });
      };
      const schema = (summary: string) => ({
        tags: ['call logging'],
        summary,
        description:
          'Signed per CALL_END_SIGNATURE (seed x-genesys-webhook-signature, Standard Webhooks, or a static token). Stored with its job before the 202.',
        response: acceptedSchema,
      });
      scope.post('/webhook/call-ended', { schema: schema('Conversation ended (seed 000 path)') }, handler);
      scope.post('/v1/webhooks/genesys/conversation-end', { schema: schema('Conversation ended') }, handler);
    },
  );
  const timer = setInterval(() => {
    pruneMessageIds(deps.store, deps.clock, deps.verifier.toleranceSeconds).catch((err: unknown) =>
      deps.log.warn({ err }, 'pruning webhook message IDs failed'),
    );
  }, 60_000);
  timer.unref();
  app.addHook('onClose', async () => clearInterval(timer));
}
