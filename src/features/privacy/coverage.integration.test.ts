/**
 * Every table that the hub's migrations create is either registered as personal data (with an
 * eraser) or declared as holding none — so a new feature cannot forget erasure. On both dialects.
 */
import assert from 'node:assert/strict';
import { testEachDialect } from '../../../test/support/databases.ts';
import { startTestHub } from '../../../test/support/hub.ts';
import { tableNames } from './testing/database-text.ts';

testEachDialect('every table is registered as personal data or declared as holding none', async (_t, db) => {
  const th = await startTestHub({
    workers: false,
    ...(db.config.databaseUrl
      ? { databaseUrl: db.config.databaseUrl }
      : { env: { PATCHBAY_SQLITE_PATH: db.config.sqlitePath } }),
  });
  const { hub } = th;
  try {
    assert.equal(hub.store.dialect, db.dialect);
    const covered = new Set([
      ...hub.personalData.stores().flatMap((s) => s.tables),
      ...hub.personalData.noneTables().keys(),
    ]);
    const missing = (await tableNames(hub.store)).filter((t) => !covered.has(t));
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
