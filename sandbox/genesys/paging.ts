/** The platform's page-number paging (`pageSize`, `pageNumber`, `total`, `pageCount`, URIs). */
import { badRequest } from './errors.ts';

export interface PageParams {
  pageSize: number;
  pageNumber: number;
}

export function intParam(value: unknown, name: string, def: number, min: number, max: number): number {
  if (value === undefined || value === '') return def;
  const n =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^-?\d+$/.test(value)
        ? Number(value)
        : NaN;
  if (!Number.isInteger(n) || n < min || n > max)
    throw badRequest(`${name} must be an integer between ${min} and ${max}`);
  return n;
}

export function pageParams(q: Record<string, unknown>, defSize = 25, maxSize = 500): PageParams {
  return {
    pageSize: intParam(q.pageSize, 'pageSize', defSize, 1, maxSize),
    pageNumber: intParam(q.pageNumber, 'pageNumber', 1, 1, 1_000_000),
  };
}

export function page<T>(
  items: readonly T[],
  p: PageParams,
  selfPath: string,
): {
  entities: T[];
  pageSize: number;
  pageNumber: number;
  total: number;
  pageCount: number;
  selfUri: string;
  firstUri: string;
  lastUri: string;
  nextUri?: string;
  previousUri?: string;
} {
  const total = items.length;
  const pageCount = Math.max(1, Math.ceil(total / p.pageSize));
  const start = (p.pageNumber - 1) * p.pageSize;
  const uri = (n: number) => `${selfPath}?pageSize=${p.pageSize}&pageNumber=${n}`;
  return {
    entities: items.slice(start, start + p.pageSize),
    pageSize: p.pageSize,
    pageNumber: p.pageNumber,
    total,
    pageCount,
    selfUri: uri(p.pageNumber),
    firstUri: uri(1),
    lastUri: uri(pageCount),
    ...(p.pageNumber < pageCount ? { nextUri: uri(p.pageNumber + 1) } : {}),
    ...(p.pageNumber > 1 ? { previousUri: uri(p.pageNumber - 1) } : {}),
  };
}

/**
 * A list query parameter as the SDK sends it: axios serialises arrays as `id[]=a&id[]=b`,
 * other clients send `id=a&id=b` or `id=a,b`; all are accepted.
 */
export function listParam(q: Record<string, unknown>, name: string): string[] {
  const out: string[] = [];
  for (const raw of [q[name], q[`${name}[]`]]) {
    const vals = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
    for (const v of vals)
      if (typeof v === 'string')
        out.push(
          ...v
            .split(',')
            .map((s) => s.trim())
            .filter((s) => s !== ''),
        );
  }
  return out;
}

export function strParam(q: Record<string, unknown>, name: string): string | undefined {
  const v = q[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw badRequest(`${name} must be given once`);
  return v;
}
