/**
 * Day figures from analytics aggregates (pure). Glossary:
 * - **counts**: the additive sums read from the aggregates (offered, answered, SL numerator…). Stored
 *   per day, so a week or a month is the sum of its days and trends need no re-query.
 * - **KPIs**: ratios derived from counts (service level, AHT, ASA, abandon rate).
 */

/** The analytics aggregates response (`POST /api/v2/analytics/conversations/aggregates/query`). */
export interface AggregatesResponse {
  results?: Array<{
    group?: Record<string, string>;
    data?: Array<{
      interval: string;
      metrics: Array<{ metric: string; stats: Record<string, number | undefined> }>;
    }>;
  }>;
}

export interface Counts {
  offered: number;
  answered: number;
  abandoned: number;
  /** Answered within the queue's service level time. */
  slNumerator: number;
  /** Answered + abandoned (the vendor's oServiceLevel denominator). */
  slDenominator: number;
  handled: number;
  handleMs: number;
  /** tAnswered: count and sum of the waits of answered offers. */
  answerCount: number;
  answerWaitMs: number;
  /** Distinct agents who handled a conversation. */
  agents: number;
}

export interface Kpis {
  offered: number;
  answered: number;
  abandoned: number;
  /** 0–1, null when nothing was answered or abandoned. */
  serviceLevel: number | null;
  ahtMs: number | null;
  asaMs: number | null;
  /** 0–1, null when nothing was offered. */
  abandonRate: number | null;
  agents: number;
}

export interface QueueFigures {
  queueId: string;
  name: string;
  counts: Counts;
}

export interface DayFigures {
  /** `YYYY-MM-DD` in the organisation's time zone. */
  date: string;
  timezone: string;
  total: Counts;
  byQueue: QueueFigures[];
  byMedia: Array<{ mediaType: string; counts: Counts }>;
  /** 24 entries (fewer or more on DST days): offered per local hour. */
  hourly: Array<{ hour: string; offered: number }>;
}

export const METRICS = [
  'nOffered',
  'nConnected',
  'tAbandon',
  'oServiceLevel',
  'tHandle',
  'tAnswered',
] as const;

export const emptyCounts = (): Counts => ({
  offered: 0,
  answered: 0,
  abandoned: 0,
  slNumerator: 0,
  slDenominator: 0,
  handled: 0,
  handleMs: 0,
  answerCount: 0,
  answerWaitMs: 0,
  agents: 0,
});

export function addCounts(a: Counts, b: Counts): Counts {
  return {
    offered: a.offered + b.offered,
    answered: a.answered + b.answered,
    abandoned: a.abandoned + b.abandoned,
    slNumerator: a.slNumerator + b.slNumerator,
    slDenominator: a.slDenominator + b.slDenominator,
    handled: a.handled + b.handled,
    handleMs: a.handleMs + b.handleMs,
    answerCount: a.answerCount + b.answerCount,
    answerWaitMs: a.answerWaitMs + b.answerWaitMs,
    // Distinct agents are not additive; over several days the largest day is a fair floor.
    agents: Math.max(a.agents, b.agents),
  };
}

/** Sums every bucket's metrics of one result into counts. */
export function countsOf(
  data: NonNullable<NonNullable<AggregatesResponse['results']>[number]['data']>,
): Counts {
  const c = emptyCounts();
  for (const bucket of data) {
    for (const m of bucket.metrics) {
      const s = m.stats;
      const n = (k: string) => s[k] ?? 0;
      switch (m.metric) {
        case 'nOffered':
          c.offered += n('count');
          break;
        case 'nConnected':
          c.answered += n('count');
          break;
        case 'tAbandon':
          c.abandoned += n('count');
          break;
        case 'oServiceLevel':
          c.slNumerator += n('numerator');
          c.slDenominator += n('denominator');
          break;
        case 'tHandle':
          c.handled += n('count');
          c.handleMs += n('sum');
          break;
        case 'tAnswered':
          c.answerCount += n('count');
          c.answerWaitMs += n('sum');
          break;
        default:
          break;
      }
    }
  }
  return c;
}

export function kpis(c: Counts): Kpis {
  return {
    offered: c.offered,
    answered: c.answered,
    abandoned: c.abandoned,
    serviceLevel: c.slDenominator > 0 ? c.slNumerator / c.slDenominator : null,
    ahtMs: c.handled > 0 ? c.handleMs / c.handled : null,
    asaMs: c.answerCount > 0 ? c.answerWaitMs / c.answerCount : null,
    abandonRate: c.offered > 0 ? c.abandoned / c.offered : null,
    agents: c.agents,
  };
}

export interface DayResponses {
  total: AggregatesResponse;
  byQueue: AggregatesResponse;
  byMedia: AggregatesResponse;
  hourly: AggregatesResponse;
  /** groupBy [queueId, userId], metric tHandle: who handled what. */
  agents: AggregatesResponse;
}

