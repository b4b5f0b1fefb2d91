import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { openSqliteConnection } from './sqlite-connection.ts';

test('SQLite connection: a batch statement outside a transaction is refused, not autocommitted', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pb-sqlite-connection-'));
  const client = openSqliteConnection({ path: join(dir, 'db.sqlite'), busyTimeoutMs: 100 });
  try {
    await client.run('create table t (v text)', []);
    await assert.rejects(
      client.run('insert into t (v) values (?)', ['a'], true),
      /transaction it belongs to is not open/,
    );
    await client.run('begin immediate', []);
    await client.run('insert into t (v) values (?)', ['b'], true);
    const { durable } = await client.commitDeferred();
    await durable;
    assert.deepEqual(await client.run('select v from t', []), { rows: [{ v: 'b' }] });
    await assert.rejects(client.run('select nope from t', []), /no such column/);
  } finally {
    client.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('SQLite connection: an autocommitted write that changes no row is not flushed to disk; one that does is', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pb-sqlite-connection-'));
  const client = openSqliteConnection({ path: join(dir, 'db.sqlite'), busyTimeoutMs: 100 });
  try {
    await client.run('create table t (id integer primary key, v text)', []);
    await client.run('insert into t (v) values (?)', ['a']);
    const flushes = () => client.flushStats().flushes;
    const before = flushes();
    // What an idle job poll does: an UPDATE (also with RETURNING) and a DELETE that match nothing, an
    // insert that conflicts.
    await client.run("update t set v = 'b' where id = ?", [99]);
    assert.deepEqual(await client.run("update t set v = 'b' where id = ? returning id", [99]), { rows: [] });
    await client.run('delete from t where id = ?', [99]);
    await client.run('insert into t (id, v) values (?, ?) on conflict (id) do nothing', [1, 'dup']);
    assert.equal(flushes(), before);
    // Changes are flushed, whichever statement made them.
    await client.run("update t set v = 'c' where id = ? returning id", [1]);
    assert.equal(flushes(), before + 1);
    await client.run('delete from t where id = ?', [1]);
    assert.equal(flushes(), before + 2);
    await client.run('create table u (id integer primary key)', []);
    assert.equal(flushes(), before + 3);
    assert.deepEqual(await client.run('select count(*) as n from t', []), { rows: [{ n: 0 }] });
  } finally {
    client.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
