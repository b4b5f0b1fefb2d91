/**
 * SOQL over the store: parse with soql-parser-js, validate every object and field against the
 * schema, pick index candidates, filter, sort, page. Anything not emulated is refused with
 * MALFORMED_QUERY rather than answered wrongly.
 */
import { parseQuery } from '@jetstreamapp/soql-parser-js';
import type { ObjectMeta } from '../schema-index.ts';
import type { Rec, Store } from '../store.ts';
import { format, type Stored } from '../values.ts';
import { resolvePath, type Accessor } from './paths.ts';
import { invalidType, malformed, unsupported } from './query-errors.ts';
import { compileWhere, indexCandidates, type CompiledWhere } from './where.ts';

export interface QueryOptions {
  store: Store;
  now: number;
  /** `queryAll`: include the recycle bin. */
  includeDeleted?: boolean;
  /** API version in record URLs, e.g. "65.0". */
  version: string;
}

export type Column =
  | { kind: 'field'; acc: Accessor }
  | { kind: 'child'; name: string; query: CompiledSelect; parentField: string };

export interface CompiledSelect {
  meta: ObjectMeta;
  columns: Column[];
  where: CompiledWhere | undefined;
  order: { acc: Accessor; desc: boolean; nullsLast: boolean }[];
  limit: number | undefined;
  offset: number;
  count: boolean;
}

export interface QueryResult {
  totalSize: number;
  rows: Rec[];
  /** COUNT() queries report only totalSize. */
  isCount: boolean;
  serialize(rec: Rec): Record<string, unknown>;
}

export interface ParsedQuery {
  fields?: unknown[];
  sObject?: string;
  relationshipName?: string;
  where?: unknown;
  orderBy?: unknown;
  limit?: number;
  offset?: number;
  groupBy?: unknown;
  having?: unknown;
  withSecurityEnforced?: unknown;
  withAccessLevel?: unknown;
  for?: unknown;
  update?: unknown;
  usingScope?: unknown;
}

export function parseSoql(soql: string): ParsedQuery {
  try {
    return parseQuery(soql);
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    const found = /but found: '([^']*)'/.exec(msg)?.[1] ?? '';
    // A token the grammar rejects right before ':' is an identifier used as a date literal
    // (e.g. LAST_N_MINUTES:30); the platform reports that identifier.
    const token =
      found === ':'
        ? (/(\w+)\s*:\s*\d+/.exec(soql.slice(soql.toUpperCase().indexOf('WHERE')))?.[1] ?? found)
        : found;
    throw malformed(soql, token, token ? `unexpected token: '${token}'` : 'unexpected token: <EOF>');
  }
}

export function compileSelect(
  q: ParsedQuery,
  store: Store,
  meta: ObjectMeta,
  soql: string,
  now: number,
): CompiledSelect {
  if (q.groupBy || q.having) throw unsupported(soql, 'GROUP BY', 'GROUP BY');
  if (q.for || q.update || q.usingScope)
    throw unsupported(soql, 'FOR', 'FOR VIEW/REFERENCE/UPDATE and USING SCOPE');
  const columns: Column[] = [];
  let count = false;
  for (const raw of q.fields ?? []) {
    const f = raw as {
      type: string;
      field?: string;
      relationships?: string[];
      functionName?: string;
      parameters?: unknown[];
      subquery?: ParsedQuery;
    };
    if (f.type === 'Field') {
      columns.push({ kind: 'field', acc: resolvePath(store, meta, [f.field ?? ''], soql) });
    } else if (f.type === 'FieldRelationship') {
      const rels = [...(f.relationships ?? [])];
      // `SELECT Contact.Name FROM Contact` names the object itself first.
      if (rels[0]?.toLowerCase() === meta.name.toLowerCase() && !meta.parentRels.has(rels[0].toLowerCase()))
        rels.shift();
      columns.push({ kind: 'field', acc: resolvePath(store, meta, [...rels, f.field ?? ''], soql) });
    } else if (
      f.type === 'FieldFunctionExpression' &&
      f.functionName?.toUpperCase() === 'COUNT' &&
      (f.parameters ?? []).length === 0
    ) {
      count = true;
    } else if (f.type === 'FieldFunctionExpression' && f.functionName?.toUpperCase() === 'FIELDS') {
      const which = (typeof f.parameters?.[0] === 'string' ? f.parameters[0] : '').toUpperCase();
      for (const field of meta.fields) {
        const custom = field.name.endsWith('__c');
        if (which === 'ALL' || (which === 'CUSTOM' && custom) || (which === 'STANDARD' && !custom))
          columns.push({ kind: 'field', acc: resolvePath(store, meta, [field.name], soql) });
      }
    } else if (f.type === 'FieldSubquery' && f.subquery) {
      const relName = f.subquery.relationshipName ?? '';
      const rel = meta.childRels.get(relName.toLowerCase());
      if (!rel)
        throw malformed(
          soql,
          relName,
          `Didn't understand relationship '${relName}' in FROM part of query call. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names.`,
        );
      const childMeta = store.meta(rel.childObject);
      columns.push({
        kind: 'child',
        name: rel.name,
        parentField: rel.field,
        query: compileSelect(f.subquery, store, childMeta, soql, now),
      });
    } else {
      throw unsupported(
        soql,
        f.functionName ?? f.field ?? 'SELECT',
        `The select item ${f.functionName ?? f.type}`,
      );
    }
  }
  if (count && columns.length > 0)
    throw malformed(soql, 'COUNT', 'COUNT() must be the only element in the SELECT list');
  const order = (
    (q.orderBy ? (Array.isArray(q.orderBy) ? q.orderBy : [q.orderBy]) : []) as {
      field?: string;
      fn?: unknown;
      order?: string;
      nulls?: string;
    }[]
  ).map((o) => {
    if (!o.field) throw unsupported(soql, 'ORDER BY', 'ORDER BY a function');
    const desc = o.order === 'DESC';
    return {
      acc: resolvePath(store, meta, o.field.split('.'), soql),
      desc,
      nullsLast: o.nulls ? o.nulls === 'LAST' : desc,
    };
  });
  return {
    meta,
    columns,
    where: q.where ? compileWhere(q.where, store, meta, soql, now) : undefined,
    order,
    limit: q.limit,
    offset: q.offset ?? 0,
    count,
  };
}

