import type { Kysely, Selectable } from 'kysely';
import type { Database, JobState, JobsTable } from '../../store/schema.ts';
import type { Job, KindStats } from '../types.ts';

export function toJob(row: Selectable<JobsTable>): Job {
  return {
    id: String(row.id),
    kind: row.kind,
    key: row.key,
    payload: JSON.parse(row.payload) as unknown,
    state: row.state,
    runAt: row.run_at,
    attempts: row.attempts,
    maxAgeMs: row.max_age_ms,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    replayedAt: row.replayed_at,
    lockedBy: row.locked_by,
    lockedUntil: row.locked_until,
    lastError: row.last_error,
    lastErrorAt: row.last_error_at,
    result: row.result === null ? null : (JSON.parse(row.result) as unknown),
    completedAt: row.completed_at,
    correlationId: row.correlation_id ?? null,
  };
}

export function parseJobId(id: string): number | undefined {
  return /^\d{1,15}$/.test(id) ? Number(id) : undefined;
}

export async function getJob(db: Kysely<Database>, id: string): Promise<Job | undefined> {
  const n = parseJobId(id);
  if (n === undefined) return undefined;
  const row = await db.selectFrom('jobs').selectAll().where('id', '=', n).executeTakeFirst();
  return row === undefined ? undefined : toJob(row);
}

export interface ListJobsFilter {
  state?: JobState | undefined;
  kind?: string | undefined;
  /** Default 100, at most 1000. */
  limit?: number | undefined;
}

/** Newest first. */
export async function listJobs(db: Kysely<Database>, filter: ListJobsFilter = {}): Promise<Job[]> {
  const rows = await db
    .selectFrom('jobs')
    .selectAll()
    .$if(filter.state !== undefined, (q) => q.where('state', '=', filter.state!))
    .$if(filter.kind !== undefined, (q) => q.where('kind', '=', filter.kind!))
    .orderBy('id', 'desc')
    .limit(Math.min(Math.max(1, filter.limit ?? 100), 1000))
    .execute();
  return rows.map(toJob);
}

/** Depth, running, parked and the oldest due job's wait, per kind (completed jobs are not counted). */
export async function jobStats(
  db: Kysely<Database>,
  now: number,
  kinds: readonly string[] = [],
): Promise<KindStats[]> {
  const counts = await db
    .selectFrom('jobs')
    .select(['kind', 'state', (eb) => eb.fn.countAll<number>().as('n')])
    .where('state', '!=', 'completed')
    .groupBy(['kind', 'state'])
    .execute();
  const oldest = await db
    .selectFrom('jobs')
    .select(['kind', (eb) => eb.fn.min<number>('run_at').as('run_at')])
    .where('state', '=', 'queued')
    .where('run_at', '<=', now)
    .groupBy('kind')
    .execute();
  const byKind = new Map<string, KindStats>();
  const entry = (kind: string): KindStats => {
    let s = byKind.get(kind);
    if (s === undefined) {
      s = { kind, queued: 0, running: 0, parked: 0, oldestQueuedAgeMs: 0 };
      byKind.set(kind, s);
    }
    return s;
  };
  for (const k of kinds) entry(k);
  for (const c of counts) {
    const s = entry(c.kind);
    const n = Number(c.n);
    if (c.state === 'queued') s.queued = n;
    else if (c.state === 'running') s.running = n;
    else if (c.state === 'parked') s.parked = n;
  }
  for (const o of oldest) entry(o.kind).oldestQueuedAgeMs = Math.max(0, now - Number(o.run_at));
  return [...byKind.values()].sort((a, b) => a.kind.localeCompare(b.kind));
}
