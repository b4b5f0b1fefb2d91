import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IdMinter, idSuffix, normalizeId, to18 } from './ids.ts';

void test('the 18-character suffix encodes the case of the 15-character ID (known real pair)', () => {
  // A documented pair: 001A0000006Vm9r → 001A0000006Vm9rIAC.
  assert.equal(to18('001A0000006Vm9r'), '001A0000006Vm9rIAC');
  assert.equal(idSuffix('000000000000000'), 'AAA');
});

void test('normalizeId accepts 15 and 18 characters, repairs case-mangled IDs and rejects garbage', () => {
  assert.equal(normalizeId('001A0000006Vm9r'), '001A0000006Vm9rIAC');
  assert.equal(normalizeId('001A0000006Vm9rIAC'), '001A0000006Vm9rIAC');
  assert.equal(normalizeId('001a0000006vm9riac'), '001A0000006Vm9rIAC');
  assert.equal(normalizeId('001A0000006Vm9rZZZ'), undefined);
  assert.equal(normalizeId('not-an-id'), undefined);
});

void test('IdMinter is deterministic per key prefix', () => {
  const a = new IdMinter();
  const b = new IdMinter();
  assert.equal(a.next('003'), b.next('003'));
  const id = a.next('003');
  assert.equal(id.length, 18);
  assert.ok(id.startsWith('003'));
  assert.equal(normalizeId(id), id);
  assert.equal(a.next('001').slice(0, 3), '001');
});
