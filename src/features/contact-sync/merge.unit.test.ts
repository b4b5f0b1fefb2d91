import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { defaultMapping, type FieldMapping, type Priority } from './mapping.ts';
import { mergeRecord, type Strategy, type Winner } from './merge.ts';
import type { Value, Values } from './values.ts';

const one = (priority: Priority, type: FieldMapping['type'] = 'text'): FieldMapping[] => [
  { key: 'f', sf: 'F__c', gc: { kind: 'custom', name: 'f' }, type, direction: 'both', priority },
];

type Change = 'unchanged' | 'sf' | 'gc' | 'both-same' | 'both-differ';
const STRATEGIES: Strategy[] = ['last-write-wins', 'field-priority', 'manual'];
const PRIORITIES: Priority[] = ['salesforce', 'genesys', 'last-write'];
const CHANGES: Change[] = ['unchanged', 'sf', 'gc', 'both-same', 'both-differ'];
const TIMES: Array<[number | undefined, number | undefined, string]> = [
  [2000, 1000, 'sf newer'],
  [1000, 2000, 'gc newer'],
  [1000, 1000, 'tie'],
  [undefined, 1000, 'sf time missing'],
  [1000, undefined, 'gc time missing'],
];
const BASES: Array<Value | undefined> = ['base', null, ['a', 'b']];

function sides(change: Change, base: Value | undefined): { s: Value; g: Value } {
  const b = base ?? null;
  const other = (tag: string): Value =>
    typeof b === 'string' ? `${b}-${tag}` : b === null ? tag : [...b, tag].sort();
  switch (change) {
    case 'unchanged':
      return { s: b, g: b };
    case 'sf':
      return { s: other('s'), g: b };
    case 'gc':
      return { s: b, g: other('g') };
    case 'both-same':
      return { s: other('x'), g: other('x') };
    case 'both-differ':
      return { s: other('s'), g: other('g') };
  }
}

function expectedWinner(
  strategy: Strategy,
  priority: Priority,
  ts: [number | undefined, number | undefined],
): Winner {
  const lw = (): Winner =>
    ts[0] === undefined || ts[1] === undefined
      ? 'manual'
      : ts[0] > ts[1]
        ? 'salesforce'
        : ts[1] > ts[0]
          ? 'genesys'
          : 'salesforce';
  if (strategy === 'manual') return 'manual';
  if (strategy === 'last-write-wins') return lw();
  return priority === 'last-write' ? lw() : priority;
}

void test('every combination of change × strategy × priority × timestamps × base kind', () => {
  let cases = 0;
  for (const base of BASES)
    for (const change of CHANGES)
      for (const strategy of STRATEGIES)
        for (const priority of PRIORITIES)
          for (const [sfTs, gcTs, label] of TIMES) {
            const mapping = one(priority, Array.isArray(base) ? 'list' : 'text');
            const { s, g } = sides(change, base);
            const r = mergeRecord(
              mapping,
              { f: base ?? null },
              { values: { f: s }, modifiedAt: sfTs },
              { values: { f: g }, modifiedAt: gcTs },
              { strategy },
            );
            const at = `${JSON.stringify(base)} ${change} ${strategy}/${priority} ${label}`;
            cases++;
            if (change === 'unchanged') {
              assert.deepEqual(
                r,
                { merged: { f: base ?? null }, toGenesys: {}, toSalesforce: {}, conflicts: [] },
                at,
              );
            } else if (change === 'sf') {
              assert.deepEqual(r.merged.f, s, at);
              assert.deepEqual(r.toGenesys, { f: s }, at);
              assert.deepEqual(r.toSalesforce, {}, at);
              assert.equal(r.conflicts.length, 0, at);
            } else if (change === 'gc') {
              assert.deepEqual(r.merged.f, g, at);
              assert.deepEqual(r.toSalesforce, { f: g }, at);
              assert.deepEqual(r.toGenesys, {}, at);
              assert.equal(r.conflicts.length, 0, at);
            } else if (change === 'both-same') {
              assert.deepEqual(r.merged.f, s, at);
              assert.deepEqual([r.toGenesys, r.toSalesforce, r.conflicts], [{}, {}, []], at);
            } else {
              const w = expectedWinner(strategy, priority, [sfTs, gcTs]);
              assert.equal(r.conflicts.length, 1, at);
              const c = r.conflicts[0]!;
              assert.equal(c.winner, w, at);
              assert.deepEqual([c.base, c.salesforce, c.genesys], [base ?? null, s, g], at);
              if (w === 'manual') {
                assert.deepEqual(r.merged.f, base ?? null, at);
                assert.deepEqual([r.toGenesys, r.toSalesforce], [{}, {}], at);
                if (strategy !== 'manual') assert.equal(c.reason, 'missing_timestamp', at);
              } else if (w === 'salesforce') {
                assert.deepEqual([r.merged.f, r.toGenesys, r.toSalesforce], [s, { f: s }, {}], at);
              } else {
                assert.deepEqual([r.merged.f, r.toSalesforce, r.toGenesys], [g, { f: g }, {}], at);
              }
            }
          }
  assert.equal(cases, BASES.length * CHANGES.length * STRATEGIES.length * PRIORITIES.length * TIMES.length);
});

