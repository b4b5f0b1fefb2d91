/**
 * Admin API keys. A key is `pbk_<id>_<secret>`; only SHA-256 of the secret is stored (the
 * secret has 256 bits of entropy, so a slow hash adds nothing), compared in constant time.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Migration } from '../store/index.ts';

declare module '../store/schema.ts' {
  interface Database {
    api_keys: {
      id: string;
      name: string;
      secret_hash: string;
      created_at: number;
      revoked_at: number | null;
      last_used_at: number | null;
    };
  }
}

type Db = Kysely<import('../store/schema.ts').Database>;

export const apiKeyMigrations: Migration[] = [
  {
    name: 'platform_0100_api_keys',
    async up(db) {
      await db.schema
        .createTable('api_keys')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('secret_hash', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('revoked_at', 'bigint')
        .addColumn('last_used_at', 'bigint')
        .execute();
    },
  },
];

export interface ApiKeyInfo {
  id: string;
  name: string;
  createdAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

const keyPattern = /^pbk_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$/;

function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export async function createApiKey(
  db: Db,
  name: string,
  now = Date.now(),
): Promise<{ id: string; key: string }> {
  const id = randomBytes(9)
    .toString('base64url')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '0')
    .slice(0, 12);
  const secret = randomBytes(32).toString('base64url');
  await db
    .insertInto('api_keys')
    .values({
      id,
      name,
      secret_hash: hashSecret(secret),
      created_at: now,
      revoked_at: null,
      last_used_at: null,
    })
    .execute();
  return { id, key: `pbk_${id}_${secret}` };
}

/** Returns the key's id when the presented key is valid and not revoked. */
export async function verifyApiKey(db: Db, presented: string, now = Date.now()): Promise<string | undefined> {
  const m = keyPattern.exec(presented);
  if (!m) return undefined;
  const [, id, secret] = m as unknown as [string, string, string];
  const row = await db
    .selectFrom('api_keys')
    .select(['secret_hash', 'revoked_at'])
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row || row.revoked_at !== null) return undefined;
  const a = Buffer.from(row.secret_hash, 'hex');
  const b = Buffer.from(hashSecret(secret), 'hex');
  if (a.length !== b.length || !timingSafeEqual(a, b)) return undefined;
  await db.updateTable('api_keys').set({ last_used_at: now }).where('id', '=', id).execute();
  return id;
}

export async function listApiKeys(db: Db): Promise<ApiKeyInfo[]> {
  const rows = await db.selectFrom('api_keys').selectAll().orderBy('created_at').execute();
  const iso = (v: number | string | null) => (v === null ? null : new Date(Number(v)).toISOString());
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    createdAt: iso(r.created_at) as string,
    revokedAt: iso(r.revoked_at),
    lastUsedAt: iso(r.last_used_at),
  }));
}

export async function revokeApiKey(db: Db, id: string, now = Date.now()): Promise<boolean> {
  const res = await db
    .updateTable('api_keys')
    .set({ revoked_at: now })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) > 0;
}
