import assert from 'node:assert/strict';
import { test } from 'node:test';
import { timeOrderedId } from './time-ordered.ts';

void test('UUIDv7: version and variant set, time prefix sorts with the clock, no repeats', () => {
  const ids = Array.from({ length: 2000 }, (_, i) => timeOrderedId(1_800_000_000_000 + i));
  for (const id of ids)
    assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.deepEqual([...ids].sort(), ids, 'ids of later milliseconds sort after earlier ones');
  assert.equal(new Set(ids).size, ids.length);
  assert.equal(timeOrderedId(0x0123456789ab).slice(0, 13), '01234567-89ab');
});
