import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseQuery, type WhereClause } from '@jetstreamapp/soql-parser-js';
import fc from 'fast-check';
import {
  escapeSosl,
  escapeSoqlLike,
  soql,
  soqlFields,
  soqlIdentifier,
  soqlLikeContains,
  soqlLiteral,
  sosl,
} from './soql.ts';

/** The inverse of escapeSoqlString, following Salesforce's escape list. */
function unescapeSoql(body: string): string {
  const map: Record<string, string> = {
    n: '\n',
    r: '\r',
    t: '\t',
    b: '\b',
    f: '\f',
    '"': '"',
    "'": "'",
    '\\': '\\',
    '%': '\\%',
    _: '\\_',
  };
  return body.replace(/\\(.)/gs, (_m, c: string) => {
    const v = map[c];
    if (v === undefined) throw new Error(`invalid escape \\${c}`);
    return v;
  });
}

function literalBody(value: unknown): string {
  assert.equal(typeof value, 'string');
  const s = value as string;
  assert.ok(s.startsWith("'") && s.endsWith("'") && s.length >= 2, `quoted literal: ${s}`);
  return s.slice(1, -1);
}

function onlyCondition(clause: WhereClause | undefined) {
  assert.ok(clause, 'has a WHERE');
  const where = clause as { left: unknown; right?: unknown; operator?: unknown };
  assert.equal(where.right, undefined, 'exactly one condition: the input added none');
  assert.equal(where.operator, undefined);
  const left = where.left as { field?: string; operator?: string; value?: unknown };
  return left;
}

const anyText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    "' OR Name != '",
    "\\' OR Id != null OR Name = '",
    "x' LIMIT 1 --",
    "'); DELETE FROM Contact; --",
    '\\',
    "\\\\'",
    '%_%',
    '\n\r\t',
  ),
);

void test('soql: no string can change the structure of the query; the literal round-trips', () => {
  fc.assert(
    fc.property(anyText, (s) => {
      const q = parseQuery(soql`SELECT Id FROM Contact WHERE LastName = ${s} LIMIT 5`.text);
      const cond = onlyCondition(q.where);
      assert.equal(cond.field, 'LastName');
      assert.equal(cond.operator, '=');
      assert.equal(unescapeSoql(literalBody(cond.value)), s);
      assert.equal(q.limit, 5);
      assert.equal(q.sObject, 'Contact');
    }),
    { numRuns: 500 },
  );
});

void test('soql: arrays become IN lists of literals, each round-trips', () => {
  fc.assert(
    fc.property(fc.array(anyText, { minLength: 1, maxLength: 5 }), (list) => {
      const q = parseQuery(soql`SELECT Id FROM Contact WHERE Email IN ${list}`.text);
      const cond = onlyCondition(q.where);
      assert.equal(cond.operator, 'IN');
      assert.ok(Array.isArray(cond.value));
      assert.deepEqual(
        (cond.value as unknown[]).map((v) => unescapeSoql(literalBody(v))),
        list,
      );
    }),
    { numRuns: 200 },
  );
});

void test('soql: LIKE patterns escape wildcards, so the input matches only itself', () => {
  fc.assert(
    fc.property(anyText, (s) => {
      const q = parseQuery(soql`SELECT Id FROM Contact WHERE Name LIKE ${soqlLikeContains(s)}`.text);
      const cond = onlyCondition(q.where);
      assert.equal(cond.operator, 'LIKE');
      const body = literalBody(cond.value);
      assert.ok(body.startsWith('%') && body.endsWith('%'));
      // Inside, every % and _ is escaped: removing escaped pairs leaves no wildcard.
      const inner = body.slice(1, -1).replace(/\\./gs, '');
      assert.ok(!/[%_]/.test(inner), `unescaped wildcard in ${body}`);
      assert.equal(unescapeSoql(body.slice(1, -1)).replace(/\\([%_])/g, '$1'), s);
      assert.equal(escapeSoqlLike(s), body.slice(1, -1));
    }),
    { numRuns: 300 },
  );
});

void test('soql: numbers, booleans, null and dates are literals of their type', () => {
  const at = new Date('2026-03-04T05:06:07.890Z');
  const text = soql`SELECT Id FROM Task WHERE N = ${42.5} AND B = ${true} AND X = ${null} AND D > ${at}`.text;
  assert.equal(
    text,
    'SELECT Id FROM Task WHERE N = 42.5 AND B = TRUE AND X = NULL AND D > 2026-03-04T05:06:07Z',
  );
  const q = parseQuery(text);
  assert.ok(q.where);
  assert.throws(() => soqlLiteral(Number.NaN), TypeError);
  assert.throws(() => soqlLiteral(new Date('nope')), TypeError);
  assert.throws(() => soqlLiteral([]), TypeError);
  assert.throws(() => soqlLiteral({} as unknown as string), TypeError);
});

void test('soql: identifiers are validated, never quoted', () => {
  assert.equal(soqlFields(['Id', 'Account.Name', 'Custom__c']).text, 'Id, Account.Name, Custom__c');
  for (const bad of ['', 'Id,Name', 'Id FROM User', "Name'", 'a b', '1abc', 'x--'])
    assert.throws(() => soqlIdentifier(bad), TypeError, bad);
  fc.assert(
    fc.property(fc.string({ maxLength: 20 }), (s) => {
      try {
        const f = soqlIdentifier(s);
        assert.match(f.text, /^[A-Za-z][A-Za-z0-9_.]*$/);
      } catch (e) {
        assert.ok(e instanceof TypeError);
      }
    }),
  );
});

/** Splits an escaped SOSL term into its characters, failing on an unescaped reserved one. */
function unescapeSosl(term: string): string {
  let out = '';
  for (let i = 0; i < term.length; i++) {
    const c = term[i]!;
    if (c === '\\') {
      out += term[++i] ?? '';
      continue;
    }
    assert.ok(!'?&|!{}[]()^~*:"\'+-'.includes(c), `unescaped reserved ${c} in ${term}`);
    out += c;
  }
  return out;
}

void test('sosl: every reserved character is escaped; the term round-trips', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 40 }), (s) => {
      const escaped = escapeSosl(s);
      // eslint-disable-next-line no-control-regex
      assert.equal(unescapeSosl(escaped), s.replace(/[\u0000-\u001f]/g, ' '));
      const q = sosl`FIND {${s}} IN ALL FIELDS RETURNING Contact(Id)`.text;
      assert.ok(q.startsWith(`FIND {${escaped}} IN ALL FIELDS`));
    }),
    { numRuns: 500 },
  );
  assert.equal(escapeSosl('a+b-c}'), 'a\\+b\\-c\\}');
});
