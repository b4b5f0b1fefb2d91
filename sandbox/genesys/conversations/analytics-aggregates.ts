/**
 * `POST /api/v2/analytics/conversations/aggregates/query` computed from observations (pure).
 * Response shape: `{ results: [{ group, data: [{ interval, metrics: [{ metric, stats }] }] }] }`;
 * empty buckets and metrics without observations are left out, as the vendor does.
 */
import { DIMENSIONS, METRICS, type Dimension, type Metric, type Observation } from './analytics-facts.ts';
import {
  buckets,
  isoInterval,
  isRecord,
  matches,
  parseFilter,
  parseGranularity,
  parseInterval,
  parseTimeZone,
  type Filter,
  type Parsed,
} from './analytics-query.ts';

export interface AggregateQuery {
  interval: { start: number; end: number };
  granularity?: { months: number; ms: number };
  timeZone: string;
  groupBy: Dimension[];
  filter?: Filter;
  metrics: Metric[];
}

export function parseAggregateQuery(body: unknown): Parsed<AggregateQuery> {
  if (!isRecord(body)) return { ok: false, message: 'the query must be a JSON object' };
  const interval = parseInterval(body.interval);
  if (!interval.ok) return interval;
  const granularity = parseGranularity(body.granularity);
  if (!granularity.ok) return granularity;
  const timeZone = parseTimeZone(body.timeZone);
  if (!timeZone.ok) return timeZone;
  const groupBy = body.groupBy ?? [];
  if (
    !Array.isArray(groupBy) ||
    !groupBy.every((g) => typeof g === 'string' && (DIMENSIONS as readonly string[]).includes(g))
  )
    return { ok: false, message: `groupBy must list dimensions among ${DIMENSIONS.join(', ')}` };
  const metrics = body.metrics;
  if (!Array.isArray(metrics) || metrics.length === 0)
    return { ok: false, message: 'metrics is required: a non-empty list' };
  for (const m of metrics)
    if (typeof m !== 'string' || !(METRICS as readonly string[]).includes(m))
      return { ok: false, message: `unsupported metric: ${String(m)}` };
  const filter = parseFilter(body.filter);
  if (!filter.ok) return filter;
  return {
    ok: true,
    value: {
      interval: interval.value,
      ...(granularity.value ? { granularity: granularity.value } : {}),
      timeZone: timeZone.value,
      groupBy: groupBy as Dimension[],
      ...(filter.value ? { filter: filter.value } : {}),
      metrics: metrics as Metric[],
    },
  };
}

interface Acc {
  count: number;
  sum: number;
  min: number;
  max: number;
  target?: number;
}

export type Stats =
  | { count: number }
  | { count: number; sum: number; min: number; max: number }
  | { ratio: number; numerator: number; denominator: number; target: number };

export function statsOf(metric: Metric, a: Acc): Stats {
  if (metric === 'oServiceLevel')
    return {
      ratio: a.count === 0 ? 0 : a.sum / a.count,
      numerator: a.sum,
      denominator: a.count,
      target: a.target ?? 0,
    };
  if (metric.startsWith('n')) return { count: a.count };
  return { max: a.max, min: a.min, count: a.count, sum: a.sum };
}

export function aggregate(q: AggregateQuery, observations: Observation[]): Parsed<{ results: unknown[] }> {
  const bs = buckets(q.interval, q.granularity);
  if (!bs.ok) return bs;
  const wanted = new Set<Metric>(q.metrics);
  // group key → bucket index → metric → accumulator
  const groups = new Map<string, { group: Record<string, string>; buckets: Map<number, Map<Metric, Acc>> }>();
  for (const o of observations) {
    if (
      !wanted.has(o.metric) ||
      o.at < q.interval.start ||
      o.at >= q.interval.end ||
      !matches(q.filter, o.dims)
    )
      continue;
    const bi = bucketIndex(bs.value, o.at);
    if (bi < 0) continue;
    const group: Record<string, string> = {};
    for (const d of q.groupBy) {
      const v = o.dims[d];
      if (v !== undefined) group[d] = v;
    }
    const key = JSON.stringify(q.groupBy.map((d) => group[d] ?? null));
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { group, buckets: new Map() }));
    let b = g.buckets.get(bi);
    if (!b) g.buckets.set(bi, (b = new Map()));
    const acc = b.get(o.metric) ?? { count: 0, sum: 0, min: Infinity, max: -Infinity };
    acc.count += 1;
    acc.sum += o.value;
    acc.min = Math.min(acc.min, o.value);
    acc.max = Math.max(acc.max, o.value);
    if (o.target !== undefined) acc.target = o.target;
    b.set(o.metric, acc);
  }
  const results = [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, g]) => ({
      group: g.group,
      data: [...g.buckets.entries()]
        .sort(([a], [b]) => a - b)
        .map(([bi, ms]) => ({
          interval: isoInterval(bs.value[bi] ?? q.interval),
          metrics: q.metrics.flatMap((m) => {
            const acc = ms.get(m);
            return acc ? [{ metric: m, stats: statsOf(m, acc) }] : [];
          }),
        })),
    }));
  return { ok: true, value: { results } };
}

function bucketIndex(bs: { start: number; end: number }[], at: number): number {
  let lo = 0;
  let hi = bs.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const b = bs[mid];
    if (!b) return -1;
    if (at < b.start) hi = mid - 1;
    else if (at >= b.end) lo = mid + 1;
    else return mid;
  }
  return -1;
}