/** Turns the day's aggregate responses into figures. Queues with no traffic are listed with zeros. */
export function figuresFromAggregates(
  date: string,
  timezone: string,
  r: DayResponses,
  queues: ReadonlyArray<{ id: string; name: string }>,
): DayFigures {
  const agentsByQueue = new Map<string, Set<string>>();
  const allAgents = new Set<string>();
  for (const res of r.agents.results ?? []) {
    const q = res.group?.['queueId'];
    const u = res.group?.['userId'];
    if (u === undefined || countsOf(res.data ?? []).handled === 0) continue;
    allAgents.add(u);
    if (q !== undefined) (agentsByQueue.get(q) ?? agentsByQueue.set(q, new Set()).get(q))?.add(u);
  }
  const total = emptyCounts();
  for (const res of r.total.results ?? []) Object.assign(total, addCounts(total, countsOf(res.data ?? [])));
  total.agents = allAgents.size;

  const byQueueMap = new Map<string, Counts>();
  for (const res of r.byQueue.results ?? []) {
    const id = res.group?.['queueId'];
    if (id === undefined) continue;
    byQueueMap.set(id, { ...countsOf(res.data ?? []), agents: agentsByQueue.get(id)?.size ?? 0 });
  }
  const names = new Map(queues.map((q) => [q.id, q.name]));
  const ids = [...new Set([...queues.map((q) => q.id), ...byQueueMap.keys()])];
  const byQueue = ids
    .map((queueId) => ({
      queueId,
      name: names.get(queueId) ?? queueId,
      counts: byQueueMap.get(queueId) ?? emptyCounts(),
    }))
    .sort((a, b) => b.counts.offered - a.counts.offered || a.name.localeCompare(b.name));

  const byMedia = (r.byMedia.results ?? [])
    .filter((res) => res.group?.['mediaType'] !== undefined)
    .map((res) => ({ mediaType: res.group?.['mediaType'] as string, counts: countsOf(res.data ?? []) }))
    .sort((a, b) => b.counts.offered - a.counts.offered);

  // Buckets are keyed by their start instant: vendors differ in how they print the interval.
  const perBucket = new Map<number, number>();
  for (const res of r.hourly.results ?? [])
    for (const bucket of res.data ?? []) {
      const at = Date.parse(bucket.interval.split('/')[0] ?? '');
      perBucket.set(at, (perBucket.get(at) ?? 0) + countsOf([bucket]).offered);
    }
  const hourly = hoursOfDay(date, timezone).map((h) => ({
    hour: h.label,
    offered: perBucket.get(h.start) ?? 0,
  }));
  return { date, timezone, total, byQueue, byMedia, hourly };
}

/** Offset of `zone` from UTC at `epochMs`, in ms (positive east of Greenwich). */
export function zoneOffsetMs(epochMs: number, zone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(epochMs));
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  const asUtc = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  );
  return asUtc - Math.floor(epochMs / 1000) * 1000;
}

/** Epoch ms of local midnight starting `date` (YYYY-MM-DD) in `zone`. */
export function localMidnight(date: string, zone: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const guess = Date.UTC(y, m - 1, d);
  let t = guess - zoneOffsetMs(guess, zone);
  t = guess - zoneOffsetMs(t, zone); // second pass settles DST edges
  return t;
}

/** The day's interval `start/end` in UTC ISO form, as the aggregates query wants it. */
export function dayInterval(date: string, zone: string): { start: number; end: number; interval: string } {
  const start = localMidnight(date, zone);
  const end = localMidnight(addDays(date, 1), zone);
  return { start, end, interval: `${new Date(start).toISOString()}/${new Date(end).toISOString()}` };
}

/** The local hours of the day (label `00`…`23`) with each hour's start instant. */
export function hoursOfDay(date: string, zone: string): Array<{ label: string; start: number }> {
  const { start, end } = dayInterval(date, zone);
  const out: Array<{ label: string; start: number }> = [];
  for (let t = start; t < end; t += 3_600_000) {
    const local = new Date(t + zoneOffsetMs(t, zone));
    out.push({
      label: String(local.getUTCHours()).padStart(2, '0'),
      start: t,
    });
  }
  return out;
}

export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** The same calendar day one year earlier (29 February → 28 February). */
export function sameDayLastYear(date: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const dt = new Date(Date.UTC(y - 1, m - 1, d));
  return dt.getUTCMonth() === m - 1 ? dt.toISOString().slice(0, 10) : addDays(`${y - 1}-03-01`, -1);
}

/** The local calendar date of `epochMs` in `zone`. */
export function localDate(epochMs: number, zone: string): string {
  return new Date(epochMs + zoneOffsetMs(epochMs, zone)).toISOString().slice(0, 10);
}

export const isDate = (s: string): boolean =>
  /^\d{4}-\d{2}-\d{2}$/.test(s) && new Date(`${s}T00:00:00Z`).toISOString().slice(0, 10) === s;
