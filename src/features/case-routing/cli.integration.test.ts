import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fixtureSecrets } from '../../../test/fixtures/pii.ts';

const bin = join(import.meta.dirname, '..', '..', '..', 'bin', 'patchbay.js');

void test('routing credentials set/show/rotate: secrets from stdin, stored encrypted, never printed', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pb-routing-cli-'));
  const sqlite = join(dir, 'cli.sqlite');
  const oldKey = randomBytes(32).toString('base64');
  const run = (args: string[], env: Record<string, string>, input?: string) => {
    const r = spawnSync(process.execPath, [bin, ...args], {
      cwd: dir,
      encoding: 'utf8',
      input,
      env: { PATH: process.env.PATH ?? '', PATCHBAY_SQLITE_PATH: sqlite, ...env },
      timeout: 60_000,
    });
    return { code: r.status, out: r.stdout + r.stderr };
  };
  const password = fixtureSecrets[0];
  const set = run(
    [
      'routing',
      'credentials',
      'set',
      'cic',
      '--server',
      'http://cic1:8019',
      '--user',
      'sors',
      '--password-stdin',
    ],
    { PATCHBAY_ENCRYPTION_KEY: oldKey },
    `${password}\n`,
  );
  assert.equal(set.code, 0, set.out);
  for (const f of [sqlite, `${sqlite}-wal`])
    if (existsSync(f)) assert.equal(readFileSync(f).includes(password), false, `${f} holds the password`);
  const newKey = randomBytes(32).toString('base64');
  const rotated = run(['routing', 'credentials', 'rotate'], {
    PATCHBAY_ENCRYPTION_KEY: newKey,
    PATCHBAY_ENCRYPTION_OLD_KEYS: oldKey,
  });
  assert.equal(rotated.code, 0, rotated.out);
  assert.match(rotated.out, /Re-encrypted 1 secret/);
  const show = run(['routing', 'credentials', 'show'], { PATCHBAY_ENCRYPTION_KEY: newKey });
  assert.equal(show.code, 0, show.out);
  assert.ok(!show.out.includes(password));
  const shown = JSON.parse(show.out) as { cic: { userId: string; server: string } };
  assert.equal(shown.cic.userId, 'sors');
  const noSecret = run(
    ['routing', 'credentials', 'set', 'salesforce', '--login-url', 'https://x.example', '--client-id', 'c'],
    {
      PATCHBAY_ENCRYPTION_KEY: newKey,
    },
  );
  assert.notEqual(noSecret.code, 0);
});
