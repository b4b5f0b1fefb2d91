/**
 * The PDF report (pdfkit): cover summary with KPI tiles (value, target, change), alerts and
 * recommendations; a page of charts (SVG scenes drawn as vector paths); per-queue and per-media
 * tables. Text stays text (standard Helvetica), so the figures can be extracted from the PDF.
 */
import PDFDocument from 'pdfkit';
import { comparisonLabels, fmtDuration, fmtPct, type Change } from './assess.ts';
import { serviceLevelByQueue, thirtyDayTrend, volumeByHour, type Scene } from './charts.ts';
import { kpis, type Counts } from './kpi.ts';
import type { Report } from './model.ts';

type Doc = PDFKit.PDFDocument;

const NAVY = '#102a43';
const INK = '#334e68';
const MUTED = '#829ab1';
const GOOD = '#27ae60';
const BAD = '#eb5757';
const M = 40;

export function renderPdf(report: Report): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({
      size: 'A4',
      margin: M,
      info: {
        Title: `Contact center report ${report.figures.date}`,
        Author: 'Patchbay',
        CreationDate: new Date(report.generatedAt),
      },
    });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    try {
      cover(doc, report);
      doc.addPage();
      charts(doc, report);
      doc.addPage();
      tables(doc, report);
      doc.end();
    } catch (err) {
      reject(err instanceof Error ? err : new Error(String(err)));
    }
  });
}

function header(doc: Doc, title: string, report: Report): void {
  doc.rect(0, 0, doc.page.width, 70).fill(NAVY);
  doc.fillColor('#ffffff').font('Helvetica-Bold').fontSize(18).text(title, M, 22, { lineBreak: false });
  doc
    .font('Helvetica')
    .fontSize(10)
    .text(`${report.figures.date} · ${report.figures.timezone}`, M, 46, { lineBreak: false });
  doc.fillColor(INK).font('Helvetica');
  doc.y = 90;
}

function signedText(v: number | null, unit: '%' | ' pts'): string {
  if (v === null) return '–';
  return `${v >= 0 ? '+' : ''}${unit === '%' ? (v * 100).toFixed(1) : v.toFixed(1)}${unit}`;
}

interface Tile {
  label: string;
  value: string;
  target: string;
  ok: boolean | null;
  change: string;
}

function tilesOf(report: Report): Tile[] {
  const k = kpis(report.figures.total);
  const t = report.targets;
  const y: Change | undefined = report.trends.yesterday;
  const w: Change | undefined = report.trends.last7;
  const ch = (pick: (c: Change) => number | null, unit: '%' | ' pts') =>
    `${signedText(y ? pick(y) : null, unit)} vs yesterday · ${signedText(w ? pick(w) : null, unit)} vs 7d`;
  return [
    {
      label: 'Conversations offered',
      value: String(k.offered),
      target: `${k.answered} answered`,
      ok: null,
      change: ch((c) => c.offered, '%'),
    },
    {
      label: 'Service level',
      value: fmtPct(k.serviceLevel),
      target: `target ${t.serviceLevelPercent}%`,
      ok: k.serviceLevel === null ? null : k.serviceLevel * 100 >= t.serviceLevelPercent,
      change: ch((c) => c.serviceLevelPts, ' pts'),
    },
    {
      label: 'Average handle time',
      value: fmtDuration(k.ahtMs),
      target: `target < ${fmtDuration(t.ahtSeconds * 1000)}`,
      ok: k.ahtMs === null ? null : k.ahtMs <= t.ahtSeconds * 1000,
      change: ch((c) => c.ahtPct, '%'),
    },
    {
      label: 'Average speed of answer',
      value: fmtDuration(k.asaMs),
      target: '',
      ok: null,
      change: ch((c) => c.asaPct, '%'),
    },
    {
      label: 'Abandon rate',
      value: fmtPct(k.abandonRate),
      target: `target < ${t.abandonPercent}%`,
      ok: k.abandonRate === null ? null : k.abandonRate * 100 <= t.abandonPercent,
      change: ch((c) => c.abandonRatePts, ' pts'),
    },
    { label: 'Agents', value: String(k.agents), target: `${k.abandoned} abandoned`, ok: null, change: '' },
  ];
}

