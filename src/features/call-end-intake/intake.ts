/**
 * Signed, durable intake shared by every after-call input (conversation end, supportResult,
 * save-log): verify the signature over the raw bytes, refuse a replayed message ID, then — in
 * one transaction — remember the message ID, store the event in the inbox (deduplicated on its
 * key) and enqueue its jobs. Only then does the route answer. A failure answers 401 and writes
 * nothing.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Kysely, Transaction } from 'kysely';
import { HttpError } from '../../platform/http/errors.ts';
import { storeInbound } from '../../platform/inbox/inbox.ts';
import type { Clock } from '../../platform/jobs/index.ts';
import { withCorrelation } from '../../platform/trace/context.ts';
import type { Logger } from '../../platform/log/logger.ts';
import type { Database, Migration, Store } from '../../platform/store/index.ts';
import { hotStatement } from '../../platform/store/hot-statement.ts';
import { verifySignature, type VerifierConfig } from './signatures.ts';

declare module '../../platform/store/schema.ts' {
  interface Database {
    webhook_message_ids: { source: string; message_id: string; received_at: number };
  }
}

export const intakeMigrations: Migration[] = [
  {
    name: '1400-call-end-webhook-message-ids',
    async up(db) {
      await db.schema
        .createTable('webhook_message_ids')
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('message_id', 'text', (c) => c.notNull())
        .addColumn('received_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('webhook_message_ids_pk', ['source', 'message_id'])
        .execute();
      await db.schema
        .createIndex('webhook_message_ids_received')
        .on('webhook_message_ids')
        .column('received_at')
        .execute();
    },
  },
];

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by `signedScope` once the signature is verified. */
    webhookMessageId?: string | undefined;
  }
}

/**
 * Registers routes whose JSON bodies are verified before they are parsed: `register(scope)` adds
 * routes to a scope where `req.body` is the parsed JSON of a request whose signature is valid.
 */
export async function signedScope(
  app: FastifyInstance,
  opts: { verifier: () => VerifierConfig; clock: Clock; log: Logger; source: string },
  register: (scope: FastifyInstance) => void | Promise<void>,
): Promise<void> {
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      ['application/json', 'application/*+json'],
      { parseAs: 'buffer' },
      (req, body, done) => {
        req.bodyBytes = body as Buffer;
        done(null, undefined);
      },
    );
    // preHandler runs after the body is read and before schema validation would matter to us.
    scope.addHook('preValidation', async (req: FastifyRequest) => {
      const bytes = req.bodyBytes ?? Buffer.alloc(0);
      const res = verifySignature(opts.verifier(), req.headers, bytes, opts.clock.now());
      if (!res.ok) {
        opts.log.warn({ source: opts.source, reason: res.reason, reqId: req.id }, 'webhook refused');
        throw new HttpError('unauthorized', 'The request signature is missing, stale or invalid.', {
          reason: res.reason,
        });
      }
      req.webhookMessageId = res.messageId;
      if (bytes.length === 0) throw new HttpError('bad_request', 'The request body is empty.');
      try {
        req.body = JSON.parse(bytes.toString('utf8'));
      } catch {
        throw new HttpError('invalid_json', 'The request body is not valid JSON.');
      }
    });
    await register(scope);
  });
}

export interface AcceptOptions<T> {
  store: Store;
  clock: Clock;
  source: string;
  messageId: string | undefined;
  dedupeKey: string;
  body: string;
  /** The interaction's correlation ID (its conversation ID): stored on the event and its jobs. */
  correlationId?: string | undefined;
  /** Enqueue the event's jobs (only when the event is new). */
  jobs: (trx: Kysely<Database>, eventId: string) => Promise<T>;
}

export type AcceptResult<T> =
  | { outcome: 'accepted'; eventId: string; jobs: T }
  | { outcome: 'duplicate'; eventId: string }
  | { outcome: 'replayed' };

const insertMessageId = hotStatement(
  3,
  (db, [source, messageId, receivedAt]: readonly [string, string, number]) =>
    db
      .insertInto('webhook_message_ids')
      .values({ source, message_id: messageId, received_at: receivedAt })
      .onConflict((oc) => oc.columns(['source', 'message_id']).doNothing()),
);

/** The durable accept: message ID, event and jobs in one transaction (group-committed on SQLite). */
export async function acceptEvent<T>(opts: AcceptOptions<T>): Promise<AcceptResult<T>> {
  const now = opts.clock.now();
  return opts.store.durable(async (trx: Transaction<Database>) => {
    if (opts.messageId !== undefined) {
      const ins = await insertMessageId(trx, [opts.source, opts.messageId, now]);
      if (Number(ins.numAffectedRows ?? 0) === 0) return { outcome: 'replayed' as const };
    }
    const ev = await storeInbound(trx, {
      source: opts.source,
      dedupeKey: opts.dedupeKey,
      body: opts.body,
      receivedAt: now,
      correlationId: opts.correlationId,
    });
    if (!ev.created) return { outcome: 'duplicate' as const, eventId: ev.id };
    const jobs = await withCorrelation(opts.correlationId, () => opts.jobs(trx, ev.id));
    return { outcome: 'accepted' as const, eventId: ev.id, jobs };
  });
}

/** Throws the 401 of a replay; otherwise the event ID. */
export function acceptedId<T>(res: AcceptResult<T>): { eventId: string; duplicate: boolean } {
  if (res.outcome === 'replayed')
    throw new HttpError('unauthorized', 'This message was already received (replayed message ID).', {
      reason: 'replayed',
    });
  return { eventId: res.eventId, duplicate: res.outcome === 'duplicate' };
}

/** Forget message IDs older than twice the tolerance: a replay that old fails the timestamp check. */
export async function pruneMessageIds(store: Store, clock: Clock, toleranceSeconds: number): Promise<number> {
  const res = await store.db
    .deleteFrom('webhook_message_ids')
    .where('received_at', '<', clock.now() - 2 * toleranceSeconds * 1000)
    .executeTakeFirst();
  return Number(res.numDeletedRows ?? 0);
}

/** Reads a stored inbound event's body (the job side). */
export async function loadEvent(
  db: Kysely<Database>,
  eventId: string,
): Promise<{ body: string; receivedAt: number } | undefined> {
  const row = await db
    .selectFrom('inbound_events')
    .select(['body', 'received_at'])
    .where('id', '=', eventId)
    .executeTakeFirst();
  return row && { body: row.body, receivedAt: Number(row.received_at) };
}
