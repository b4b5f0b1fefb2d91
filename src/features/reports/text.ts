/** The plain-text report: the e-mail body, and the whole report when the PDF cannot be made (pure). */
import { comparisonLabels, fmtDuration, fmtPct, type Change, type Comparison } from './assess.ts';
import { kpis } from './kpi.ts';
import type { Report } from './model.ts';

const signed = (v: number | null, unit: '%' | ' pts') =>
  v === null ? '–' : `${v >= 0 ? '+' : ''}${unit === '%' ? (v * 100).toFixed(1) : v.toFixed(1)}${unit}`;

export function changeLine(c: Change): string {
  return `volume ${signed(c.offered, '%')}, SL ${signed(c.serviceLevelPts, ' pts')}, AHT ${signed(c.ahtPct, '%')}, abandon ${signed(c.abandonRatePts, ' pts')}`;
}

/** The executive summary (every mail carries it). */
export function summaryText(report: Report): string {
  const { figures: f, targets: t } = report;
  const k = kpis(f.total);
  const lines = [
    `Contact center report for ${f.date} (${f.timezone})`,
    '',
    `Total conversations: ${k.offered} offered, ${k.answered} answered, ${k.abandoned} abandoned`,
    `Service level: ${fmtPct(k.serviceLevel)} (target ${t.serviceLevelPercent}%)`,
    `Average handle time: ${fmtDuration(k.ahtMs)} (target < ${fmtDuration(t.ahtSeconds * 1000)})`,
    `Average speed of answer: ${fmtDuration(k.asaMs)}`,
    `Abandon rate: ${fmtPct(k.abandonRate)} (target < ${t.abandonPercent}%)`,
    `Agents: ${k.agents}`,
  ];
  const cmp = Object.entries(report.trends) as Array<[Comparison, Change]>;
  if (cmp.length > 0) {
    lines.push('', 'Trends:');
    for (const [name, c] of cmp) lines.push(`  ${comparisonLabels[name]}: ${changeLine(c)}`);
  }
  lines.push('', report.alerts.length > 0 ? `Alerts (${report.alerts.length}):` : 'Alerts: none');
  for (const a of report.alerts) lines.push(`  - ${a.message}`);
  lines.push('', 'Recommendations:');
  for (const r of report.recommendations) lines.push(`  - ${r}`);
  return lines.join('\n');
}

/** The full text report: the summary plus the per-queue and per-media tables. */
export function fullText(report: Report): string {
  const row = (cells: string[], widths: number[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 10) : c.padStart(widths[i] ?? 10))).join(' ');
  const widths = [24, 8, 8, 9, 8, 8, 8, 8, 7];
  const head = ['Queue', 'Offered', 'Answer', 'Abandon', 'SL', 'AHT', 'ASA', 'Aband%', 'Agents'];
  const lines = [summaryText(report), '', 'By queue:', row(head, widths)];
  const line = (name: string, c: Parameters<typeof kpis>[0], agents = true) => {
    const k = kpis(c);
    return row(
      [
        name.slice(0, 24),
        String(k.offered),
        String(k.answered),
        String(k.abandoned),
        fmtPct(k.serviceLevel),
        fmtDuration(k.ahtMs),
        fmtDuration(k.asaMs),
        fmtPct(k.abandonRate),
        agents ? String(k.agents) : '–',
      ],
      widths,
    );
  };
  for (const q of report.figures.byQueue) lines.push(line(q.name, q.counts));
  lines.push(line('Total', report.figures.total));
  if (report.figures.byMedia.length > 0) {
    lines.push('', 'By media type:', row(['Media', ...head.slice(1)], widths));
    for (const m of report.figures.byMedia) lines.push(line(m.mediaType, m.counts, false));
  }
  lines.push('', 'Offered by hour:', report.figures.hourly.map((h) => `${h.hour}h ${h.offered}`).join(' | '));
  return lines.join('\n');
}
