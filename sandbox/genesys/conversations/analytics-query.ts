/**
 * Shared parsing for analytics queries (pure): `interval` ("start/end" ISO-8601), `granularity`
 * (ISO-8601 duration), `timeZone` (IANA) and filters `{ type: and|or, clauses, predicates }`.
 */
import { DIMENSIONS, type Dimension } from './analytics-facts.ts';

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };
export const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export function parseInterval(v: unknown): Parsed<{ start: number; end: number }> {
  if (typeof v !== 'string') return { ok: false, message: 'interval is required: "<ISO start>/<ISO end>"' };
  const [a, b, ...rest] = v.split('/');
  const start = a ? Date.parse(a) : NaN;
  const end = b ? Date.parse(b) : NaN;
  if (rest.length > 0 || Number.isNaN(start) || Number.isNaN(end))
    return { ok: false, message: `interval is not "<ISO start>/<ISO end>": ${v}` };
  if (end <= start) return { ok: false, message: 'interval end must be after its start' };
  return { ok: true, value: { start, end } };
}

export type Granularity = { months: number; ms: number };

/** ISO-8601 durations the vendor accepts for granularity: PnM/PnW/PnD and PTnH/PTnM/PTnS combinations. */
export function parseGranularity(v: unknown): Parsed<Granularity | undefined> {
  if (v === undefined) return { ok: true, value: undefined };
  if (typeof v !== 'string')
    return { ok: false, message: 'granularity must be an ISO-8601 duration such as PT30M' };
  const m = /^P(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(v);
  if (!m || v === 'P' || v.endsWith('T'))
    return { ok: false, message: `granularity is not an ISO-8601 duration: ${v}` };
  const n = (i: number) => Number(m[i] ?? 0);
  const g = { months: n(1), ms: ((n(2) * 7 + n(3)) * 24 * 3600 + n(4) * 3600 + n(5) * 60 + n(6)) * 1000 };
  if (g.months === 0 && g.ms < 60_000) return { ok: false, message: 'granularity must be at least PT1M' };
  if (g.months > 0 && g.ms > 0)
    return { ok: false, message: 'granularity cannot mix months with other units' };
  return { ok: true, value: g };
}

export function parseTimeZone(v: unknown): Parsed<string> {
  if (v === undefined) return { ok: true, value: 'UTC' };
  if (typeof v !== 'string') return { ok: false, message: 'timeZone must be an IANA time zone name' };
  try {
    new Intl.DateTimeFormat('en', { timeZone: v });
    return { ok: true, value: v };
  } catch {
    return { ok: false, message: `timeZone is not a known IANA time zone: ${v}` };
  }
}

/** Buckets over the interval, aligned to its start. Months step in calendar months (UTC). */
export function buckets(
  interval: { start: number; end: number },
  g: Granularity | undefined,
  max = 10_000,
): Parsed<{ start: number; end: number }[]> {
  if (!g) return { ok: true, value: [interval] };
  const out: { start: number; end: number }[] = [];
  let s = interval.start;
  while (s < interval.end) {
    let e: number;
    if (g.months > 0) {
      const d = new Date(s);
      d.setUTCMonth(d.getUTCMonth() + g.months);
      e = d.getTime();
    } else e = s + g.ms;
    out.push({ start: s, end: Math.min(e, interval.end) });
    if (out.length > max)
      return { ok: false, message: `the interval holds more than ${max} granularity buckets` };
    s = e;
  }
  return { ok: true, value: out };
}

export interface Predicate {
  dimension: Dimension;
  operator: 'matches' | 'exists' | 'notExists';
  value?: string;
}
export interface Filter {
  type: 'and' | 'or';
  predicates: Predicate[];
  clauses: Filter[];
}

export function parseFilter(v: unknown, path = 'filter'): Parsed<Filter | undefined> {
  if (v === undefined) return { ok: true, value: undefined };
  if (!isRecord(v)) return { ok: false, message: `${path} must be an object` };
  if (v.type !== 'and' && v.type !== 'or')
    return { ok: false, message: `${path}.type must be "and" or "or"` };
  const predicates: Predicate[] = [];
  if (v.predicates !== undefined) {
    if (!Array.isArray(v.predicates)) return { ok: false, message: `${path}.predicates must be a list` };
    for (const [i, p] of v.predicates.entries()) {
      const r = parsePredicate(p, `${path}.predicates[${i}]`);
      if (!r.ok) return r;
      predicates.push(r.value);
    }
  }
  const clauses: Filter[] = [];
  if (v.clauses !== undefined) {
    if (!Array.isArray(v.clauses)) return { ok: false, message: `${path}.clauses must be a list` };
    for (const [i, c] of v.clauses.entries()) {
      const r = parseFilter(c, `${path}.clauses[${i}]`);
      if (!r.ok) return r;
      if (r.value) clauses.push(r.value);
    }
  }
  if (predicates.length === 0 && clauses.length === 0)
    return { ok: false, message: `${path} needs predicates or clauses` };
  return { ok: true, value: { type: v.type, predicates, clauses } };
}

function parsePredicate(v: unknown, path: string): Parsed<Predicate> {
  if (!isRecord(v)) return { ok: false, message: `${path} must be an object` };
  if (v.type !== undefined && v.type !== 'dimension')
    return {
      ok: false,
      message: `${path}.type "${JSON.stringify(v.type)}" is not supported (only "dimension")`,
    };
  if (typeof v.dimension !== 'string' || !(DIMENSIONS as readonly string[]).includes(v.dimension))
    return { ok: false, message: `${path}.dimension must be one of ${DIMENSIONS.join(', ')}` };
  const operator = v.operator ?? 'matches';
  if (operator !== 'matches' && operator !== 'exists' && operator !== 'notExists')
    return { ok: false, message: `${path}.operator must be matches, exists or notExists` };
  if (operator === 'matches' && typeof v.value !== 'string')
    return { ok: false, message: `${path}.value must be a string` };
  return {
    ok: true,
    value: {
      dimension: v.dimension as Dimension,
      operator,
      ...(typeof v.value === 'string' ? { value: v.value } : {}),
    },
  };
}

export function matches(f: Filter | undefined, dims: Partial<Record<Dimension, string>>): boolean {
  if (!f) return true;
  const results = [
    ...f.predicates.map((p) => {
      const v = dims[p.dimension];
      if (p.operator === 'exists') return v !== undefined;
      if (p.operator === 'notExists') return v === undefined;
      return v === p.value;
    }),
    ...f.clauses.map((c) => matches(c, dims)),
  ];
  return f.type === 'and' ? results.every(Boolean) : results.some(Boolean);
}

export const isoInterval = (b: { start: number; end: number }) =>
  `${new Date(b.start).toISOString()}/${new Date(b.end).toISOString()}`;
