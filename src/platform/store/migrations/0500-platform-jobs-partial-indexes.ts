import { sql } from 'kysely';
import type { Migration } from '../migrate.ts';

/**
 * Job indexes that every acknowledgement used to write to, narrowed to the rows their queries read.
 * Each index is one more page written per commit (ADR 0002, addendum "fewer pages per commit"):
 * - leases are only ever looked up on running jobs (reclaiming expired ones), so the lease index keeps
 *   those alone, and parked jobs (listed, replayed) get their own — a new queued job enters neither;
 * - correlation lookups (`GET /v1/interactions/{id}`) name an ID, so rows without one (untraced
 *   jobs: schedules, syncs, imports) need no entry (the inbox's twin: inbox.ts).
 * Additive (ADR 0003): the previous release's queries stay the same and find these indexes.
 */
export const partialIndexes: Migration = {
  name: '0500-platform-jobs-partial-indexes',
  async up(db) {
    await db.schema.dropIndex('jobs_state_lease_idx').execute();
    await db.schema
      .createIndex('jobs_running_lease_idx')
      .on('jobs')
      .column('locked_until')
      .where(sql.ref('state'), '=', 'running')
      .execute();
    await db.schema
      .createIndex('jobs_parked_idx')
      .on('jobs')
      .column('id')
      .where(sql.ref('state'), '=', 'parked')
      .execute();
    await db.schema.dropIndex('jobs_correlation_idx').execute();
    await db.schema
      .createIndex('jobs_traced_idx')
      .on('jobs')
      .column('correlation_id')
      .where('correlation_id', 'is not', null)
      .execute();
  },
};
