import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fixtureSecrets } from '../../test/fixtures/pii.ts';
import { commands } from './registry.ts';

const root = join(import.meta.dirname, '..', '..');
const bin = join(root, 'bin', 'patchbay.js');

function patchbay(args: string[], env: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'pb-cli-'));
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', PATCHBAY_SQLITE_PATH: join(dir, 'cli.sqlite'), ...env },
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('patchbay CLI', () => {
  test('--help lists every command, and each command has its own --help', () => {
    const top = patchbay(['--help']);
    assert.equal(top.code, 0);
    for (const c of commands) {
      assert.ok(top.stdout.includes(c.path.join(' ')), `top-level help lacks ${c.path.join(' ')}`);
      const own = patchbay([...c.path, '--help']);
      assert.equal(own.code, 0, c.path.join(' '));
      assert.match(own.stdout, new RegExp(`Usage: patchbay ${c.path.join(' ')}`));
    }
  });

  test('bad configuration → exit code 2 listing every bad setting', () => {
    const r = patchbay(['config', 'check'], {
      PATCHBAY_PORT: 'x',
      LOG_LEVEL: 'chatty',
      PATCHBAY_JOBS_LEASE_SECONDS: '1',
    });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /PATCHBAY_PORT: must be an integer/);
    assert.match(r.stderr, /LOG_LEVEL: must be one of/);
    assert.match(r.stderr, /PATCHBAY_JOBS_LEASE_SECONDS: must be >= 5/);
  });

  test('config check prints the effective configuration with secrets masked', () => {
    const r = patchbay(['config', 'check'], {
      GENESYS_API_URL: 'https://api.mypurecloud.com',
      GENESYS_CLIENT_ID: 'cid',
      GENESYS_CLIENT_SECRET: fixtureSecrets[0],
    });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /GENESYS_CLIENT_SECRET\s+\*\*\*\s+\(env\)/);
    assert.ok(!r.stdout.includes(fixtureSecrets[0]));
  });

  test('unknown commands and options → exit 2 with usage', () => {
    assert.equal(patchbay(['frobnicate']).code, 2);
    const r = patchbay(['jobs', 'list', '--bogus']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Usage: patchbay jobs list/);
    assert.equal(patchbay(['jobs', 'replay']).code, 2);
  });

  test('migrate, apikey create/list/revoke and jobs commands work on a fresh database', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pb-cli-db-'));
    const env = { PATCHBAY_SQLITE_PATH: join(dir, 'p.sqlite') };
    const m = patchbay(['migrate'], env);
    assert.equal(m.code, 0, m.stderr);
    assert.match(m.stdout, /Applied: .*platform_0100_api_keys/);
    assert.match(patchbay(['migrate'], env).stdout, /up to date/);

    const created = patchbay(['apikey', 'create', 'ops'], env);
    assert.equal(created.code, 0, created.stderr);
    const key = /pbk_([a-z0-9]{12})_\S+/.exec(created.stdout);
    assert.ok(key);
    const listed = patchbay(['apikey', 'list'], env);
    const keys = JSON.parse(listed.stdout) as Array<{ id: string; name: string; revokedAt: string | null }>;
    assert.deepEqual(
      keys.map((k) => [k.id, k.name, k.revokedAt]),
      [[key[1], 'ops', null]],
    );
    assert.ok(!listed.stdout.includes(key[0]), 'the secret is never listed');
    assert.equal(patchbay(['apikey', 'revoke', key[1] as string], env).code, 0);
    assert.equal(patchbay(['apikey', 'revoke', key[1] as string], env).code, 1);

    assert.deepEqual(JSON.parse(patchbay(['jobs', 'parked'], env).stdout), []);
    assert.deepEqual(JSON.parse(patchbay(['jobs', 'list', '--state', 'queued'], env).stdout), []);
    assert.equal(patchbay(['jobs', 'list', '--state', 'exploded'], env).code, 2);
    const replay = patchbay(['jobs', 'replay', 'no-such-job'], env);
    assert.equal(replay.code, 1);
    assert.match(replay.stderr, /No job no-such-job/);
  });

  test('serve starts, prints where it listens, and stops cleanly on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pb-cli-serve-'));
    const child = spawn(process.execPath, [bin, 'serve'], {
      cwd: dir,
      env: {
        PATH: process.env.PATH ?? '',
        PATCHBAY_PORT: '0',
        PATCHBAY_SQLITE_PATH: join(dir, 's.sqlite'),
        LOG_LEVEL: 'silent',
      },
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`serve did not start: ${out}`)), 30_000);
      child.stdout.on('data', () => {
        const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1] as string);
        }
      });
    });
    assert.equal((await fetch(`${url}/healthz`)).status, 200);
    child.kill('SIGTERM');
    const code = await new Promise((resolve) => child.on('exit', (c) => resolve(c)));
    assert.equal(code, 0);
  });

  test('demo (npm start) starts the sandbox and a hub that is ready against it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pb-cli-demo-'));
    const child = spawn(process.execPath, [bin, 'demo'], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '', PATCHBAY_PORT: '0', LOG_LEVEL: 'silent' },
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`demo did not start: ${out}`)), 60_000);
      child.stdout.on('data', () => {
        const m = /hub\s+(http:\/\/127\.0\.0\.1:\d+)[\s\S]*Admin API key/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1] as string);
        }
      });
    });
    for (const name of ['salesforce', 'genesys', 'cic \\(primary\\)', 'backoffice', 'smtp \\(web\\)'])
      assert.match(out, new RegExp(`${name}\\s+http://127\\.0\\.0\\.1:\\d+`));
    const ready = (await (await fetch(`${url}/readyz`)).json()) as { status: string };
    assert.equal(ready.status, 'ready');
    const key = /Admin API key for this demo: (\S+)/.exec(out)?.[1] as string;
    assert.equal(
      (await fetch(`${url}/v1/admin/jobs`, { headers: { authorization: `Bearer ${key}` } })).status,
      200,
    );
    child.kill('SIGTERM');
    assert.equal(await new Promise((resolve) => child.on('exit', (c) => resolve(c))), 0);
  });
});
