/**
 * Durable jobs: the core types.
 *
 * Glossary
 * - **job**: a row in `jobs`: a kind, a JSON payload, a state. Written in the same transaction as the
 *   state it belongs to, so accepted work is never lost.
 * - **kind**: the name of a job's handler, e.g. `activity-log`. Kinds and their payload types are
 *   registered in one place, {@link JobKinds}, so `enqueue(db, kind, payload)` is type-checked.
 * - **key**: an optional idempotency key, unique over all jobs. Enqueuing an existing key returns the
 *   existing job (`created: false`).
 * - **state**: `queued` (waiting until `run_at`), `running` (claimed under a lease), `completed`,
 *   `parked` (dead letter: permanent error or max age reached; listable and replayable).
 * - **claim**: a worker atomically moves due jobs to `running`, with `locked_by` = its worker id and
 *   `locked_until` = now + lease. Each claim counts as an attempt.
 * - **lease**: the time a claim is valid. A live worker renews it (heartbeat); a dead worker's lease
 *   expires and any worker reclaims the job. A worker that lost its lease cannot complete or fail the job.
 * - **attempt**: the number of the current claim (1-based); `attempts` on the row.
 * - **max age**: how long a job may keep failing (default 72 h, from creation or last replay) before it
 *   is parked instead of retried.
 * - **park / replay**: parking stops retries; replay puts a parked job back to `queued` with attempts reset.
 * - **occurrence**: one firing of a cron schedule, a row in `schedule_occurrences` unique on (name,
 *   fire_at): however many schedulers race, one inserts it and enqueues its job.
 *
 * All times are epoch milliseconds from a {@link Clock}, never the database's clock.
 */
import type { Logger } from 'pino';
import type { JobState } from '../store/schema.ts';

export type { JobState } from '../store/schema.ts';

/**
 * Every job kind and its payload type. Features register theirs by declaration merging:
 * ```ts
 * declare module '../../platform/jobs/types.ts' {
 *   interface JobKinds { 'activity-log': { conversationId: string } }
 * }
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by declaration merging
export interface JobKinds {}

export type JobKind = Extract<keyof JobKinds, string>;

/** Source of "now" in epoch ms; injectable so tests of backoff and schedules take no real time. */
export interface Clock {
  now(): number;
}

/** A job as the API returns it (the row, with JSON decoded and the id as a string). */
export interface Job {
  id: string;
  kind: string;
  key: string | null;
  payload: unknown;
  state: JobState;
  runAt: number;
  attempts: number;
  maxAgeMs: number | null;
  createdAt: number;
  updatedAt: number;
  replayedAt: number | null;
  lockedBy: string | null;
  lockedUntil: number | null;
  lastError: string | null;
  lastErrorAt: number | null;
  result: unknown;
  completedAt: number | null;
  /** The interaction this job works for (platform/trace), or null. */
  correlationId: string | null;
}

export interface JobContext {
  jobId: string;
  /** 1 on the first try. */
  attempt: number;
  /** Aborted when the lease is lost or shutdown's deadline passes: stop and let the job be retried. */
  signal: AbortSignal;
  /** Carries `jobId`, `kind`, `attempt` and, for a traced job, `correlationId`. */
  log: Logger;
  /** The interaction this job works for (platform/trace); follow-on jobs and outbound calls inherit it. */
  correlationId?: string | undefined;
}

export type JobHandler<K extends JobKind> = (payload: JobKinds[K], ctx: JobContext) => Promise<unknown>;

export interface JobDefinition<K extends JobKind> {
  handler: JobHandler<K>;
  /** Jobs of this kind run at once in this process (default 5). */
  concurrency?: number;
}

export type JobOutcome = 'completed' | 'retried' | 'parked';

export interface KindStats {
  kind: string;
  queued: number;
  running: number;
  parked: number;
  /** How long the oldest due queued job has waited past its run_at (0 when none is due). */
  oldestQueuedAgeMs: number;
}