function select(
  c: CompiledSelect,
  store: Store,
  includeDeleted: boolean,
  restrict?: Iterable<string>,
): Rec[] {
  let source: Iterable<Rec>;
  const candidates = restrict ?? (c.where ? indexCandidates(c.where.expr, store, c.meta) : undefined);
  if (candidates) {
    const rows: Rec[] = [];
    const seen = new Set<string>();
    for (const id of candidates) {
      const r = store.get(id, includeDeleted);
      if (r && store.schema.objectForId(id) === c.meta) rows.push(r);
      seen.add(id);
    }
    // Indexes hold live rows only: queryAll also looks through the recycle bin (WHERE filters it below).
    if (includeDeleted && !restrict)
      for (const r of store.scanDeleted(c.meta)) if (!seen.has(r.Id as string)) rows.push(r);
    // Index hits come back in insertion order, like a scan would.
    rows.sort((a, b) => ((a.Id as string) < (b.Id as string) ? -1 : 1));
    source = rows;
  } else {
    source = store.scan(c.meta, includeDeleted);
  }
  const out: Rec[] = [];
  const where = c.where;
  const test = where ? (r: Rec) => where.test(r) : undefined;
  const canStopEarly = c.order.length === 0 && c.limit !== undefined;
  for (const r of source) {
    if (test && !test(r)) continue;
    out.push(r);
    if (canStopEarly && out.length >= c.offset + (c.limit ?? 0)) break;
  }
  if (c.order.length > 0) out.sort((a, b) => compareRows(a, b, c.order));
  const end = c.limit === undefined ? undefined : c.offset + c.limit;
  return c.offset > 0 || end !== undefined ? out.slice(c.offset, end) : out;
}

function compareRows(a: Rec, b: Rec, order: CompiledSelect['order']): number {
  for (const o of order) {
    const x = o.acc.get(a);
    const y = o.acc.get(b);
    if (x === y) continue;
    if (x === null) return o.nullsLast ? 1 : -1;
    if (y === null) return o.nullsLast ? -1 : 1;
    const xs = typeof x === 'string' ? x.toLowerCase() : x;
    const ys = typeof y === 'string' ? y.toLowerCase() : y;
    if (xs === ys) continue;
    const r = xs < ys ? -1 : 1;
    return o.desc ? -r : r;
  }
  return 0;
}

function serializer(
  c: CompiledSelect,
  store: Store,
  version: string,
  includeDeleted: boolean,
): (rec: Rec) => Record<string, unknown> {
  const base = `/services/data/v${version}/sobjects`;
  const attrs = (type: string, id: Stored | undefined) => ({ type, url: `${base}/${type}/${String(id)}` });
  const children = c.columns
    .filter((col): col is Extract<Column, { kind: 'child' }> => col.kind === 'child')
    .map((col) => ({ col, ser: serializer(col.query, store, version, includeDeleted) }));
  return (rec) => {
    const out: Record<string, unknown> = { attributes: attrs(c.meta.name, rec.Id) };
    for (const col of c.columns) {
      if (col.kind === 'child') continue;
      const { acc } = col;
      if (acc.steps.length === 0) {
        out[acc.field.name] = format(acc.field, rec[acc.field.name]);
        continue;
      }
      // Parent fields nest: { Account: { attributes, Name } }, or null when the reference is empty.
      let holder = out;
      let cur: Rec | undefined = rec;
      for (const step of acc.steps) {
        const id: Stored | undefined = cur?.[step.field.name];
        cur = typeof id === 'string' ? store.get(id, true) : undefined;
        const existing = holder[step.relationshipName];
        if (!cur) {
          if (existing === undefined) holder[step.relationshipName] = null;
          holder = {};
          break;
        }
        if (existing === undefined || existing === null) {
          holder[step.relationshipName] = {
            attributes: attrs(store.schema.objectForId(cur.Id as string)?.name ?? '', cur.Id),
          };
        }
        holder = holder[step.relationshipName] as Record<string, unknown>;
      }
      if (cur) holder[acc.field.name] = format(acc.field, cur[acc.field.name] ?? null);
    }
    for (const { col, ser } of children) {
      const ids = store.lookup(col.query.meta, col.parentField, rec.Id as string) ?? new Set<string>();
      const rows = select(col.query, store, includeDeleted, ids);
      out[col.name] =
        rows.length === 0 ? null : { totalSize: rows.length, done: true, records: rows.map(ser) };
    }
    return out;
  };
}

export function runQuery(soql: string, opts: QueryOptions): QueryResult {
  if (typeof soql !== 'string' || soql.trim() === '')
    throw malformed(String(soql), '', 'unexpected token: <EOF>');
  const q = parseSoql(soql);
  const meta = q.sObject ? opts.store.schema.object(q.sObject) : undefined;
  if (!meta) throw invalidType(soql, q.sObject ?? '');
  const c = compileSelect(q, opts.store, meta, soql, opts.now);
  const includeDeleted = opts.includeDeleted ?? false;
  const rows = select(c, opts.store, includeDeleted);
  return {
    totalSize: rows.length,
    rows: c.count ? [] : rows,
    isCount: c.count,
    serialize: serializer(c, opts.store, opts.version, includeDeleted),
  };
}
