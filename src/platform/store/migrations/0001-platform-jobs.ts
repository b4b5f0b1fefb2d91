import { sql } from 'kysely';
import type { Migration } from '../migrate.ts';

export const jobs: Migration = {
  name: '0001-platform-jobs',
  async up(db, dialect) {
    await db.schema
      .createTable('jobs')
      .addColumn('id', dialect === 'postgres' ? 'bigserial' : 'integer', (c) =>
        dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
      )
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('key', 'text', (c) => c.unique())
      .addColumn('payload', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) =>
        c.notNull().check(sql`state in ('queued', 'running', 'completed', 'parked')`),
      )
      .addColumn('run_at', 'bigint', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('max_age_ms', 'bigint')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addColumn('replayed_at', 'bigint')
      .addColumn('locked_by', 'text')
      .addColumn('locked_until', 'bigint')
      .addColumn('last_error', 'text')
      .addColumn('last_error_at', 'bigint')
      .addColumn('result', 'text')
      .addColumn('completed_at', 'bigint')
      .execute();
    // The claim query: due queued jobs of one kind, oldest first.
    await db.schema
      .createIndex('jobs_claim_idx')
      .on('jobs')
      .columns(['kind', 'state', 'run_at', 'id'])
      .execute();
    // Reclaiming expired leases and listing by state.
    await db.schema
      .createIndex('jobs_state_lease_idx')
      .on('jobs')
      .columns(['state', 'locked_until'])
      .execute();
  },
};