function cover(doc: Doc, report: Report): void {
  header(doc, 'Contact center daily report', report);
  const tiles = tilesOf(report);
  const cols = 3;
  const gap = 10;
  const tw = (doc.page.width - 2 * M - gap * (cols - 1)) / cols;
  const th = 86;
  tiles.forEach((t, i) => {
    const x = M + (i % cols) * (tw + gap);
    const y = 90 + Math.floor(i / cols) * (th + gap);
    doc.roundedRect(x, y, tw, th, 6).fillAndStroke('#f0f4f8', '#d9e2ec');
    const accent = t.ok === null ? MUTED : t.ok ? GOOD : BAD;
    doc.rect(x, y + 6, 4, th - 12).fill(accent);
    doc
      .fillColor(MUTED)
      .fontSize(8)
      .font('Helvetica')
      .text(t.label.toUpperCase(), x + 12, y + 10, { width: tw - 20 });
    doc
      .fillColor(NAVY)
      .font('Helvetica-Bold')
      .fontSize(22)
      .text(t.value, x + 12, y + 24, { width: tw - 20 });
    doc
      .fillColor(accent)
      .font('Helvetica')
      .fontSize(8)
      .text(t.target, x + 12, y + 52, { width: tw - 20 });
    doc
      .fillColor(INK)
      .fontSize(7)
      .text(t.change, x + 12, y + 66, { width: tw - 20 });
  });
  doc.y = 90 + 2 * (th + gap) + 10;
  section(doc, 'Trends');
  const entries = Object.entries(report.trends) as Array<[keyof typeof comparisonLabels, Change]>;
  if (entries.length === 0) doc.fontSize(9).fillColor(MUTED).text('No earlier days stored yet.');
  for (const [name, c] of entries)
    doc
      .fontSize(9)
      .fillColor(INK)
      .text(
        `${comparisonLabels[name]}: volume ${signedText(c.offered, '%')}, SL ${signedText(c.serviceLevelPts, ' pts')}, AHT ${signedText(c.ahtPct, '%')}, ASA ${signedText(c.asaPct, '%')}, abandon ${signedText(c.abandonRatePts, ' pts')}`,
      );
  doc.moveDown(0.8);
  section(doc, `Alerts (${report.alerts.length})`);
  if (report.alerts.length === 0) doc.fontSize(9).fillColor(GOOD).text('Every target was met.');
  for (const a of report.alerts.slice(0, 14)) doc.fontSize(9).fillColor(BAD).text(`•  ${a.message}`);
  if (report.alerts.length > 14)
    doc
      .fontSize(9)
      .fillColor(MUTED)
      .text(`… and ${report.alerts.length - 14} more (see the table).`);
  doc.moveDown(0.8);
  section(doc, 'Recommendations');
  for (const r of report.recommendations) doc.fontSize(9).fillColor(INK).text(`•  ${r}`);
}

function section(doc: Doc, title: string): void {
  doc.x = M;
  doc.font('Helvetica-Bold').fontSize(12).fillColor(NAVY).text(title, M);
  doc.font('Helvetica').moveDown(0.3);
}

/** Draws a chart scene: its paths are SVG path data, passed to pdfkit as they are. */
export function drawScene(doc: Doc, scene: Scene, x: number, y: number): void {
  doc.font('Helvetica-Bold').fontSize(10).fillColor(NAVY).text(scene.title, x, y, { lineBreak: false });
  doc.font('Helvetica');
  const top = y + 16;
  for (const s of scene.shapes) {
    if (s.kind === 'path') {
      doc.save();
      doc.translate(x, top);
      doc.path(s.d);
      if (s.dash) doc.dash(s.dash, { space: s.dash });
      if (s.fill && s.stroke) doc.lineWidth(s.width ?? 1).fillAndStroke(s.fill, s.stroke);
      else if (s.fill) doc.fill(s.fill);
      else if (s.stroke) doc.lineWidth(s.width ?? 1).stroke(s.stroke);
      doc.undash();
      doc.restore();
    } else {
      doc.fontSize(s.size).fillColor(s.color);
      const w = doc.widthOfString(s.text);
      const dx = s.anchor === 'middle' ? -w / 2 : s.anchor === 'end' ? -w : 0;
      doc.text(s.text, x + s.x + dx, top + s.y - s.size * 0.8, { lineBreak: false });
    }
  }
}

