/**
 * The timeline of one interaction for support staff: what was received (inbox rows), which jobs
 * it produced, every attempt of each (with its error) and the results, in time order. A query
 * over inbound_events, jobs and job_attempts by correlation ID; no separate event log to keep.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';
import type { JobState } from '../jobs/types.ts';

export type TimelineEntry =
  | { at: number; type: 'received'; eventId: string; source: string }
  | { at: number; type: 'job-enqueued'; jobId: string; kind: string }
  | {
      at: number;
      type: 'attempt';
      jobId: string;
      kind: string;
      attempt: number;
      outcome: 'completed' | 'retried' | 'parked';
      durationMs: number;
      error: string | null;
    }
  | { at: number; type: 'job-completed'; jobId: string; kind: string; result: unknown }
  | { at: number; type: 'job-parked'; jobId: string; kind: string; error: string | null };

export interface TimelineJob {
  id: string;
  kind: string;
  key: string | null;
  state: JobState;
  attempts: number;
  /** Claims with no recorded outcome that are not running now: the worker died or lost its lease. */
  lostAttempts: number;
  createdAt: number;
  runAt: number;
  lastError: string | null;
  result: unknown;
  completedAt: number | null;
}

export interface Timeline {
  correlationId: string;
  /** completed: every job completed; parked: one is parked; pending: work remains. */
  status: 'completed' | 'parked' | 'pending';
  jobs: TimelineJob[];
  timeline: TimelineEntry[];
}

const parse = (text: string | null): unknown => {
  if (text === null) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
};

/** The interaction's timeline, or undefined when nothing carries this correlation ID. */
export async function readTimeline(
  db: Kysely<Database>,
  correlationId: string,
): Promise<Timeline | undefined> {
  const [events, jobs, attempts] = await Promise.all([
    db
      .selectFrom('inbound_events')
      .select(['id', 'source', 'received_at'])
      .where('correlation_id', '=', correlationId)
      .execute(),
    db.selectFrom('jobs').selectAll().where('correlation_id', '=', correlationId).orderBy('id').execute(),
    db
      .selectFrom('job_attempts')
      .selectAll()
      .where('correlation_id', '=', correlationId)
      .orderBy('id')
      .execute(),
  ]);
  if (events.length === 0 && jobs.length === 0) return undefined;

  const timeline: TimelineEntry[] = [];
  for (const e of events)
    timeline.push({ at: Number(e.received_at), type: 'received', eventId: e.id, source: e.source });
  const kindOf = new Map(jobs.map((j) => [j.id, j.kind]));
  for (const a of attempts)
    timeline.push({
      at: Number(a.finished_at),
      type: 'attempt',
      jobId: String(a.job_id),
      kind: kindOf.get(Number(a.job_id)) ?? 'unknown',
      attempt: a.attempt,
      outcome: a.outcome as 'completed' | 'retried' | 'parked',
      durationMs: Number(a.finished_at) - Number(a.started_at),
      error: a.error,
    });
  const out: TimelineJob[] = [];
  for (const j of jobs) {
    const id = String(j.id);
    timeline.push({ at: Number(j.created_at), type: 'job-enqueued', jobId: id, kind: j.kind });
    if (j.state === 'completed' && j.completed_at !== null)
      timeline.push({
        at: Number(j.completed_at),
        type: 'job-completed',
        jobId: id,
        kind: j.kind,
        result: parse(j.result),
      });
    if (j.state === 'parked')
      timeline.push({
        at: Number(j.updated_at),
        type: 'job-parked',
        jobId: id,
        kind: j.kind,
        error: j.last_error,
      });
    const recorded = new Set(attempts.filter((a) => Number(a.job_id) === j.id).map((a) => a.attempt));
    let lost = 0;
    for (let n = 1; n <= j.attempts; n++)
      if (!recorded.has(n) && !(j.state === 'running' && n === j.attempts)) lost++;
    out.push({
      id,
      kind: j.kind,
      key: j.key,
      state: j.state,
      attempts: j.attempts,
      lostAttempts: lost,
      createdAt: Number(j.created_at),
      runAt: Number(j.run_at),
      lastError: j.last_error,
      result: parse(j.result),
      completedAt: j.completed_at === null ? null : Number(j.completed_at),
    });
  }
  // Time order; at equal times the natural order (received → enqueued → attempt → completed).
  const rank: Record<TimelineEntry['type'], number> = {
    received: 0,
    'job-enqueued': 1,
    attempt: 2,
    'job-completed': 3,
    'job-parked': 3,
  };
  timeline.sort((a, b) => a.at - b.at || rank[a.type] - rank[b.type]);
  const status = out.some((j) => j.state === 'parked')
    ? 'parked'
    : out.length > 0 && out.every((j) => j.state === 'completed')
      ? 'completed'
      : 'pending';
  return { correlationId, status, jobs: out, timeline };
}
