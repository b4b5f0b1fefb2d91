/**
 * The inbox: every inbound event that must not be lost (webhooks, call results, save-log
 * events) is stored here, in the same transaction as the job that processes it, before the
 * sender gets its 2xx. The dedupe key makes a repeated delivery a no-op.
 */
import { timeOrderedId } from '../ids/time-ordered.ts';
import type { ColumnType, Kysely, Transaction } from 'kysely';
import type { Database, Migration } from '../store/index.ts';
import { hotStatement } from '../store/hot-statement.ts';

declare module '../store/schema.ts' {
  interface Database {
    inbound_events: {
      id: string;
      source: string;
      dedupe_key: string;
      body: string;
      received_at: number;
      /** The interaction the event belongs to (platform/trace); NULL for untraced events. */
      correlation_id: ColumnType<string | null, string | null | undefined, string | null>;
    };
  }
}

export const inboxMigrations: Migration[] = [
  {
    name: 'platform_0200_inbound_events',
    async up(db) {
      await db.schema
        .createTable('inbound_events')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('dedupe_key', 'text', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('received_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('inbound_events_source_key')
        .on('inbound_events')
        .columns(['source', 'dedupe_key'])
        .unique()
        .execute();
    },
  },
  {
    // Named after platform_0200 so it runs after the table exists (migrations run in name order).
    name: 'platform_0400_inbound_events_correlation',
    async up(db) {
      await db.schema.alterTable('inbound_events').addColumn('correlation_id', 'text').execute();
      await db.schema
        .createIndex('inbound_events_correlation')
        .on('inbound_events')
        .column('correlation_id')
        .execute();
    },
  },
  {
    // Events without a correlation ID are never looked up by it: only the others are indexed (one
    // page fewer per commit for them, see 0500-platform-jobs-partial-indexes.ts).
    name: 'platform_0500_inbound_events_traced',
    async up(db) {
      await db.schema.dropIndex('inbound_events_correlation').execute();
      await db.schema
        .createIndex('inbound_events_traced_idx')
        .on('inbound_events')
        .column('correlation_id')
        .where('correlation_id', 'is not', null)
        .execute();
    },
  },
];

export interface StoredEvent {
  id: string;
  /** False when an event with the same source and dedupe key was already stored. */
  created: boolean;
}

const insertEvent = hotStatement(
  6,
  (
    db,
    [id, source, dedupeKey, body, receivedAt, correlationId]: readonly [
      string,
      string,
      string,
      string,
      number,
      string | null,
    ],
  ) =>
    db
      .insertInto('inbound_events')
      .values({
        id,
        source,
        dedupe_key: dedupeKey,
        body,
        received_at: receivedAt,
        correlation_id: correlationId,
      })
      .onConflict((oc) => oc.columns(['source', 'dedupe_key']).doNothing()),
);

/** Stores an inbound event unless its (source, dedupe key) is already there. Call inside `store.durable`. */
export async function storeInbound(
  trx: Transaction<Database> | Kysely<Database>,
  event: {
    source: string;
    dedupeKey: string;
    body: string;
    receivedAt: number;
    /** The interaction it belongs to, shown in its timeline (`GET /v1/interactions/{id}`). */
    correlationId?: string | undefined;
  },
): Promise<StoredEvent> {
  const id = timeOrderedId();
  const res = await insertEvent(trx, [
    id,
    event.source,
    event.dedupeKey,
    event.body,
    event.receivedAt,
    event.correlationId ?? null,
  ]);
  if (Number(res.numAffectedRows ?? 0) > 0) return { id, created: true };
  const existing = await trx
    .selectFrom('inbound_events')
    .select('id')
    .where('source', '=', event.source)
    .where('dedupe_key', '=', event.dedupeKey)
    .executeTakeFirstOrThrow();
  return { id: existing.id, created: false };
}
