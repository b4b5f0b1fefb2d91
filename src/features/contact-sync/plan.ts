/**
 * Small pure decisions of a run: the incremental watermark (SystemModstamp + Id), what a per-record
 * bulk error means, and batching.
 */

export interface Watermark {
  /** `SystemModstamp`, epoch ms. */
  ts: number;
  id: string;
}

export function compareWatermark(a: Watermark, b: Watermark): number {
  if (a.ts !== b.ts) return a.ts < b.ts ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** True when (ts, id) is strictly after the watermark, i.e. not yet applied. */
export function afterWatermark(w: Watermark | undefined, ts: number, id: string): boolean {
  return w === undefined || compareWatermark({ ts, id }, w) > 0;
}

/**
 * The `SystemModstamp >=` bound of the next incremental query: watermark minus the overlap,
 * floored to the second (SOQL datetimes carry seconds). Records re-read in the overlap cost only
 * the transfer: their content hash is unchanged, so nothing is sent.
 */
export function querySince(w: Watermark | undefined, overlapMs: number): Date {
  const ts = Math.max(0, (w?.ts ?? 0) - overlapMs);
  return new Date(Math.floor(ts / 1000) * 1000);
}

/** What to do with one entity that failed inside a bulk call (seed Pattern 1's error table). */
export type BulkErrorAction = 'update_instead' | 'skip' | 'retry' | 'recreate' | 'fail';

export function bulkErrorAction(
  status: number | undefined,
  op: 'add' | 'update' | 'remove',
): BulkErrorAction {
  if (status === 409) return 'update_instead';
  if (status === 404) return op === 'update' ? 'recreate' : op === 'remove' ? 'skip' : 'fail';
  if (status === 400 || status === 413 || status === 422) return 'skip';
  if (status === 429 || status === 503 || status === 502 || status === 504) return 'retry';
  return 'fail';
}

export function chunk<T>(list: readonly T[], size: number): T[][] {
  const n = Math.max(1, Math.floor(size));
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += n) out.push(list.slice(i, i + n));
  return out;
}

/** Genesys `modifyDate` (ISO) → epoch ms, undefined when absent or unreadable. */
export function parseTime(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v !== 'string' || v === '') return undefined;
  const t = Date.parse(v.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isFinite(t) ? t : undefined;
}
