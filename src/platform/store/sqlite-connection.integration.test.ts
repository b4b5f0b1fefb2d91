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
