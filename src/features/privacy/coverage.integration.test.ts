/**
 * Every table that the hub's migrations create is either registered as personal data (with an
 * eraser) or declared as holding none — so a new feature cannot forget erasure.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from 'kysely';
import { startTestHub } from '../../../test/support/hub.ts';

test('every table is registered as personal data or declared as holding none', async () => {
  const th = await startTestHub({ workers: false });
  const { hub } = th;
  try {
    const rows = await sql<{
      name: string;
    }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`.execute(
      hub.store.db,
    );
    const covered = new Set([
      ...hub.personalData.stores().flatMap((s) => s.tables),
      ...hub.personalData.noneTables().keys(),
    ]);
    const missing = rows.rows.map((r) => r.name).filter((t) => !covered.has(t));
    assert.deepEqual(
      missing,
      [],
      `tables neither registered in the personal-data registry nor declared as holding none: ${missing.join(', ')} (see docs/features/privacy.md)`,
    );
    for (const s of hub.personalData.stores())
      assert.ok(s.categories.length > 0, `${s.name} lists its data categories`);
  } finally {
    await th.stop();
  }
});
