/**
 * Seed 002's "Support Interaction" table, without its limitation: the key is (interactionId,
 * customerId), so every customer the agent opened during one interaction is kept (the seed's
 * interactionId primary key kept only the last). Plus the per-customer delivery marks that make
 * the job resumable, and the review list of interactions no customer could be matched to.
 */
import type { Kysely } from 'kysely';
import type { Database, Migration } from '../../platform/store/index.ts';

declare module '../../platform/store/schema.ts' {
  interface Database {
    support_interactions: { interaction_id: string; customer_id: string; created_at: number };
    support_result_deliveries: {
      interaction_id: string;
      customer_key: string;
      record_id: string | null;
      delivered_at: number;
    };
    support_result_review: { interaction_id: string; reason: string; created_at: number };
  }
}

export const supportResultMigrations: Migration[] = [
  {
    name: '1420-support-result-tables',
    async up(db) {
      await db.schema
        .createTable('support_interactions')
        .addColumn('interaction_id', 'text', (c) => c.notNull())
        .addColumn('customer_id', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('support_interactions_pk', ['interaction_id', 'customer_id'])
        .execute();
      await db.schema
        .createTable('support_result_deliveries')
        .addColumn('interaction_id', 'text', (c) => c.notNull())
        .addColumn('customer_key', 'text', (c) => c.notNull())
        .addColumn('record_id', 'text')
        .addColumn('delivered_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('support_result_deliveries_pk', ['interaction_id', 'customer_key'])
        .execute();
      await db.schema
        .createTable('support_result_review')
        .addColumn('interaction_id', 'text', (c) => c.primaryKey())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
    },
  },
];

/** The seed's "service to retrieve customerId by interactionId", every customer in pairing order. */
export async function customersOf(db: Kysely<Database>, interactionId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('support_interactions')
    .select(['customer_id'])
    .where('interaction_id', '=', interactionId)
    .orderBy('created_at')
    .orderBy('customer_id')
    .execute();
  return rows.map((r) => r.customer_id);
}

export const NULL_CUSTOMER = '(none)';

export async function deliveredKeys(db: Kysely<Database>, interactionId: string): Promise<Set<string>> {
  const rows = await db
    .selectFrom('support_result_deliveries')
    .select('customer_key')
    .where('interaction_id', '=', interactionId)
    .execute();
  return new Set(rows.map((r) => r.customer_key));
}

export async function markDelivered(
  db: Kysely<Database>,
  interactionId: string,
  customerId: string | null,
  recordId: string | undefined,
  now: number,
): Promise<void> {
  await db
    .insertInto('support_result_deliveries')
    .values({
      interaction_id: interactionId,
      customer_key: customerId ?? NULL_CUSTOMER,
      record_id: recordId ?? null,
      delivered_at: now,
    })
    .onConflict((oc) => oc.columns(['interaction_id', 'customer_key']).doNothing())
    .execute();
}

export async function listForReview(
  db: Kysely<Database>,
  interactionId: string,
  reason: string,
  now: number,
): Promise<void> {
  await db
    .insertInto('support_result_review')
    .values({ interaction_id: interactionId, reason, created_at: now })
    .onConflict((oc) => oc.column('interaction_id').doNothing())
    .execute();
}
