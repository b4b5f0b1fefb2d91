import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadConfig } from './load.ts';
import { configReferenceTable, withReference } from './reference.ts';

test('environment wins over .env, which wins over the config file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pb-config-'));
  const file = join(dir, 'patchbay.json');
  const dotenv = join(dir, '.env');
  writeFileSync(
    file,
    JSON.stringify({ PATCHBAY_PORT: 9000, LOG_LEVEL: 'warn', PATCHBAY_TIMEZONE: 'Europe/Paris' }),
  );
  writeFileSync(dotenv, 'LOG_LEVEL=error\n');
  const c = loadConfig({ env: { PATCHBAY_PORT: '9100' }, configFile: file, dotenvPath: dotenv });
  assert.equal(c.port, 9100);
  assert.equal(c.logLevel, 'error');
  assert.equal(c.timezone, 'Europe/Paris');
  assert.deepEqual(
    [c.sources.PATCHBAY_PORT, c.sources.LOG_LEVEL, c.sources.PATCHBAY_TIMEZONE],
    ['env', '.env', 'file'],
  );
});

test('unknown keys and unreadable config files are reported', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pb-config-'));
  const file = join(dir, 'bad.json');
  writeFileSync(file, JSON.stringify({ NOT_A_SETTING: 1, PATCHBAY_PORT: { nested: true } }));
  assert.throws(
    () => loadConfig({ env: {}, configFile: file }),
    /NOT_A_SETTING: unknown setting[\s\S]*PATCHBAY_PORT: must be a string, number or boolean/,
  );
  writeFileSync(file, '{ not json');
  assert.throws(
    () => loadConfig({ env: {}, configFile: file }),
    /PATCHBAY_CONFIG_FILE: cannot read JSON config file/,
  );
});

test("README's configuration reference matches the schema", () => {
  const readme = readFileSync(join(import.meta.dirname, '..', '..', '..', 'README.md'), 'utf8');
  assert.ok(
    readme.includes(configReferenceTable()),
    'README.md is out of date: run node scripts/config-reference.ts',
  );
  assert.equal(withReference(readme), readme);
});
