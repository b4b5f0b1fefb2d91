/**
 * Charts as SVG (pure). A chart is a small scene of shapes whose geometry is SVG path data;
 * `toSvg` writes it as an SVG document and the PDF renderer draws the same paths with
 * pdfkit's `doc.path(d)`, so the PDF holds vector charts identical to the SVG.
 */

export type Shape =
  | { kind: 'path'; d: string; fill?: string; stroke?: string; width?: number; dash?: number }
  | {
      kind: 'text';
      x: number;
      y: number;
      text: string;
      size: number;
      color: string;
      anchor: 'start' | 'middle' | 'end';
    };

export interface Scene {
  width: number;
  height: number;
  title: string;
  shapes: Shape[];
}

const AXIS = '#9aa5b1';
const INK = '#334e68';
const BAR = '#2f80ed';
const GOOD = '#27ae60';
const BAD = '#eb5757';
const TARGET = '#f2994a';

const rect = (x: number, y: number, w: number, h: number) =>
  `M${r(x)} ${r(y)}H${r(x + w)}V${r(y + h)}H${r(x)}Z`;
const line = (x1: number, y1: number, x2: number, y2: number) => `M${r(x1)} ${r(y1)}L${r(x2)} ${r(y2)}`;
const r = (n: number) => Math.round(n * 10) / 10;

