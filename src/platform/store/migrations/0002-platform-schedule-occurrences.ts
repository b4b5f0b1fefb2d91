import type { Migration } from '../migrate.ts';

export const scheduleOccurrences: Migration = {
  name: '0002-platform-schedule-occurrences',
  async up(db) {
    await db.schema
      .createTable('schedule_occurrences')
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('fire_at', 'bigint', (c) => c.notNull())
      .addColumn('job_id', 'bigint')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('schedule_occurrences_pk', ['name', 'fire_at'])
      .execute();
  },
};
