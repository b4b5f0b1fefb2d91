/** Job kinds used by the platform's queue tests and their worker processes. */
import type { Generated } from 'kysely';
import type { Migration } from '../../src/platform/store/index.ts';

declare module '../../src/platform/jobs/types.ts' {
  interface JobKinds {
    'test.effect': { n: number };
    'test.flaky': { failWith: 'retryable' | 'permanent' | 'retry-after' | 'none'; retryAfterMs?: number };
    'test.scheduled': { from: string };
  }
}

/** `effects`: one row per handler execution, so tests can count how often each job really ran. */
export const effectsMigration: Migration = {
  name: '0900-test-effects',
  async up(db, dialect) {
    await db.schema
      .createTable('effects')
      .addColumn('seq', dialect === 'postgres' ? 'bigserial' : 'integer', (c) =>
        dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
      )
      .addColumn('job_id', 'text', (c) => c.notNull())
      .addColumn('worker', 'text', (c) => c.notNull())
      .addColumn('phase', 'text', (c) => c.notNull())
      .execute();
  },
};

export interface EffectsTable {
  effects: { seq: Generated<number>; job_id: string; worker: string; phase: string };
}
