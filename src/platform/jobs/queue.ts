/**
 * The worker side of the queue: claims due jobs under a lease, runs their handlers with per-kind
 * concurrency, and records the outcome (completed, retried on the backoff schedule, or parked).
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { Selectable } from 'kysely';
import type { Store } from '../store/index.ts';
import type { Database, JobState, JobsTable } from '../store/schema.ts';
import type { Kysely } from 'kysely';
import { DEFAULT_MAX_AGE_MS, decideFailure } from './backoff.ts';
import { withCorrelation } from '../trace/context.ts';
import { systemClock } from './clock.ts';
import { enqueue, type EnqueueOptions } from './enqueue.ts';
import { coerceError, describeError, PermanentError } from './errors.ts';
import { claimJobs } from './sql/claim-jobs.ts';
import { anyDue, anyExpiredLease } from './sql/due-jobs.ts';
import { parkAbandonedJobs, releaseJobs, renewLeases } from './sql/leases.ts';
import { getJob, jobStats, listJobs, parseJobId, type ListJobsFilter } from './sql/read-jobs.ts';
import { replayJob } from './sql/replay-job.ts';
import { completeJob, failJob, type LeaseRef } from './sql/settle-job.ts';
import { recordAttempt } from './sql/record-attempt.ts';
import type { Clock, Job, JobDefinition, JobKind, JobKinds, JobOutcome, KindStats } from './types.ts';
import { onEnqueued } from './wakeup.ts';

export interface QueueOptions {
  store: Store;
  log: Logger;
  clock?: Clock;
  onOutcome?: (kind: string, outcome: JobOutcome, durationMs: number) => void;
  /** How long a claim is valid without renewal (default 60 s). Renewed every leaseMs / 3 while running. */
  leaseMs?: number;
  /** Pause between polls when nothing is due (default 1 s). */
  pollIntervalMs?: number;
  /** Max age of jobs enqueued without one (default 72 h). */
  defaultMaxAgeMs?: number;
  /** Identifies this worker in `locked_by` (default host:pid:random). */
  workerId?: string;
  /** For jitter; tests pass a fixed one. */
  random?: () => number;
}

export interface Queue {
  readonly workerId: string;
  define<K extends JobKind>(kind: K, definition: JobDefinition<K>): Queue;
  /** `enqueue` with this queue's clock. */
  enqueue<K extends JobKind>(
    db: Kysely<Database>,
    kind: K,
    payload: JobKinds[K],
    options?: Omit<EnqueueOptions, 'clock'>,
  ): Promise<{ id: string; created: boolean }>;
  start(): void;
  /** Stops claiming, waits for in-flight jobs up to the deadline, then aborts and releases the rest. */
  stop(options?: { deadlineMs?: number }): Promise<{ released: number }>;
  /** Claims and runs what is due now (repeatedly, until nothing is); for tests with a fake clock. */
  runOnce(kind?: JobKind): Promise<number>;
  list(filter?: ListJobsFilter): Promise<Job[]>;
  parked(filter?: Omit<ListJobsFilter, 'state'>): Promise<Job[]>;
  get(id: string): Promise<Job | undefined>;
  /** Parked → queued, attempts reset; false if the job is not parked. */
  replay(id: string): Promise<boolean>;
  stats(): Promise<KindStats[]>;
}

interface Running {
  lease: LeaseRef;
  kind: string;
  controller: AbortController;
  done: Promise<void>;
}

