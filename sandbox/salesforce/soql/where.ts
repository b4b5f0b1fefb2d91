/**
 * The WHERE clause. soql-parser-js returns conditions as a right-leaning list with parenthesis
 * counts; this rebuilds the real tree (rejecting AND and OR mixed without parentheses, as the
 * platform does), compiles it to a predicate, and finds index candidates so equality lookups on
 * indexed fields (phones, e-mails, references, external IDs) never scan the table.
 */
import type { ObjectMeta } from '../schema-index.ts';
import type { Rec, Store } from '../store.ts';
import { SfError } from '../errors.ts';
import { normalizeId } from '../ids.ts';
import { parseDatetime, type Stored } from '../values.ts';
import { dateLiteralRange } from './date-literals.ts';
import { resolvePath, type Accessor } from './paths.ts';
import { badFilterValue, malformed, unsupported } from './query-errors.ts';

interface RawCondition {
  field?: string;
  fn?: unknown;
  operator: string;
  literalType?: string | string[];
  value?: string | string[];
  valueQuery?: unknown;
  openParen?: number;
  closeParen?: number;
}
interface RawNode {
  left: RawCondition | { openParen?: number } | null;
  operator?: string;
  right?: RawNode;
}

type Token = '(' | ')' | 'AND' | 'OR' | 'NOT' | RawCondition;

export type Expr =
  | { kind: 'and' | 'or'; items: Expr[] }
  | { kind: 'not'; item: Expr }
  | { kind: 'cond'; acc: Accessor; op: string; test: (v: Stored) => boolean; eqKeys: Stored[] | undefined };

export interface CompiledWhere {
  expr: Expr;
  test(rec: Rec): boolean;
}

function flatten(node: RawNode | undefined, out: Token[]): void {
  for (let n = node; n; n = n.right) {
    const left = n.left;
    const isCond = left !== null && ('field' in left || 'fn' in left);
    if (!isCond) {
      for (let i = 0; i < (left?.openParen ?? 0); i++) out.push('(');
      if (n.operator === 'NOT') out.push('NOT');
      continue;
    }
    const c: RawCondition = left;
    for (let i = 0; i < (c.openParen ?? 0); i++) out.push('(');
    out.push(c);
    for (let i = 0; i < (c.closeParen ?? 0); i++) out.push(')');
    if (n.operator === 'AND' || n.operator === 'OR') out.push(n.operator);
  }
}

export function compileWhere(
  where: unknown,
  store: Store,
  meta: ObjectMeta,
  soql: string,
  now: number,
): CompiledWhere {
  const tokens: Token[] = [];
  flatten(where as RawNode, tokens);
  let pos = 0;
  const peek = () => tokens[pos];

  const parseSeq = (): Expr => {
    const items = [parseTerm()];
    let op: 'AND' | 'OR' | undefined;
    while (peek() === 'AND' || peek() === 'OR') {
      const next = tokens[pos++] as 'AND' | 'OR';
      if (op && next !== op)
        throw malformed(soql, next === 'OR' ? ' OR ' : ' AND ', `unexpected token: ${next}`);
      op = next;
      items.push(parseTerm());
    }
    return items.length === 1 ? (items[0] as Expr) : { kind: op === 'OR' ? 'or' : 'and', items };
  };
  const parseTerm = (): Expr => {
    const t = tokens[pos++];
    if (t === 'NOT') return { kind: 'not', item: parseTerm() };
    if (t === '(') {
      const e = parseSeq();
      if (tokens[pos++] !== ')') throw malformed(soql, '(', "unexpected token: '('");
      return e;
    }
    if (t === undefined || typeof t === 'string')
      throw malformed(soql, String(t ?? ''), `unexpected token: ${String(t ?? '<EOF>')}`);
    return compileCondition(t, store, meta, soql, now);
  };
  const expr = parseSeq();
  if (pos !== tokens.length) throw malformed(soql, ')', "unexpected token: ')'");
  return { expr, test: (rec) => evaluate(expr, rec) };
}

function evaluate(e: Expr, rec: Rec): boolean {
  switch (e.kind) {
    case 'and':
      return e.items.every((i) => evaluate(i, rec));
    case 'or':
      return e.items.some((i) => evaluate(i, rec));
    case 'not':
      return !evaluate(e.item, rec);
    case 'cond':
      return e.test(e.acc.get(rec));
  }
}

