/**
 * Cron schedules (croner) whose occurrences are rows: every scheduler (one per process) computes the
 * same occurrence times and tries to insert each under the unique key (name, fire_at); the one that
 * inserts it enqueues the job in the same transaction. So an occurrence fires once however many
 * processes run, and a restart neither loses nor repeats it.
 *
 * Catch-up: a tick fires only the latest occurrence due, if later than the last recorded one (or, for a
 * schedule never fired, than the scheduler's start) and not older than `maxLateMs` (default 24 h).
 * Missed occurrences in between are not replayed one by one: a nightly report missed during an outage
 * runs once on restart, not once per missed night.
 */
import { Cron } from 'croner';
import type { Logger } from 'pino';
import type { Store } from '../store/index.ts';
import { systemClock } from './clock.ts';
import { enqueue } from './enqueue.ts';
import { coerceError } from './errors.ts';
import { insertOccurrence, lastOccurrence } from './sql/insert-occurrence.ts';
import type { Clock, JobKind, JobKinds } from './types.ts';

export interface ScheduleDefinition<K extends JobKind> {
  /** Unique and stable: it is the occurrence key. */
  name: string;
  /** Cron pattern, 5 or 6 fields (croner). */
  cron: string;
  /** IANA zone the pattern is read in (default UTC), e.g. `Europe/Paris` for "02:00 local". */
  timezone?: string;
  kind: K;
  payload: JobKinds[K];
  /** Occurrences older than this are skipped rather than fired late (default 24 h). */
  maxLateMs?: number;
}

export interface SchedulerOptions {
  store: Store;
  log: Logger;
  clock?: Clock;
  /** How often `start()` ticks (default 1 s). */
  tickIntervalMs?: number;
}

export interface Fired {
  name: string;
  fireAt: number;
  jobId: string;
}

export interface Scheduler {
  define<K extends JobKind>(definition: ScheduleDefinition<K>): Scheduler;
  /** Fires what is due now; returns the occurrences this scheduler won. For tests with a fake clock. */
  tick(): Promise<Fired[]>;
  start(): void;
  stop(): Promise<void>;
}

interface Entry {
  def: ScheduleDefinition<JobKind>;
  cron: Cron;
}

export function createScheduler(options: SchedulerOptions): Scheduler {
  const { store, log } = options;
  const clock = options.clock ?? systemClock;
  const startedAt = clock.now();
  const entries = new Map<string, Entry>();
  let timer: NodeJS.Timeout | undefined;
  let ticking: Promise<unknown> | undefined;

  async function fireDue(entry: Entry, now: number): Promise<Fired | undefined> {
    const { def } = entry;
    const latest = entry.cron.previousRuns(1, new Date(now + 1))[0]?.getTime();
    if (latest === undefined) return undefined;
    const last = await lastOccurrence(store.db, def.name);
    if (latest <= (last ?? startedAt - 1)) return undefined;
    if (now - latest > (def.maxLateMs ?? 24 * 3_600_000)) return undefined;
    return store.transaction(async (trx) => {
      if (!(await insertOccurrence(trx, def.name, latest, now))) return undefined;
      const { id } = await enqueue(trx, def.kind, def.payload, {
        key: `schedule:${def.name}:${latest}`,
        clock,
      });
      await trx
        .updateTable('schedule_occurrences')
        .set({ job_id: Number(id) })
        .where('name', '=', def.name)
        .where('fire_at', '=', latest)
        .execute();
      return { name: def.name, fireAt: latest, jobId: id };
    });
  }

  const scheduler: Scheduler = {
    define(definition) {
      if (entries.has(definition.name)) throw new Error(`schedule ${definition.name} is already defined`);
      // Constructing validates the pattern and the zone now, at boot, not at the first tick.
      const cron = new Cron(definition.cron, { timezone: definition.timezone ?? 'UTC', paused: true });
      entries.set(definition.name, { def: definition, cron });
      return scheduler;
    },
    async tick() {
      const now = clock.now();
      const fired: Fired[] = [];
      for (const entry of entries.values()) {
        const f = await fireDue(entry, now);
        if (f !== undefined) {
          fired.push(f);
          log.info(
            { schedule: f.name, fireAt: new Date(f.fireAt).toISOString(), jobId: f.jobId },
            'schedule fired',
          );
        }
      }
      return fired;
    },
    start() {
      if (timer !== undefined) return;
      timer = setInterval(() => {
        if (ticking !== undefined) return;
        ticking = scheduler
          .tick()
          .catch((e: unknown) => log.error({ err: coerceError(e) }, 'schedule tick failed'))
          .finally(() => (ticking = undefined));
      }, options.tickIntervalMs ?? 1_000);
    },
    async stop() {
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
      await ticking;
    },
  };
  return scheduler;
}

/** Adds a schedule to a scheduler (sugar for `scheduler.define`). */
export function defineSchedule<K extends JobKind>(
  scheduler: Scheduler,
  definition: ScheduleDefinition<K>,
): Scheduler {
  return scheduler.define(definition);
}
