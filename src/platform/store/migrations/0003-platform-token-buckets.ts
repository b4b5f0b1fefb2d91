import type { Migration } from '../migrate.ts';

export const tokenBuckets: Migration = {
  name: '0003-platform-token-buckets',
  async up(db, dialect) {
    await db.schema
      .createTable('token_buckets')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('tokens', dialect === 'postgres' ? 'double precision' : 'real', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
  },
};
