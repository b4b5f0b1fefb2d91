/**
 * The jobs eraser against a worker claiming a job about the subject at the same moment (PostgreSQL: the
 * claim and the erasure are separate transactions).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import pg from 'pg';
import { unavailableReason, waitForLockWaiters, withTestDatabase } from '../../../test/support/databases.ts';
import { alertMigrations } from '../alerts/migrations.ts';
import { inboxMigrations } from '../inbox/inbox.ts';
import { enqueue } from '../jobs/index.ts';
import { RetryableError } from '../jobs/errors.ts';
import { registerPlatformStores } from './platform-stores.ts';
import { createPersonalDataRegistry } from './registry.ts';
import { emptySubject } from './subject.ts';

declare module '../jobs/types.ts' {
  interface JobKinds {
    'test.about-a-person': { email: string };
  }
}

void test('PostgreSQL: a queued job claimed while the erasure reads it is not deleted under its worker; the step retries', async (t) => {
  const reason = unavailableReason('postgres');
  if (reason !== undefined) return t.skip(reason);
  await withTestDatabase(
    'postgres',
    async ({ store, config }) => {
      const registry = createPersonalDataRegistry();
      registerPlatformStores(registry);
      const email = 'dana.erased@example.org';
      const { id } = await enqueue(store.db, 'test.about-a-person', { email });
      const worker = new pg.Client({ connectionString: config.databaseUrl });
      await worker.connect();
      try {
        // A worker's claim, not yet committed.
        await worker.query('begin');
        await worker.query(
          `update jobs set state = 'running', locked_by = 'w1', attempts = 1 where id = $1`,
          [id],
        );
        // The expectation is attached at once: the erasure may fail before the commit's answer arrives.
        const refused = assert.rejects(
          store.transaction((trx) => registry.erase(trx, { ...emptySubject(), emails: [email] }, Date.now())),
          RetryableError,
        );
        await waitForLockWaiters(worker, 1, '%jobs%');
        await worker.query('commit');
        await refused;
      } finally {
        await worker.end();
      }
      const job = await store.db
        .selectFrom('jobs')
        .select(['state', 'payload'])
        .where('id', '=', Number(id))
        .executeTakeFirst();
      assert.equal(job?.state, 'running', 'the claimed job is still there for its worker');
    },
    [...inboxMigrations, ...alertMigrations],
  );
});