function charts(doc: Doc, report: Report): void {
  header(doc, 'Charts', report);
  const w = doc.page.width - 2 * M;
  const volume = volumeByHour(report.figures.hourly, w);
  drawScene(doc, volume, M, 90);
  const sl = serviceLevelByQueue(
    report.figures.byQueue.map((q) => ({ name: q.name, serviceLevel: kpis(q.counts).serviceLevel })),
    report.targets.serviceLevelPercent / 100,
    w,
  );
  const slY = 90 + volume.height + 30;
  drawScene(doc, sl, M, slY);
  drawScene(
    doc,
    thirtyDayTrend(report.last30, report.targets.serviceLevelPercent / 100, w),
    M,
    slY + sl.height + 30,
  );
}

function tables(doc: Doc, report: Report): void {
  header(doc, 'By queue and media type', report);
  const cols = [
    { h: 'Queue', w: 125 },
    { h: 'Offered', w: 48 },
    { h: 'Answered', w: 52 },
    { h: 'Abandoned', w: 55 },
    { h: 'SL', w: 45 },
    { h: 'AHT', w: 42 },
    { h: 'ASA', w: 42 },
    { h: 'Abandon %', w: 55 },
    { h: 'Agents', w: 40 },
  ];
  const table = (
    title: string,
    rows: Array<{ name: string; counts: Counts; bold?: boolean; noAgents?: boolean }>,
  ) => {
    section(doc, title);
    let y = doc.y;
    const drawRow = (cells: string[], opts: { fill?: string; bold?: boolean; color?: string[] }) => {
      if (y > doc.page.height - M - 20) {
        doc.addPage();
        y = M;
      }
      if (opts.fill)
        doc
          .rect(
            M,
            y - 3,
            cols.reduce((a, c) => a + c.w, 0),
            16,
          )
          .fill(opts.fill);
      let x = M;
      cells.forEach((c, i) => {
        const col = cols[i] as { w: number };
        doc
          .font(opts.bold ? 'Helvetica-Bold' : 'Helvetica')
          .fontSize(8)
          .fillColor(opts.color?.[i] ?? INK)
          .text(c, x + 3, y, {
            width: col.w - 6,
            align: i === 0 ? 'left' : 'right',
            lineBreak: false,
            ellipsis: true,
          });
        x += col.w;
      });
      y += 16;
    };
    drawRow(
      cols.map((c) => c.h),
      { fill: '#d9e2ec', bold: true },
    );
    const t = report.targets;
    rows.forEach((r, i) => {
      const k = kpis(r.counts);
      const color = (ok: boolean | null) => (ok === null ? INK : ok ? INK : BAD);
      drawRow(
        [
          r.name,
          String(k.offered),
          String(k.answered),
          String(k.abandoned),
          fmtPct(k.serviceLevel),
          fmtDuration(k.ahtMs),
          fmtDuration(k.asaMs),
          fmtPct(k.abandonRate),
          r.noAgents ? '–' : String(k.agents),
        ],
        {
          ...(i % 2 === 1 ? { fill: '#f7f9fb' } : {}),
          ...(r.bold ? { bold: true } : {}),
          color: [
            INK,
            INK,
            INK,
            INK,
            color(k.serviceLevel === null ? null : k.serviceLevel * 100 >= t.serviceLevelPercent),
            color(k.ahtMs === null ? null : k.ahtMs <= t.ahtSeconds * 1000),
            INK,
            color(k.abandonRate === null ? null : k.abandonRate * 100 <= t.abandonPercent),
            INK,
          ],
        },
      );
    });
    doc.x = M;
    doc.y = y + 14;
  };
  table('By queue', [
    ...report.figures.byQueue.map((q) => ({ name: q.name, counts: q.counts })),
    { name: 'Total', counts: report.figures.total, bold: true },
  ]);
  if (report.figures.byMedia.length > 0)
    table(
      'By media type',
      report.figures.byMedia.map((m) => ({ name: m.mediaType, counts: m.counts, noAgents: true })),
    );
  doc
    .font('Helvetica')
    .fontSize(7)
    .fillColor(MUTED)
    .text(
      `SL = answered within the queue's service level time / (answered + abandoned). AHT = talk + hold + after-call work. ASA = average wait of answered conversations. Generated ${new Date(report.generatedAt).toISOString()} by Patchbay.`,
      M,
    );
}
