/** A report: one day's figures with everything the renderers need (pure). */
import {
  alerts,
  recommendations,
  trends,
  type Alert,
  type History,
  type Targets,
  type Trends,
} from './assess.ts';
import { kpis, type Counts, type DayFigures } from './kpi.ts';

export interface Report {
  figures: DayFigures;
  targets: Targets;
  trends: Trends;
  alerts: Alert[];
  recommendations: string[];
  /** The 30 days ending with this one (missing days have zero counts), for the trend chart. */
  last30: Array<{ date: string; offered: number; serviceLevel: number | null }>;
  generatedAt: number;
}

export function buildReport(
  figures: DayFigures,
  targets: Targets,
  history: History,
  last30: ReadonlyArray<{ date: string; counts: Counts | undefined }>,
  generatedAt: number,
): Report {
  const found = alerts(figures, targets);
  const tr = trends(figures.total, history);
  return {
    figures,
    targets,
    trends: tr,
    alerts: found,
    recommendations: recommendations(figures, found, tr),
    last30: last30.map((d) => ({
      date: d.date,
      offered: d.counts?.offered ?? 0,
      serviceLevel: d.counts ? kpis(d.counts).serviceLevel : null,
    })),
    generatedAt,
  };
}
