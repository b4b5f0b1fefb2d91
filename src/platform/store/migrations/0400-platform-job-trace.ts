import type { Migration } from '../migrate.ts';

/**
 * One trace per interaction: jobs carry the interaction's correlation ID, and every attempt of a
 * traced job is a row (the job row keeps only the last error), so support staff see each failure.
 * Additive (ADR 0003): a nullable column and a new table; the previous release ignores both.
 */
export const jobTrace: Migration = {
  name: '0400-platform-job-trace',
  async up(db, dialect) {
    await db.schema.alterTable('jobs').addColumn('correlation_id', 'text').execute();
    await db.schema.createIndex('jobs_correlation_idx').on('jobs').column('correlation_id').execute();
    await db.schema
      .createTable('job_attempts')
      .addColumn('id', dialect === 'postgres' ? 'bigserial' : 'integer', (c) =>
        dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
      )
      .addColumn('job_id', 'bigint', (c) => c.notNull())
      .addColumn('attempt', 'integer', (c) => c.notNull())
      .addColumn('correlation_id', 'text')
      .addColumn('worker_id', 'text', (c) => c.notNull())
      .addColumn('started_at', 'bigint', (c) => c.notNull())
      .addColumn('finished_at', 'bigint', (c) => c.notNull())
      .addColumn('outcome', 'text', (c) => c.notNull())
      .addColumn('error', 'text')
      .execute();
    await db.schema
      .createIndex('job_attempts_correlation_idx')
      .on('job_attempts')
      .columns(['correlation_id', 'job_id'])
      .execute();
  },
};
