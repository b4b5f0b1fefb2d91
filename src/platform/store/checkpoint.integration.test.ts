import assert from 'node:assert/strict';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { sql } from 'kysely';
import { openStore } from './index.ts';

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
