import type { Migration } from '../store/index.ts';

declare module '../store/schema.ts' {
  interface Database {
    leases: LeasesTable;
  }
}

/** One row per leadership name: who holds it and until when (epoch ms). */
export interface LeasesTable {
  name: string;
  holder: string;
  /** Epoch ms; past it, any candidate may take the lease over. */
  expires_at: number;
  /** Epoch ms when the current holder took the lease (kept across renewals). */
  acquired_at: number;
}

export const leaderMigrations: Migration[] = [
  {
    name: '0300-platform-leases',
    async up(db) {
      await db.schema
        .createTable('leases')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('holder', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('acquired_at', 'bigint', (c) => c.notNull())
        .execute();
    },
  },
];