export function createQueue(options: QueueOptions): Queue {
  const { store, log } = options;
  const db = store.db;
  const clock = options.clock ?? systemClock;
  const leaseMs = options.leaseMs ?? 60_000;
  const pollIntervalMs = options.pollIntervalMs ?? 1_000;
  const defaultMaxAgeMs = options.defaultMaxAgeMs ?? DEFAULT_MAX_AGE_MS;
  const workerId = options.workerId ?? `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  const random = options.random ?? Math.random;
  // PostgreSQL: a claim matching nothing writes nothing; a read first would only add a round trip.
  const readFirst = store.dialect === 'sqlite';
  // Settling jobs on SQLite goes through group commit: concurrent completions share one fsync.
  // On PostgreSQL a single statement needs no explicit transaction.
  const settle = <T>(fn: (target: Kysely<Database>) => Promise<T>): Promise<T> =>
    store.dialect === 'sqlite' ? store.durable(fn) : fn(db);

  const definitions = new Map<string, { handler: JobDefinition<JobKind>['handler']; concurrency: number }>();
  const running = new Map<number, Running>();
  const inFlight = new Map<string, number>();
  let started = false;
  let stopping = false;
  let pollTimer: NodeJS.Timeout | undefined;
  let heartbeatTimer: NodeJS.Timeout | undefined;
  let polling: Promise<void> | undefined;
  let pollAgain = false;
  let unsubscribeWakeup: (() => void) | undefined;
  let wakeScheduled = false;

  function freeSlots(kind: string): number {
    const def = definitions.get(kind);
    return def === undefined ? 0 : def.concurrency - (inFlight.get(kind) ?? 0);
  }

  /**
   * `onTimer`: on SQLite, look on the reader first and write only if something is due (due-jobs.ts).
   * Not on a wakeup: the enqueuing batch may not have committed yet, and the claim (which waits for
   * the connection, so for that commit) must not be skipped.
   */
  async function claim(kind: string, onTimer: boolean): Promise<Selectable<JobsTable>[]> {
    const limit = freeSlots(kind);
    if (limit <= 0) return [];
    const now = clock.now();
    // The read only saves a write: if it fails, claim anyway.
    if (onTimer && readFirst && !(await anyDue(store, kind, now).catch(() => true))) return [];
    return claimJobs(db, store.dialect, { kind, limit, workerId, now, leaseMs });
  }

  function launch(row: Selectable<JobsTable>): Running {
    const controller = new AbortController();
    const lease: LeaseRef = { id: row.id, workerId, attempt: row.attempts };
    inFlight.set(row.kind, (inFlight.get(row.kind) ?? 0) + 1);
    const entry: Running = { lease, kind: row.kind, controller, done: Promise.resolve() };
    running.set(row.id, entry);
    entry.done = execute(row, lease, controller.signal)
      .catch((e: unknown) =>
        log.error({ err: coerceError(e), jobId: String(row.id), kind: row.kind }, 'job bookkeeping failed'),
      )
      .finally(() => {
        running.delete(row.id);
        inFlight.set(row.kind, (inFlight.get(row.kind) ?? 1) - 1);
        if (started && !stopping) nudge();
      });
    return entry;
  }

  async function execute(row: Selectable<JobsTable>, lease: LeaseRef, signal: AbortSignal): Promise<void> {
    const def = definitions.get(row.kind);
    const correlationId = row.correlation_id ?? undefined;
    const jobLog = log.child({
      jobId: String(row.id),
      kind: row.kind,
      attempt: row.attempts,
      ...(correlationId === undefined ? {} : { correlationId }),
    });
    const t0 = performance.now();
    const startedAt = clock.now();
    let outcome: JobOutcome;
    let errorText: string | null = null;
    try {
      if (def === undefined) throw new PermanentError(`no handler for kind ${row.kind}`);
      let payload: unknown;
      try {
        payload = JSON.parse(row.payload);
      } catch (e) {
        throw new PermanentError('payload is not valid JSON', { cause: e });
      }
      const handler = def.handler;
      const value = await withCorrelation(correlationId, () =>
        handler(payload as never, {
          jobId: String(row.id),
          attempt: row.attempts,
          signal,
          log: jobLog,
          ...(correlationId === undefined ? {} : { correlationId }),
        }),
      );
      const result = value === undefined ? null : JSON.stringify(value);
      if (!(await settle((w) => completeJob(w, lease, result, clock.now())))) {
        jobLog.warn('lease lost before completion: result discarded, the job belongs to another claim');
        return;
      }
      outcome = 'completed';
      jobLog.debug('job completed');
    } catch (e) {
      const error = coerceError(e);
      const now = clock.now();
      const decision = decideFailure({
        error,
        attempt: row.attempts,
        now,
        ageFrom: row.replayed_at ?? row.created_at,
        maxAgeMs: row.max_age_ms ?? defaultMaxAgeMs,
        random,
      });
      const text = describeError(error);
      errorText = text;
      const held = await settle((w) =>
        failJob(
          w,
          lease,
          decision.action === 'park'
            ? { error: text, now, park: true }
            : { error: text, now, park: false, runAt: decision.runAt },
        ),
      );
      if (!held) {
        jobLog.warn({ error: text }, 'lease lost before failure was recorded');
        return;
      }
      if (decision.action === 'park') {
        outcome = 'parked';
        jobLog.warn({ error: text, reason: decision.reason }, 'job parked');
      } else {
        outcome = 'retried';
        jobLog.info({ error: text, retryInMs: decision.delayMs }, 'job failed, will retry');
      }
    }
    if (correlationId !== undefined) {
      // Traced jobs keep every attempt for the interaction timeline; best effort, after the settle.
      await recordAttempt(db, {
        job_id: row.id,
        attempt: row.attempts,
        correlation_id: correlationId,
        worker_id: workerId,
        started_at: startedAt,
        finished_at: clock.now(),
        outcome,
        error: errorText,
      }).catch((e: unknown) => jobLog.warn({ err: coerceError(e) }, 'recording the job attempt failed'));
    }
    options.onOutcome?.(row.kind, outcome, performance.now() - t0);
  }

  async function pollOnce(sweep: boolean): Promise<void> {
    if (sweep && (!readFirst || (await anyExpiredLease(store, clock.now()).catch(() => true))))
      await parkAbandonedJobs(db, clock.now(), defaultMaxAgeMs);
    let claimed = true;
    while (claimed && started && !stopping) {
      claimed = false;
      for (const kind of definitions.keys()) {
        const rows = await claim(kind, sweep);
        for (const row of rows) launch(row);
        if (rows.length > 0) claimed = true;
      }
    }
  }

  /**
   * Runs a poll now (or right after the current one): on the timer, and when a slot frees up. The
   * abandoned-job sweep runs only on the timer; it need not run once per finished job.
   */
  function nudge(sweep = false): void {
    if (polling !== undefined) {
      pollAgain = true;
      return;
    }
    polling = pollOnce(sweep)
      .catch((e: unknown) => log.error({ err: coerceError(e) }, 'job poll failed'))
      .finally(() => {
        polling = undefined;
        if (pollAgain && started && !stopping) {
          pollAgain = false;
          nudge();
        }
      });
  }

  function schedulePoll(): void {
    pollTimer = setTimeout(() => {
      nudge(true);
      if (started && !stopping) schedulePoll();
    }, pollIntervalMs);
  }

  async function heartbeat(): Promise<void> {
    const ids = [...running.keys()];
    if (ids.length === 0) return;
    const now = clock.now();
    const held = new Set(await renewLeases(db, workerId, ids, now + leaseMs, now));
    for (const id of ids) {
      const r = running.get(id);
      if (r !== undefined && !held.has(id)) {
        log.warn({ jobId: String(id), kind: r.kind }, 'lease lost: aborting the job');
        r.controller.abort(new Error('lease lost'));
      }
    }
  }

  const queue: Queue = {
    workerId,
    define(kind, definition) {
      if (definitions.has(kind)) throw new Error(`job kind ${kind} is already defined`);
      const concurrency = definition.concurrency ?? 5;
      if (!Number.isInteger(concurrency) || concurrency < 1)
        throw new RangeError(`concurrency of ${kind} must be a positive integer`);
      definitions.set(kind, {
        handler: definition.handler as JobDefinition<JobKind>['handler'],
        concurrency,
      });
      return queue;
    },
    enqueue: (target, kind, payload, opts = {}) => enqueue(target, kind, payload, { ...opts, clock }),
    start() {
      if (started) return;
      started = true;
      stopping = false;
      heartbeatTimer = setInterval(
        () => {
          heartbeat().catch((e: unknown) => log.error({ err: coerceError(e) }, 'lease renewal failed'));
        },
        Math.max(10, Math.floor(leaseMs / 3)),
      );
      // setImmediate: the enqueuing transaction commits first, then one poll serves a burst of enqueues.
      unsubscribeWakeup = onEnqueued((kind) => {
        if (wakeScheduled || !definitions.has(kind) || freeSlots(kind) <= 0) return;
        wakeScheduled = true;
        setImmediate(() => {
          wakeScheduled = false;
          if (started && !stopping) nudge();
        });
      });
      nudge(true);
      schedulePoll();
      log.info({ workerId, kinds: [...definitions.keys()] }, 'job workers started');
    },
    async stop({ deadlineMs = 10_000 } = {}) {
      stopping = true;
      unsubscribeWakeup?.();
      if (pollTimer !== undefined) clearTimeout(pollTimer);
      if (polling !== undefined) await polling;
      const pending = [...running.values()].map((r) => r.done);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled(pending),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, deadlineMs);
        }),
      ]);
      clearTimeout(timer);
      if (heartbeatTimer !== undefined) clearInterval(heartbeatTimer);
      const left = [...running.values()];
      for (const r of left) r.controller.abort(new Error('shutting down'));
      const released = await releaseJobs(
        db,
        workerId,
        left.map((r) => r.lease.id),
        clock.now(),
      );
      if (started) log.info({ released }, 'job workers stopped');
      started = false;
      return { released };
    },
    async runOnce(kind) {
      const kinds = kind === undefined ? [...definitions.keys()] : [kind];
      let ran = 0;
      // Bounded: a job that keeps becoming due at once (Retry-After: 0) must not spin forever.
      for (let pass = 0; pass < 100; pass++) {
        const batch: Running[] = [];
        for (const k of kinds) for (const row of await claim(k, false)) batch.push(launch(row));
        if (batch.length === 0) break;
        await Promise.all(batch.map((r) => r.done));
        ran += batch.length;
      }
      return ran;
    },
    list: (filter) => listJobs(db, filter),
    parked: (filter = {}) => listJobs(db, { ...filter, state: 'parked' satisfies JobState }),
    get: (id) => getJob(db, id),
    async replay(id) {
      const n = parseJobId(id);
      return n === undefined ? false : replayJob(db, n, clock.now());
    },
    stats: () => jobStats(db, clock.now(), [...definitions.keys()]),
  };
  return queue;
}