/** Ids that can match, from indexes; undefined means "scan". */
export function indexCandidates(e: Expr, store: Store, meta: ObjectMeta): Set<string> | undefined {
  switch (e.kind) {
    case 'cond': {
      if (!e.eqKeys || e.acc.steps.length > 0) return undefined;
      if (e.acc.field.name === 'Id')
        return new Set(e.eqKeys.filter((k): k is string => typeof k === 'string'));
      const out = new Set<string>();
      for (const k of e.eqKeys) {
        if (k === null) return undefined;
        const hit = store.lookup(meta, e.acc.field.name, k);
        if (!hit) return undefined;
        for (const id of hit) out.add(id);
      }
      return out;
    }
    case 'and': {
      let best: Set<string> | undefined;
      for (const i of e.items) {
        const c = indexCandidates(i, store, meta);
        if (c && (!best || c.size < best.size)) best = c;
      }
      return best;
    }
    case 'or': {
      const out = new Set<string>();
      for (const i of e.items) {
        const c = indexCandidates(i, store, meta);
        if (!c) return undefined;
        for (const id of c) out.add(id);
      }
      return out;
    }
    case 'not':
      return undefined;
  }
}

/** A SOQL string literal's content with escapes resolved (`\'`, `\\`, `\n`, `\uXXXX`, …). */
export function unquote(raw: string, soql: string, inLike: boolean): string {
  const body = raw.startsWith("'") && raw.endsWith("'") && raw.length >= 2 ? raw.slice(1, -1) : raw;
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const ch = body[i] as string;
    if (ch !== '\\') {
      out += ch;
      continue;
    }
    const nx = body[++i] ?? '';
    const simple: Record<string, string> = {
      n: '\n',
      r: '\r',
      t: '\t',
      b: '\b',
      f: '\f',
      '"': '"',
      "'": "'",
      '\\': '\\',
    };
    if (nx in simple) out += simple[nx];
    else if (nx === 'u' && /^[0-9a-fA-F]{4}$/.test(body.slice(i + 1, i + 5))) {
      out += String.fromCharCode(parseInt(body.slice(i + 1, i + 5), 16));
      i += 4;
    } else if (inLike && (nx === '%' || nx === '_')) out += '\\' + nx;
    else
      throw malformed(
        soql,
        raw,
        `Invalid string literal '${raw}'. Illegal character sequence '\\${nx}' in string literal.`,
      );
  }
  return out;
}

function likeRegex(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] as string;
    if (ch === '\\' && (pattern[i + 1] === '%' || pattern[i + 1] === '_')) re += pattern[++i];
    else if (ch === '%') re += '.*';
    else if (ch === '_') re += '.';
    else re += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 'is');
}

type Comparable = { kind: 'value'; v: Stored } | { kind: 'range'; start: Stored; end: Stored };

