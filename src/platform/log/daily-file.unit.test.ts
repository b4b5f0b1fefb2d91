import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createDailyFileStream } from './daily-file.ts';

void test('one file per UTC day; files older than the retention are removed when a day starts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pb-logs-'));
  let t = Date.parse('2026-01-01T10:00:00Z');
  const s = createDailyFileStream({ dir, retentionDays: 3, now: () => t });
  for (let d = 0; d < 6; d++) {
    s.write(`{"day":${d}}\n`);
    s.write(`{"day":${d},"again":true}\n`);
    t += 86_400_000;
  }
  s.close();
  assert.deepEqual(readdirSync(dir).sort(), [
    'patchbay-2026-01-03.log',
    'patchbay-2026-01-04.log',
    'patchbay-2026-01-05.log',
    'patchbay-2026-01-06.log',
  ]);
  assert.equal(
    readFileSync(join(dir, 'patchbay-2026-01-06.log'), 'utf8'),
    '{"day":5}\n{"day":5,"again":true}\n',
  );
});
