/**
 * The SOSL subset Patchbay needs: `FIND {term} IN (ALL|NAME|EMAIL|PHONE) FIELDS
 * RETURNING Obj(fields [WHERE …] [LIMIT n]), …` with the platform's phone normalisation (digits
 * only, with or without the country code). Other SOSL is refused with MALFORMED_SEARCH.
 */
import { SfError } from './errors.ts';
import type { ObjectMeta } from './schema-index.ts';
import type { Rec, Store } from './store.ts';
import { runQuery } from './soql/engine.ts';

export interface SearchResult {
  searchRecords: Record<string, unknown>[];
}

interface Returning {
  object: string;
  fields: string;
  where: string | undefined;
  limit: number | undefined;
}

export function parseSosl(sosl: string): {
  term: string;
  group: string;
  returning: Returning[];
  limit: number;
} {
  const m =
    /^\s*FIND\s+\{((?:\\.|[^\\}])*)\}\s*(?:IN\s+(ALL|NAME|EMAIL|PHONE|SIDEBAR)\s+FIELDS\s*)?(?:RETURNING\s+(.+?))?\s*(?:LIMIT\s+(\d+))?\s*$/is.exec(
      sosl,
    );
  if (!m)
    throw new SfError(
      'MALFORMED_SEARCH',
      `No search term found. The search term must be enclosed in braces.`,
    );
  const term = (m[1] ?? '').replace(/\\(.)/g, '$1').trim();
  if (term.replace(/[*?"]/g, '').length < 2)
    throw new SfError('INVALID_SEARCH', 'search term must be longer than one character');
  const returning: Returning[] = [];
  const spec = m[3] ?? 'Contact, Account, Lead';
  const re = /\s*(\w+)\s*(?:\(([^)]*)\))?\s*(?:,|$)/gy;
  let r: RegExpExecArray | null;
  while (re.lastIndex < spec.length && (r = re.exec(spec))) {
    const inner = r[2] ?? 'Id';
    const im = /^(.*?)(?:\s+WHERE\s+(.*?))?(?:\s+LIMIT\s+(\d+))?\s*$/is.exec(inner);
    returning.push({
      object: r[1] ?? '',
      fields: (im?.[1] ?? 'Id').trim() || 'Id',
      where: im?.[2],
      limit: im?.[3] ? Number(im[3]) : undefined,
    });
  }
  if (returning.length === 0 || re.lastIndex < spec.length)
    throw new SfError('MALFORMED_SEARCH', `unexpected token in RETURNING: ${spec}`);
  return {
    term,
    group: (m[2] ?? 'ALL').toUpperCase(),
    returning,
    limit: Math.min(200, m[4] ? Number(m[4]) : 200),
  };
}

const digits = (s: string) => s.replace(/\D/g, '');
/** Phone equality as SOSL sees it: the national number, ignoring formatting, `+1` and extensions. */
function phoneKey(s: string): string {
  const main = s.split(/\s*(?:x|ext\.?|#)\s*\d+$/i)[0] ?? s;
  const d = digits(main);
  return d.length === 11 && d.startsWith('1') ? d.slice(1) : d;
}

function matcher(group: string, term: string, meta: ObjectMeta): (rec: Rec) => boolean {
  const fields = meta.fields.filter((f) => {
    if (group === 'PHONE') return f.type === 'phone';
    if (group === 'EMAIL') return f.type === 'email';
    if (group === 'NAME')
      return f.name === meta.def.nameField || f.name === 'FirstName' || f.name === 'LastName';
    return ['string', 'textarea', 'phone', 'email'].includes(f.type);
  });
  if (group === 'PHONE') {
    const want = phoneKey(term);
    return (rec) =>
      fields.some((f) => typeof rec[f.name] === 'string' && phoneKey(rec[f.name] as string) === want);
  }
  const wildcard = term.endsWith('*');
  const t = term.replace(/\*$/, '').replace(/^"|"$/g, '').toLowerCase();
  return (rec) =>
    fields.some((f) => {
      const v = rec[f.name];
      if (typeof v !== 'string') return false;
      const s = v.toLowerCase();
      if (s === t) return true;
      const tokens = s.split(/[\s@.,;:()\-+]+/);
      return wildcard
        ? tokens.some((x) => x.startsWith(t)) || s.startsWith(t)
        : tokens.includes(t) || s.includes(` ${t}`) || s.startsWith(`${t} `);
    });
}

export function runSearch(sosl: string, store: Store, now: number, version: string): SearchResult {
  const p = parseSosl(sosl);
  const out: Record<string, unknown>[] = [];
  for (const ret of p.returning) {
    const meta = store.schema.object(ret.object);
    if (!meta) throw new SfError('INVALID_TYPE', `sObject type '${ret.object}' is not supported.`);
    const test = matcher(p.group, p.term, meta);
    const q = runQuery(`SELECT ${ret.fields} FROM ${meta.name}${ret.where ? ` WHERE ${ret.where}` : ''}`, {
      store,
      now,
      version,
    });
    let n = 0;
    for (const rec of q.rows) {
      if (!test(rec)) continue;
      out.push(q.serialize(rec));
      if (++n >= (ret.limit ?? p.limit) || out.length >= p.limit) break;
    }
  }
  return { searchRecords: out };
}
