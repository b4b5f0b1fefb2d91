/** `patchbay backup` / `restore` on SQLite, through the real CLI, while the database is being written. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { test } from 'node:test';
import { sql, type Kysely } from 'kysely';
import { migrations } from '../../app.ts';
import { openStore } from '../store/index.ts';

const bin = join(import.meta.dirname, '..', '..', '..', 'bin', 'patchbay.js');

function patchbay(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

interface Probe {
  backup_probe: { seq: number; v: string };
}

function rows(path: string): Array<{ seq: number; v: string }> {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    return db.prepare('select seq, v from backup_probe order by seq').all() as Array<{
      seq: number;
      v: string;
    }>;
  } finally {
    db.close();
  }
}

test('backup while writes go on is a consistent snapshot; restore gives the same data back', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pb-backup-'));
  const live = join(dir, 'live.sqlite');
  const store = await openStore({ sqlitePath: live });
  await store.migrate(migrations);
  const db = store.db as unknown as Kysely<Probe>;
  await sql`create table backup_probe (seq integer primary key, v text not null)`.execute(db);

  let writing = true;
  let written = 0;
  const writer = (async () => {
    while (writing) {
      written++;
      await db
        .insertInto('backup_probe')
        .values({ seq: written, v: `row ${written}` })
        .execute();
      await new Promise((r) => setImmediate(r));
    }
  })();
  while (written < 200) await new Promise((r) => setTimeout(r, 5));

  const backupFile = join(dir, 'snap.sqlite');
  const b = await patchbay(['backup', backupFile], { PATCHBAY_SQLITE_PATH: live });
  const atBackupEnd = written;
  writing = false;
  await writer;
  assert.equal(b.code, 0, b.stderr);
  assert.match(b.stdout, /Backed up/);

  const snap = rows(backupFile);
  assert.ok(snap.length >= 200 && snap.length <= atBackupEnd, `snapshot of ${snap.length} rows`);
  // Consistent: a prefix of the writes, with no gap (each write committed before the next began).
  assert.deepEqual(
    snap.map((r) => r.seq),
    Array.from({ length: snap.length }, (_, i) => i + 1),
  );
  const all = rows(live);
  assert.deepEqual(snap, all.slice(0, snap.length));
  await store.close();

  // Restore into a fresh path: equal to the backup.
  const restored = join(dir, 'restored', 'patchbay.sqlite');
  const r = await patchbay(['restore', backupFile], { PATCHBAY_SQLITE_PATH: restored });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(rows(restored), snap);

  // Over an existing database: refused without --force; with --force it replaces the data.
  const again = await patchbay(['restore', backupFile], { PATCHBAY_SQLITE_PATH: live });
  assert.equal(again.code, 1);
  assert.match(again.stderr, /exists; pass --force/);
  const forced = await patchbay(['restore', backupFile, '--force'], { PATCHBAY_SQLITE_PATH: live });
  assert.equal(forced.code, 0, forced.stderr);
  assert.deepEqual(rows(live), snap);

  // The restored database opens, is fully migrated, and takes writes.
  const reopened = await openStore({ sqlitePath: live });
  assert.deepEqual(await reopened.pendingMigrations(migrations), []);
  await (reopened.db as unknown as Kysely<Probe>)
    .insertInto('backup_probe')
    .values({ seq: 1e6, v: 'after' })
    .execute();
  await reopened.close();
});

test('restore refuses a damaged backup, a non-Patchbay file, and a database a hub is running on', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pb-restore-'));
  const target = join(dir, 'patchbay.sqlite');
  const garbage = join(dir, 'garbage.sqlite');
  writeFileSync(garbage, 'not a database at all, not even close'.repeat(200));
  const g = await patchbay(['restore', garbage], { PATCHBAY_SQLITE_PATH: target });
  assert.equal(g.code, 1);
  assert.match(g.stderr, /not a readable SQLite database|integrity/);

  const foreign = join(dir, 'foreign.sqlite');
  new DatabaseSync(foreign).exec('create table t (x)');
  const f = await patchbay(['restore', foreign], { PATCHBAY_SQLITE_PATH: target });
  assert.equal(f.code, 1);
  assert.match(f.stderr, /not a Patchbay database/);

  // A hub holding a lease on the target: even --force is refused.
  const store = await openStore({ sqlitePath: target });
  await store.migrate(migrations);
  await store.db
    .insertInto('leases')
    .values({
      name: 'presence-feed',
      holder: 'hub-1',
      expires_at: Date.now() + 600_000,
      acquired_at: Date.now(),
    })
    .execute();
  await store.close();
  const backupFile = join(dir, 'b.sqlite');
  assert.equal((await patchbay(['backup', backupFile], { PATCHBAY_SQLITE_PATH: target })).code, 0);
  const busy = await patchbay(['restore', backupFile, '--force'], { PATCHBAY_SQLITE_PATH: target });
  assert.equal(busy.code, 1);
  assert.match(busy.stderr, /a hub is running/);
  const exists = await patchbay(['backup', backupFile], { PATCHBAY_SQLITE_PATH: target });
  assert.equal(exists.code, 1, 'backup does not overwrite without --force');
});

test('on PostgreSQL, backup prints the pg_dump command (never the URL) and exits 2', async () => {
  const r = await patchbay(['backup', '/tmp/x.dump'], {
    DATABASE_URL: 'postgres://pb:s3cret-pw@db.example.test/pb',
  });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /pg_dump --format=custom/);
  assert.match(r.stderr, /"\$DATABASE_URL"/);
  assert.ok(!r.stderr.includes('s3cret-pw'));
});
