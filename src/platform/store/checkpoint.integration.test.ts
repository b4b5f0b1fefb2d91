import assert from 'node:assert/strict';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { sql } from 'kysely';
import { openStore } from './index.ts';
import { startCheckpointer } from './sqlite-checkpointer.ts';
import { openSqliteConnection } from './sqlite-connection.ts';

test('SQLite: committed pages reach the database file by the timed checkpoint (auto-checkpoint is off)', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'pb-ckpt-')), 'c.sqlite');
  const store = await openStore({ sqlitePath: path });
  try {
    await sql`create table t (id integer primary key, body text not null)`.execute(store.db);
    const before = statSync(path).size;
    for (let i = 0; i < 20; i++)
      await store.durable(async (trx) => {
        for (let j = 0; j < 50; j++)
          await sql`insert into t (body) values (${'x'.repeat(2000)})`.execute(trx);
      });
    // 2 MB went to the WAL; the database file grows only when a checkpoint copies them over.
    let after = statSync(path).size;
    for (let i = 0; i < 50 && after < before + 1_000_000; i++) {
      await new Promise((r) => setTimeout(r, 100));
      after = statSync(path).size;
    }
    assert.ok(after >= before + 1_000_000, `database file ${before} → ${after} bytes`);
  } finally {
    await store.close();
  }
});

test('SQLite: under commits without a pause the WAL is restarted once it holds the limit, so it stays bounded', async () => {
  const path = join(mkdtempSync(join(tmpdir(), 'pb-ckpt-')), 'c.sqlite');
  const writer = openSqliteConnection({ path, busyTimeoutMs: 10_000 });
  const limit = 2 * 1024 * 1024;
  const checkpointer = await startCheckpointer({ path, intervalMs: 20, restartAtBytes: limit });
  try {
    await writer.run('create table t (id integer primary key, body text not null)', []);
    // 48 MB of rows, commit after commit: a checkpoint never finds the WAL wholly copied, so PASSIVE
    // checkpoints alone would leave every byte of it in the WAL.
    const row = 'x'.repeat(8_000);
    let largest = 0;
    for (let i = 0; i < 1_000; i++) {
      await writer.run('begin immediate', []);
      for (let j = 0; j < 6; j++) await writer.run('insert into t (body) values (?)', [row], true);
      await writer.run('commit', []);
      largest = Math.max(largest, statSync(`${path}-wal`).size);
    }
    const written = 1_000 * 6 * row.length;
    assert.ok(written > 10 * limit);
    // The limit, plus what the commits add between two ticks and while a restart waits for its turn.
    assert.ok(largest < 4 * limit, `the WAL file reached ${largest} bytes for ${written} bytes written`);
  } finally {
    await checkpointer.stop();
    writer.close();
  }
});
