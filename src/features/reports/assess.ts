/** Targets, trends, alerts and recommendations over day figures (pure). */
import { addCounts, kpis, type Counts, type DayFigures, type Kpis } from './kpi.ts';

export interface Targets {
  serviceLevelPercent: number;
  ahtSeconds: number;
  abandonPercent: number;
}

export const defaultTargets: Targets = { serviceLevelPercent: 80, ahtSeconds: 600, abandonPercent: 5 };

export type Comparison = 'yesterday' | 'last7' | 'last30' | 'lastYear';

export const comparisonLabels: Record<Comparison, string> = {
  yesterday: 'vs yesterday',
  last7: 'vs 7-day avg',
  last30: 'vs 30-day avg',
  lastYear: 'vs same day last year',
};

/** What a day is compared with; a window is the sum of its stored days (absent when none is stored). */
export interface History {
  yesterday?: Counts | undefined;
  last7?: { counts: Counts; days: number } | undefined;
  last30?: { counts: Counts; days: number } | undefined;
  lastYear?: Counts | undefined;
}

/** Change of each KPI against a baseline: relative for volumes and times, percentage points for rates. */
export interface Change {
  offered: number | null;
  serviceLevelPts: number | null;
  ahtPct: number | null;
  asaPct: number | null;
  abandonRatePts: number | null;
}

export type Trends = Partial<Record<Comparison, Change>>;

const rel = (now: number | null, before: number | null) =>
  now === null || before === null || before === 0 ? null : (now - before) / before;
const pts = (now: number | null, before: number | null) =>
  now === null || before === null ? null : (now - before) * 100;

export function change(now: Kpis, before: Kpis, days = 1): Change {
  return {
    offered: rel(now.offered, before.offered / days),
    serviceLevelPts: pts(now.serviceLevel, before.serviceLevel),
    ahtPct: rel(now.ahtMs, before.ahtMs),
    asaPct: rel(now.asaMs, before.asaMs),
    abandonRatePts: pts(now.abandonRate, before.abandonRate),
  };
}

export function trends(today: Counts, h: History): Trends {
  const k = kpis(today);
  const out: Trends = {};
  if (h.yesterday) out.yesterday = change(k, kpis(h.yesterday));
  if (h.last7) out.last7 = change(k, kpis(h.last7.counts), h.last7.days);
  if (h.last30) out.last30 = change(k, kpis(h.last30.counts), h.last30.days);
  if (h.lastYear) out.lastYear = change(k, kpis(h.lastYear));
  return out;
}

export function sumDays(days: readonly Counts[]): { counts: Counts; days: number } | undefined {
  if (days.length === 0) return undefined;
  return { counts: days.reduce(addCounts), days: days.length };
}

export type KpiName = 'serviceLevel' | 'aht' | 'abandonRate';

export interface Alert {
  kpi: KpiName;
  /** `total` or a queue name. */
  scope: string;
  queueId?: string;
  actual: number;
  target: number;
  message: string;
}

export const fmtPct = (ratio: number | null, digits = 1): string =>
  ratio === null ? '–' : `${(ratio * 100).toFixed(digits)}%`;

export const fmtDuration = (ms: number | null): string => {
  if (ms === null) return '–';
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
};

/** Target misses of the total and of each queue with traffic. */
export function alerts(f: DayFigures, t: Targets): Alert[] {
  const out: Alert[] = [];
  const check = (scope: string, c: Counts, queueId?: string) => {
    const k = kpis(c);
    const q = queueId === undefined ? {} : { queueId };
    if (k.serviceLevel !== null && k.serviceLevel * 100 < t.serviceLevelPercent)
      out.push({
        kpi: 'serviceLevel',
        scope,
        ...q,
        actual: k.serviceLevel,
        target: t.serviceLevelPercent / 100,
        message: `${scope}: service level ${fmtPct(k.serviceLevel)} below target ${t.serviceLevelPercent}%`,
      });
    if (k.ahtMs !== null && k.ahtMs > t.ahtSeconds * 1000)
      out.push({
        kpi: 'aht',
        scope,
        ...q,
        actual: k.ahtMs,
        target: t.ahtSeconds * 1000,
        message: `${scope}: AHT ${fmtDuration(k.ahtMs)} above target ${fmtDuration(t.ahtSeconds * 1000)}`,
      });
    if (k.abandonRate !== null && k.abandonRate * 100 > t.abandonPercent)
      out.push({
        kpi: 'abandonRate',
        scope,
        ...q,
        actual: k.abandonRate,
        target: t.abandonPercent / 100,
        message: `${scope}: abandon rate ${fmtPct(k.abandonRate)} above target ${t.abandonPercent}%`,
      });
  };
  check('Total', f.total);
  for (const q of f.byQueue) if (q.counts.offered > 0) check(q.name, q.counts, q.queueId);
  return out;
}

/** Short rule-based advice: one line per finding, most actionable first, at most six. */
export function recommendations(f: DayFigures, found: readonly Alert[], tr: Trends): string[] {
  const out: string[] = [];
  const peak = f.hourly.reduce((a, b) => (b.offered > a.offered ? b : a), { hour: '', offered: -1 });
  for (const q of f.byQueue) {
    const mine = found.filter((a) => a.queueId === q.queueId).map((a) => a.kpi);
    const k = kpis(q.counts);
    if (mine.includes('serviceLevel') && mine.includes('abandonRate'))
      out.push(
        `${q.name}: understaffed — service level and abandons both missed; add agents around the ${peak.hour}:00 peak (${peak.offered} offered that hour).`,
      );
    else if (mine.includes('serviceLevel'))
      out.push(
        `${q.name}: answer faster — ASA ${fmtDuration(k.asaMs)}; move agents to this queue at peak or lower its ring time.`,
      );
    else if (mine.includes('abandonRate'))
      out.push(`${q.name}: callers give up — offer callbacks or announce the expected wait.`);
    if (mine.includes('aht'))
      out.push(
        `${q.name}: AHT ${fmtDuration(k.ahtMs)} — review hold and after-call work; coaching or knowledge articles may help.`,
      );
  }
  const weekly = tr.last7?.offered;
  if (weekly !== null && weekly !== undefined && Math.abs(weekly) >= 0.2)
    out.push(
      `Volume ${weekly > 0 ? 'up' : 'down'} ${Math.round(Math.abs(weekly) * 100)}% on the 7-day average — check the staffing forecast.`,
    );
  if (out.length === 0) out.push('All targets met — no action needed.');
  return out.slice(0, 6);
}