void test('phone lists and e-mails compare by value, not by reference or case', () => {
  const mapping: FieldMapping[] = [
    {
      key: 'tags',
      sf: 'Tags__c',
      gc: { kind: 'custom', name: 'tags' },
      type: 'list',
      direction: 'both',
      priority: 'genesys',
    },
    {
      key: 'email',
      sf: 'Email',
      gc: { kind: 'field', name: 'workEmail' },
      type: 'email',
      direction: 'both',
      priority: 'last-write',
    },
  ];
  const base: Values = { tags: ['+14155550100', '+14155550101'], email: 'Ann@Example.com' };
  const r = mergeRecord(
    mapping,
    base,
    { values: { tags: ['+14155550100', '+14155550101'], email: 'ann@example.com' }, modifiedAt: 1 },
    { values: { tags: [...['+14155550100', '+14155550101']], email: 'ANN@EXAMPLE.COM' }, modifiedAt: 2 },
    { strategy: 'last-write-wins' },
  );
  assert.deepEqual([r.toGenesys, r.toSalesforce, r.conflicts], [{}, {}, []]);
});

void test('a value that cannot be read on one side is no opinion: the other side stands, nothing invalid is sent', () => {
  const r = mergeRecord(
    defaultMapping,
    { phone: '+14155550100', firstName: 'Ann' },
    { values: { firstName: 'Anna' }, invalid: ['phone'], modifiedAt: 5 },
    { values: { phone: '+14155550100', firstName: 'Ann' }, modifiedAt: 1 },
    { strategy: 'last-write-wins' },
  );
  assert.equal(r.merged.phone, '+14155550100');
  assert.deepEqual(r.toGenesys, { firstName: 'Anna' });
  assert.equal(r.conflicts.length, 0);
});

void test('one-way fields: Genesys edits are overwritten and audited, never written to Salesforce', () => {
  const r = mergeRecord(
    defaultMapping,
    { accountId: '001A' },
    { values: { accountId: '001A' }, modifiedAt: 1 },
    { values: { accountId: 'hacked' }, modifiedAt: 2 },
    { strategy: 'last-write-wins' },
  );
  assert.deepEqual(r.toGenesys, { accountId: '001A' });
  assert.deepEqual(r.toSalesforce, {});
  assert.equal(r.conflicts[0]?.reason, 'one_way_field');
});

void test('first link without a base: differing fields are conflicts resolved by the strategy (reason says no_base)', () => {
  const r = mergeRecord(
    one('salesforce'),
    undefined,
    { values: { f: 'a' }, modifiedAt: 1 },
    { values: { f: 'b' }, modifiedAt: 2 },
    { strategy: 'field-priority' },
  );
  assert.equal(r.conflicts[0]?.reason, 'field_priority:no_base');
  assert.deepEqual(r.toGenesys, { f: 'a' });
});

const valueArb: fc.Arbitrary<Value> = fc.oneof(
  fc.constant(null),
  fc.constantFrom('a', 'b', 'c'),
  fc.uniqueArray(fc.constantFrom('x', 'y', 'z'), { minLength: 1 }).map((l) => [...l].sort()),
);

void test('property: the merge converges — after applying its writes, both sides equal the new base and a second merge is a no-op', () => {
  fc.assert(
    fc.property(
      valueArb,
      valueArb,
      valueArb,
      fc.constantFrom(...STRATEGIES),
      fc.constantFrom(...PRIORITIES),
      fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
      fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
      (b, s, g, strategy, priority, ts1, ts2) => {
        const mapping = one(priority, 'list');
        const r = mergeRecord(
          mapping,
          { f: b },
          { values: { f: s }, modifiedAt: ts1 },
          { values: { f: g }, modifiedAt: ts2 },
          { strategy },
        );
        const parked = r.conflicts.some((c) => c.winner === 'manual');
        const s2 = 'f' in r.toSalesforce ? r.toSalesforce.f! : s;
        const g2 = 'f' in r.toGenesys ? r.toGenesys.f! : g;
        if (!parked) {
          assert.deepEqual(s2, r.merged.f);
          assert.deepEqual(g2, r.merged.f);
          const again = mergeRecord(
            mapping,
            r.merged,
            { values: { f: s2 }, modifiedAt: ts1 },
            { values: { f: g2 }, modifiedAt: ts2 },
            { strategy },
          );
          assert.deepEqual([again.toGenesys, again.toSalesforce, again.conflicts], [{}, {}, []]);
        } else {
          assert.deepEqual([r.toGenesys, r.toSalesforce], [{}, {}]);
        }
        // Never a write that makes both sides hold something neither had.
        for (const v of [r.toGenesys.f, r.toSalesforce.f])
          if (v !== undefined) assert.ok([s, g].some((x) => JSON.stringify(x) === JSON.stringify(v)));
      },
    ),
  );
});