function compileCondition(c: RawCondition, store: Store, meta: ObjectMeta, soql: string, now: number): Expr {
  if (c.fn !== undefined || c.field === undefined) throw unsupported(soql, c.operator, 'A function in WHERE');
  const acc = resolvePath(store, meta, c.field.split('.'), soql);
  const f = acc.field;
  const op = c.operator.toUpperCase();
  if (c.literalType === 'SUBQUERY') throw unsupported(soql, 'SELECT', 'A semi-join subquery');
  const types = Array.isArray(c.literalType) ? c.literalType : [c.literalType ?? 'STRING'];
  const rawValues = Array.isArray(c.value) ? c.value : [c.value ?? ''];
  if (types.some((t) => t === 'APEX_BIND_VARIABLE'))
    throw malformed(soql, ':', 'Bind variables only allowed in Apex code');

  const literal = (raw: string, type: string): Comparable => {
    if (type === 'NULL') return { kind: 'value', v: null };
    if (type === 'DATE_LITERAL' || type === 'DATE_N_LITERAL') {
      if (f.type !== 'date' && f.type !== 'datetime') throw badFilterValue(soql, raw, f.name, f.type);
      const r = dateLiteralRange(raw, now);
      if (!r) throw unsupported(soql, raw.split(':')[0] ?? raw, `The date literal ${raw}`);
      return f.type === 'date'
        ? {
            kind: 'range',
            start: new Date(r.start).toISOString().slice(0, 10),
            end: new Date(r.end).toISOString().slice(0, 10),
          }
        : { kind: 'range', start: r.start, end: r.end };
    }
    switch (f.type) {
      case 'datetime': {
        if (type !== 'DATETIME') throw badFilterValue(soql, raw, f.name, 'dateTime');
        const ms = parseDatetime(raw);
        if (ms === undefined) throw malformed(soql, raw, `Invalid datetime: ${raw}`);
        return { kind: 'value', v: ms };
      }
      case 'date':
        if (type !== 'DATE') throw badFilterValue(soql, raw, f.name, 'date');
        return { kind: 'value', v: raw };
      case 'boolean':
        if (type !== 'BOOLEAN') throw badFilterValue(soql, raw, f.name, 'boolean');
        return { kind: 'value', v: raw.toUpperCase() === 'TRUE' };
      case 'int':
      case 'double':
      case 'currency':
        if (type !== 'INTEGER' && type !== 'DECIMAL') throw badFilterValue(soql, raw, f.name, 'double');
        return { kind: 'value', v: Number(raw) };
      default: {
        if (type !== 'STRING') throw badFilterValue(soql, raw, f.name, 'string');
        const s = unquote(raw, soql, op === 'LIKE');
        if (f.type === 'id' || f.type === 'reference') {
          const id = normalizeId(s);
          if (!id && op !== 'LIKE')
            throw new SfError('INVALID_QUERY_FILTER_OPERATOR', `\n${soql}\ninvalid ID field: ${s}`);
          return { kind: 'value', v: id ?? s };
        }
        return { kind: 'value', v: s };
      }
    }
  };

  const values = rawValues.map((raw, i) => literal(raw, types[i] ?? types[0] ?? 'STRING'));
  const cmp = (a: Stored, b: Stored): number => {
    if (typeof a === 'string' && typeof b === 'string') {
      const x = a.toLowerCase();
      const y = b.toLowerCase();
      return x < y ? -1 : x > y ? 1 : 0;
    }
    return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
  };
  const eq = (v: Stored, l: Comparable): boolean => {
    if (l.kind === 'range') return v !== null && cmp(v, l.start) >= 0 && cmp(v, l.end) < 0;
    if (l.v === null || v === null) return l.v === v;
    return cmp(v, l.v) === 0;
  };
  const first = values[0] ?? { kind: 'value', v: null };
  const lower = (l: Comparable): Stored => (l.kind === 'range' ? l.start : l.v);
  const upperExclusive = (l: Comparable): Stored => (l.kind === 'range' ? l.end : l.v);

  let test: (v: Stored) => boolean;
  let eqKeys: Stored[] | undefined;
  switch (op) {
    case '=':
      test = (v) => eq(v, first);
      if (first.kind === 'value') eqKeys = [first.v];
      break;
    case '!=':
    case '<>':
      test = (v) => !eq(v, first);
      break;
    case '<':
      test = (v) => v !== null && lower(first) !== null && cmp(v, lower(first)) < 0;
      break;
    case '<=':
      test = (v) =>
        v !== null &&
        upperExclusive(first) !== null &&
        (first.kind === 'range' ? cmp(v, first.end) < 0 : cmp(v, first.v) <= 0);
      break;
    case '>':
      test = (v) =>
        v !== null &&
        upperExclusive(first) !== null &&
        (first.kind === 'range' ? cmp(v, first.end) >= 0 : cmp(v, first.v) > 0);
      break;
    case '>=':
      test = (v) => v !== null && lower(first) !== null && cmp(v, lower(first)) >= 0;
      break;
    case 'LIKE': {
      if (first.kind !== 'value' || typeof first.v !== 'string')
        throw malformed(soql, 'LIKE', 'invalid operator on field');
      const re = likeRegex(first.v);
      test = (v) => typeof v === 'string' && re.test(v);
      break;
    }
    case 'IN':
      test = (v) => values.some((l) => eq(v, l));
      if (values.every((l) => l.kind === 'value')) eqKeys = values.map((l) => (l as { v: Stored }).v);
      break;
    case 'NOT IN':
      test = (v) => !values.some((l) => eq(v, l));
      break;
    default:
      throw unsupported(soql, c.operator, `The operator ${c.operator}`);
  }
  return { kind: 'cond', acc, op, test, eqKeys };
}
