/* eslint-disable @typescript-eslint/no-explicit-any -- migrations see Kysely<any>, as in src/platform/store/migrate.ts */
/**
 * The rolling-upgrade rule (docs/decisions/0003-migrations-and-upgrades.md), checked on every
 * migration the hub has: applied one by one, in the order the migrator runs them, no migration may
 * drop or retype a column or table that existed before it, and a column added to an existing table
 * must be nullable or have a default — the previous release, still running, inserts rows without it.
 */
import assert from 'node:assert/strict';
import { sql, type Kysely } from 'kysely';
import { migrations } from '../../src/app.ts';
import type { Dialect } from '../../src/platform/store/index.ts';
import { testEachDialect } from '../support/databases.ts';

interface Column {
  type: string;
  nullable: boolean;
  hasDefault: boolean;
}

async function snapshot(db: Kysely<any>, dialect: Dialect): Promise<Map<string, Map<string, Column>>> {
  const schema =
    dialect === 'postgres'
      ? (await sql<{ s: string }>`select current_schema() as s`.execute(db)).rows[0]?.s
      : undefined;
  const tables = await db.introspection.getTables({ withInternalKyselyTables: false });
  const out = new Map<string, Map<string, Column>>();
  for (const t of tables) {
    if (schema !== undefined && t.schema !== schema) continue;
    out.set(
      t.name,
      new Map(
        t.columns.map((c) => [
          c.name,
          { type: c.dataType, nullable: c.isNullable, hasDefault: c.hasDefaultValue || c.isAutoIncrementing },
        ]),
      ),
    );
  }
  return out;
}

testEachDialect(
  'every migration is additive: safe while the previous release still runs',
  async (_t, { store, dialect }) => {
    // The store has the platform's own migrations; apply the hub's (and features') one at a time.
    const ordered = [...migrations].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    assert.ok(ordered.length >= 4);
    const db = store.db as unknown as Kysely<any>;
    let before = await snapshot(db, dialect);
    for (const m of ordered) {
      await m.up(db, dialect);
      const after = await snapshot(db, dialect);
      for (const [table, columns] of before) {
        const now = after.get(table);
        assert.ok(now, `${m.name} drops or renames table ${table}`);
        for (const [name, col] of columns) {
          const c = now.get(name);
          assert.ok(c, `${m.name} drops or renames ${table}.${name}`);
          assert.equal(c.type, col.type, `${m.name} changes the type of ${table}.${name}`);
          assert.ok(c.nullable || !col.nullable, `${m.name} makes ${table}.${name} NOT NULL`);
        }
        for (const [name, c] of now) {
          if (!columns.has(name))
            assert.ok(
              c.nullable || c.hasDefault,
              `${m.name} adds ${table}.${name} NOT NULL without a default`,
            );
        }
      }
      before = after;
    }
  },
);
