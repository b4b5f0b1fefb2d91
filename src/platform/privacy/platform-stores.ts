/**
 * Erasers for the platform's own tables: stored webhook bodies (inbox), job payloads and alert
 * details. Declares the platform tables that hold no personal data.
 */
import { sql } from 'kysely';
import { RetryableError } from '../jobs/errors.ts';
import { isSqlite } from '../store/sqlite-dialect.ts';
import type { PersonalDataRegistry } from './registry.ts';
import { mentionsAny, tableExists } from './text-match.ts';

/** Job kinds whose payloads are the erasure machinery itself (they hold request IDs only). */
const OWN_KINDS = 'privacy-%';

export function registerPlatformStores(registry: PersonalDataRegistry): void {
  registry.register({
    name: 'inbox',
    tables: ['inbound_events'],
    categories: ['webhook bodies (caller numbers, names, conversation details)'],
    async find(db, _s, { needles }) {
      const r = await db
        .selectFrom('inbound_events')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where(mentionsAny('body', needles))
        .executeTakeFirst();
      return Number(r?.n ?? 0);
    },
    async erase(trx, _s, { needles }) {
      const r = await trx.deleteFrom('inbound_events').where(mentionsAny('body', needles)).executeTakeFirst();
      return Number(r.numDeletedRows);
    },
  });

  registry.register({
    name: 'jobs',
    tables: ['jobs'],
    categories: ['job payloads, results and errors referring to a person'],
    async find(db, _s, { needles }) {
      const r = await db
        .selectFrom('jobs')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('kind', 'not like', OWN_KINDS)
        .where((eb) =>
          eb.or([
            mentionsAny('payload', needles),
            mentionsAny('result', needles),
            mentionsAny('last_error', needles),
            mentionsAny('key', needles),
          ]),
        )
        .executeTakeFirst();
      return Number(r?.n ?? 0);
    },
    /**
     * Finished and parked jobs are redacted (the row stays, so its key still absorbs duplicates);
     * queued jobs are deleted (they would write the person back); a running one makes the step retry.
     */
    async erase(trx, _s, { needles, now }) {
      const rows = await trx
        .selectFrom('jobs')
        .select(['id', 'state', 'key'])
        .where('kind', 'not like', OWN_KINDS)
        .where((eb) =>
          eb.or([
            mentionsAny('payload', needles),
            mentionsAny('result', needles),
            mentionsAny('last_error', needles),
            mentionsAny('key', needles),
          ]),
        )
        // PostgreSQL: the rows are locked, so a worker's claim (SKIP LOCKED) passes them by, and one
        // already claiming a row is waited for and then read as running. Without the lock its job was
        // deleted under the worker, which went on to write the person back.
        .$if(!isSqlite(trx), (q) => q.forUpdate())
        .execute();
      if (rows.some((r) => r.state === 'running'))
        throw new RetryableError('a job about the subject is running; erasing Patchbay data after it', {
          retryAfterMs: 5_000,
        });
      const queued = rows.filter((r) => r.state === 'queued').map((r) => r.id);
      const done = rows.filter((r) => r.state !== 'queued').map((r) => r.id);
      if (queued.length > 0) await trx.deleteFrom('jobs').where('id', 'in', queued).execute();
      if (done.length > 0) {
        await trx
          .updateTable('jobs')
          .set({
            payload: '{"erased":true}',
            result: null,
            last_error: null,
            updated_at: now,
            // A key naming the person is replaced; one that does not keeps absorbing duplicates.
            key: sql<
              string | null
            >`case when ${mentionsAny('key', needles)} then 'erased:' || cast(id as text) else key end`,
          })
          .where('id', 'in', done)
          .execute();
      }
      return rows.length;
    },
  });

  registry.register({
    name: 'alerts',
    tables: ['alerts'],
    categories: ['alert messages and details that may quote a record'],
    async find(db, _s, { needles }) {
      const r = await db
        .selectFrom('alerts')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where((eb) => eb.or([mentionsAny('details', needles), mentionsAny('message', needles)]))
        .executeTakeFirst();
      return Number(r?.n ?? 0);
    },
    async erase(trx, _s, { needles }) {
      const r = await trx
        .updateTable('alerts')
        .set({ details: null, message: '[erased: referred to a data subject]', resolve_message: null })
        .where((eb) => eb.or([mentionsAny('details', needles), mentionsAny('message', needles)]))
        .executeTakeFirst();
      return Number(r.numUpdatedRows);
    },
  });

  registry.register({
    name: 'job-attempts',
    tables: ['job_attempts'],
    categories: ['error messages of job attempts that may quote a record'],
    async find(db, _s, { needles }) {
      if (!(await tableExists(db, 'job_attempts'))) return 0;
      const r = await sql<{
        n: number;
      }>`select count(*) as n from job_attempts where ${mentionsAny('error', needles)}`.execute(db);
      return Number(r.rows[0]?.n ?? 0);
    },
    async erase(trx, _s, { needles }) {
      if (!(await tableExists(trx, 'job_attempts'))) return 0;
      const r =
        await sql`update job_attempts set error = '[erased]' where ${mentionsAny('error', needles)}`.execute(
          trx,
        );
      return Number(r.numAffectedRows ?? 0);
    },
  });

  registry.declareNone(['schedule_occurrences', 'token_buckets'], 'scheduling and rate-limit counters');
  registry.declareNone(
    ['api_keys'],
    'admin API keys (hashed secrets and names of keys, not of data subjects)',
  );
  registry.declareNone(['leases'], 'leadership leases (host and process names)');
  registry.declareNone(['kysely_migration', 'kysely_migration_lock'], 'migration bookkeeping');
}
