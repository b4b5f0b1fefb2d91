/**
 * The database's tables, as Kysely sees them. Features add their tables by declaration merging:
 *
 * ```ts
 * declare module '../../platform/store/schema.ts' {
 *   interface Database { contact_links: ContactLinksTable }
 * }
 * ```
 *
 * Conventions: times are epoch milliseconds (BIGINT on PostgreSQL, INTEGER on SQLite) on both
 * dialects; JSON is stored as TEXT; booleans as integers 0/1.
 */
import type { ColumnType, Generated } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- extended by features through declaration merging
export interface Database extends PlatformTables {}

export interface PlatformTables {
  jobs: JobsTable;
  schedule_occurrences: ScheduleOccurrencesTable;
  token_buckets: TokenBucketsTable;
  job_attempts: JobAttemptsTable;
}

export type JobState = 'queued' | 'running' | 'completed' | 'parked';

export interface JobsTable {
  /** Integer identity; exposed to callers as a string. */
  id: Generated<number>;
  kind: string;
  /** Idempotency key, unique among all jobs; NULL for jobs that need none. */
  key: string | null;
  /** JSON text. */
  payload: string;
  state: JobState;
  /** Epoch ms when the job is next due. */
  run_at: number;
  /** Claims so far (a claim whose worker died counts too). */
  attempts: ColumnType<number, number | undefined, number>;
  /** Max age in ms after which a failing job is parked; NULL = the queue's default (72 h). */
  max_age_ms: number | null;
  created_at: ColumnType<number, number, never>;
  updated_at: number;
  /** Age is measured from here when set: a replayed job gets a fresh max age. */
  replayed_at: number | null;
  locked_by: string | null;
  locked_until: number | null;
  last_error: string | null;
  last_error_at: number | null;
  /** JSON text of the handler's return value. */
  result: string | null;
  completed_at: number | null;
  /** The interaction this job works for (one trace per interaction); NULL for untraced jobs. */
  correlation_id: ColumnType<string | null, string | null | undefined, string | null>;
}

/** One finished attempt of a traced job (jobs with a correlation ID), for the interaction timeline. */
export interface JobAttemptsTable {
  id: Generated<number>;
  job_id: number;
  attempt: number;
  correlation_id: string | null;
  worker_id: string;
  started_at: number;
  finished_at: number;
  /** `completed`, `retried` or `parked` (a JobOutcome). */
  outcome: string;
  error: string | null;
}

export interface ScheduleOccurrencesTable {
  name: string;
  /** Epoch ms of the cron occurrence; (name, fire_at) is the primary key, so each fires once. */
  fire_at: number;
  job_id: number | null;
  created_at: number;
}

export interface TokenBucketsTable {
  name: string;
  tokens: number;
  /** Epoch ms of the last refill computation. */
  updated_at: number;
}
