/* eslint-disable @typescript-eslint/no-explicit-any -- Kysely's schema builder is untyped by design: migrations see Kysely<any> */
import {
  Migrator,
  sql,
  type Kysely,
  type MigrationProvider,
  type Migration as KyselyMigration,
} from 'kysely';
import { platformMigrations } from './migrations/index.ts';

export type Dialect = 'sqlite' | 'postgres';

/** A schema change. `up` gets the dialect for the few types that differ (identity columns, floats). */
export interface Migration {
  name: string;
  up(db: Kysely<any>, dialect: Dialect): Promise<void>;
}

async function migrator(db: Kysely<any>, dialect: Dialect, extra: readonly Migration[]): Promise<Migrator> {
  const all = [...platformMigrations, ...extra];
  const seen = new Set<string>();
  for (const m of all) {
    if (seen.has(m.name)) throw new Error(`duplicate migration name: ${m.name}`);
    seen.add(m.name);
  }
  const provider: MigrationProvider = {
    async getMigrations() {
      const out: Record<string, KyselyMigration> = {};
      for (const m of all) out[m.name] = { up: (trx) => m.up(trx, dialect) };
      return out;
    },
  };
  // Unordered: a feature migration merged later with an earlier name must still run, not block start.
  // On PostgreSQL the bookkeeping tables go in the current schema (first of search_path), named, so
  // that they are created there (the store's introspector only looks at that schema: postgres-dialect.ts).
  const schema =
    dialect === 'postgres'
      ? (await sql<{ s: string }>`select current_schema() as s`.execute(db)).rows[0]?.s
      : undefined;
  return new Migrator({
    db,
    provider,
    allowUnorderedMigrations: true,
    ...(schema === undefined ? {} : { migrationTableSchema: schema }),
  });
}

export async function runMigrations(
  db: Kysely<any>,
  dialect: Dialect,
  extra: readonly Migration[] = [],
): Promise<{ applied: string[] }> {
  const { error, results } = await (await migrator(db, dialect, extra)).migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new Error(`migration ${failed ?? '(unknown)'} failed`, { cause: error });
  }
  return { applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}

export async function listPendingMigrations(
  db: Kysely<any>,
  dialect: Dialect,
  extra: readonly Migration[] = [],
): Promise<string[]> {
  const infos = await (await migrator(db, dialect, extra)).getMigrations();
  return infos.filter((m) => m.executedAt === undefined).map((m) => m.name);
}