function niceMax(v: number): number {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

interface Frame {
  x: number;
  y: number;
  w: number;
  h: number;
}

function axes(shapes: Shape[], f: Frame, max: number, fmt: (v: number) => string): void {
  for (let i = 0; i <= 4; i++) {
    const y = f.y + f.h - (f.h * i) / 4;
    shapes.push({
      kind: 'path',
      d: line(f.x, y, f.x + f.w, y),
      stroke: i === 0 ? AXIS : '#e4e7eb',
      width: 0.5,
    });
    shapes.push({
      kind: 'text',
      x: f.x - 4,
      y: y + 3,
      text: fmt((max * i) / 4),
      size: 7,
      color: INK,
      anchor: 'end',
    });
  }
}

/** Offered per hour of the day. */
export function volumeByHour(
  hourly: ReadonlyArray<{ hour: string; offered: number }>,
  w = 500,
  h = 170,
): Scene {
  const f: Frame = { x: 34, y: 10, w: w - 44, h: h - 34 };
  const max = niceMax(Math.max(0, ...hourly.map((b) => b.offered)));
  const shapes: Shape[] = [];
  axes(shapes, f, max, (v) => String(Math.round(v)));
  const slot = f.w / Math.max(1, hourly.length);
  hourly.forEach((b, i) => {
    const bh = (b.offered / max) * f.h;
    if (bh > 0)
      shapes.push({
        kind: 'path',
        d: rect(f.x + i * slot + slot * 0.15, f.y + f.h - bh, slot * 0.7, bh),
        fill: BAR,
      });
    if (i % 2 === 0)
      shapes.push({
        kind: 'text',
        x: f.x + i * slot + slot / 2,
        y: f.y + f.h + 11,
        text: b.hour,
        size: 7,
        color: INK,
        anchor: 'middle',
      });
  });
  return { width: w, height: h, title: 'Volume by hour (offered)', shapes };
}

/** Service level per queue as horizontal bars, with the target as a dashed line. */
export function serviceLevelByQueue(
  rows: ReadonlyArray<{ name: string; serviceLevel: number | null }>,
  targetRatio: number,
  w = 500,
): Scene {
  const shown = rows.slice(0, 12);
  const rowH = 16;
  const f: Frame = { x: 120, y: 8, w: w - 160, h: Math.max(1, shown.length) * rowH };
  const shapes: Shape[] = [];
  for (let i = 0; i <= 4; i++) {
    const x = f.x + (f.w * i) / 4;
    shapes.push({ kind: 'path', d: line(x, f.y, x, f.y + f.h), stroke: '#e4e7eb', width: 0.5 });
    shapes.push({
      kind: 'text',
      x,
      y: f.y + f.h + 10,
      text: `${i * 25}%`,
      size: 7,
      color: INK,
      anchor: 'middle',
    });
  }
  shown.forEach((q, i) => {
    const y = f.y + i * rowH;
    const name = q.name.length > 22 ? `${q.name.slice(0, 21)}…` : q.name;
    shapes.push({
      kind: 'text',
      x: f.x - 6,
      y: y + rowH / 2 + 3,
      text: name,
      size: 8,
      color: INK,
      anchor: 'end',
    });
    const sl = q.serviceLevel;
    if (sl === null) {
      shapes.push({
        kind: 'text',
        x: f.x + 4,
        y: y + rowH / 2 + 3,
        text: 'no traffic',
        size: 7,
        color: AXIS,
        anchor: 'start',
      });
      return;
    }
    const bw = Math.max(0.5, sl * f.w);
    shapes.push({ kind: 'path', d: rect(f.x, y + 3, bw, rowH - 6), fill: sl >= targetRatio ? GOOD : BAD });
    shapes.push({
      kind: 'text',
      x: f.x + bw + 4,
      y: y + rowH / 2 + 3,
      text: `${(sl * 100).toFixed(1)}%`,
      size: 7,
      color: INK,
      anchor: 'start',
    });
  });
  const tx = f.x + targetRatio * f.w;
  shapes.push({ kind: 'path', d: line(tx, f.y - 2, tx, f.y + f.h + 2), stroke: TARGET, width: 1.2, dash: 3 });
  return { width: w, height: f.y + f.h + 16, title: 'Service level by queue (target dashed)', shapes };
}

/** Offered per day (bars) and service level (line) over the last 30 days. */
export function thirtyDayTrend(
  days: ReadonlyArray<{ date: string; offered: number; serviceLevel: number | null }>,
  targetRatio: number,
  w = 500,
  h = 170,
): Scene {
  const f: Frame = { x: 34, y: 10, w: w - 68, h: h - 34 };
  const max = niceMax(Math.max(0, ...days.map((d) => d.offered)));
  const shapes: Shape[] = [];
  axes(shapes, f, max, (v) => String(Math.round(v)));
  const slot = f.w / Math.max(1, days.length);
  let d = '';
  days.forEach((day, i) => {
    const bh = (day.offered / max) * f.h;
    if (bh > 0)
      shapes.push({
        kind: 'path',
        d: rect(f.x + i * slot + slot * 0.15, f.y + f.h - bh, slot * 0.7, bh),
        fill: '#bcccdc',
      });
    if (day.serviceLevel !== null) {
      const x = f.x + i * slot + slot / 2;
      const y = f.y + f.h - day.serviceLevel * f.h;
      d += `${d === '' ? 'M' : 'L'}${r(x)} ${r(y)}`;
    }
    if (i % 5 === 0 || i === days.length - 1)
      shapes.push({
        kind: 'text',
        x: f.x + i * slot + slot / 2,
        y: f.y + f.h + 11,
        text: day.date.slice(5),
        size: 7,
        color: INK,
        anchor: 'middle',
      });
  });
  const ty = f.y + f.h - targetRatio * f.h;
  shapes.push({ kind: 'path', d: line(f.x, ty, f.x + f.w, ty), stroke: TARGET, width: 1, dash: 3 });
  if (d !== '') shapes.push({ kind: 'path', d, stroke: BAR, width: 1.5 });
  for (let i = 0; i <= 4; i++)
    shapes.push({
      kind: 'text',
      x: f.x + f.w + 4,
      y: f.y + f.h - (f.h * i) / 4 + 3,
      text: `${i * 25}%`,
      size: 7,
      color: BAR,
      anchor: 'start',
    });
  return { width: w, height: h, title: '30-day trend: offered (bars), service level (line)', shapes };
}

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function toSvg(scene: Scene): string {
  const body = scene.shapes
    .map((s) =>
      s.kind === 'path'
        ? `<path d="${s.d}" fill="${s.fill ?? 'none'}"${s.stroke ? ` stroke="${s.stroke}" stroke-width="${s.width ?? 1}"` : ''}${s.dash ? ` stroke-dasharray="${s.dash}"` : ''}/>`
        : `<text x="${r(s.x)}" y="${r(s.y)}" font-size="${s.size}" fill="${s.color}" text-anchor="${s.anchor}" font-family="Helvetica">${esc(s.text)}</text>`,
    )
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${scene.width}" height="${scene.height}" viewBox="0 0 ${scene.width} ${scene.height}"><title>${esc(scene.title)}</title>${body}</svg>`;
}
