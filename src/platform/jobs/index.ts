/** Durable jobs, schedules and token buckets. See types.ts for the glossary. */
export type {
  Clock,
  Job,
  JobContext,
  JobDefinition,
  JobHandler,
  JobKind,
  JobOutcome,
  JobState,
  KindStats,
} from './types.ts';
export type { JobKinds } from './types.ts';
export { systemClock, createFakeClock, type FakeClock } from './clock.ts';
export { enqueue, type EnqueueOptions } from './enqueue.ts';
export { createQueue, type Queue, type QueueOptions } from './queue.ts';
export {
  RetryableError,
  PermanentError,
  errorForHttpStatus,
  isRetryableStatus,
  parseRetryAfter,
  coerceError,
} from './errors.ts';
export { baseRetryDelayMs, decideFailure, DEFAULT_MAX_AGE_MS, JITTER } from './backoff.ts';
export type { ListJobsFilter } from './sql/read-jobs.ts';
export {
  createScheduler,
  defineSchedule,
  type Scheduler,
  type SchedulerOptions,
  type ScheduleDefinition,
  type Fired,
} from './schedules.ts';
export {
  createTokenBucket,
  type TokenBucket,
  type TokenBucketOptions,
  type TakeOptions,
  type TakeResult,
} from './token-bucket.ts';
