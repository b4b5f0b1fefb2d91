/**
 * The privacy audit: append-only (this module only inserts), subjects as keyed hashes, exportable
 * for the Art. 30 records. Also owns the hash key (PRIVACY_HASH_KEY, or one generated and kept in
 * `privacy_state`).
 */
import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../platform/store/index.ts';
import { keyedHash } from '../../platform/privacy/index.ts';

export type AuditAction =
  | 'erasure.requested'
  | 'erasure.step'
  | 'erasure.completed'
  | 'consent.given'
  | 'consent.withdrawn'
  | 'personal-data.read'
  | 'retention.run'
  | 'legal-hold.set'
  | 'legal-hold.released'
  | 'breach.scope';

export interface AuditEntry {
  id: string;
  at: string;
  action: string;
  actor: string;
  subjectHash: string | null;
  details: unknown;
}

export async function loadHashKey(db: Kysely<Database>, configured: string | undefined): Promise<string> {
  if (configured !== undefined && configured !== '') return configured;
  const fresh = randomBytes(32).toString('base64');
  await db
    .insertInto('privacy_state')
    .values({ name: 'hash_key', value: fresh })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const row = await db
    .selectFrom('privacy_state')
    .select('value')
    .where('name', '=', 'hash_key')
    .executeTakeFirstOrThrow();
  return row.value;
}

export interface Audit {
  /** The HMAC key (for `subjectHashes`). */
  readonly hashKey: string;
  hash(value: string): string;
  /** Appends one entry; pass the caller's transaction so the entry commits with the change. */
  record(
    db: Kysely<Database>,
    entry: { action: AuditAction; actor: string; subjectHash?: string | null; details?: unknown; at: number },
  ): Promise<void>;
  list(
    db: Kysely<Database>,
    filter?: { since?: number; action?: string; subjectHash?: string; limit?: number },
  ): Promise<AuditEntry[]>;
}

export function createAudit(key: string): Audit {
  return {
    hashKey: key,
    hash: (v) => keyedHash(key, v),
    async record(db, e) {
      await db
        .insertInto('privacy_audit')
        .values({
          at: e.at,
          action: e.action,
          actor: e.actor,
          subject_hash: e.subjectHash ?? null,
          details: e.details === undefined ? null : JSON.stringify(e.details),
        })
        .execute();
    },
    async list(db, f = {}) {
      let q = db.selectFrom('privacy_audit').selectAll().orderBy('id');
      if (f.since !== undefined) q = q.where('at', '>=', f.since);
      if (f.action !== undefined) q = q.where('action', '=', f.action);
      if (f.subjectHash !== undefined) q = q.where('subject_hash', '=', f.subjectHash);
      const rows = await q.limit(f.limit ?? 10_000).execute();
      return rows.map((r) => ({
        id: String(r.id),
        at: new Date(Number(r.at)).toISOString(),
        action: r.action,
        actor: r.actor,
        subjectHash: r.subject_hash,
        details: r.details === null ? null : (JSON.parse(r.details) as unknown),
      }));
    },
  };
}

/** CSV of audit entries (Art. 30 export). */
export function auditCsv(entries: readonly AuditEntry[]): string {
  const cell = (v: unknown) => {
    const s = v === null || v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [
    'id,at,action,actor,subject_hash,details',
    ...entries.map((e) => [e.id, e.at, e.action, e.actor, e.subjectHash, e.details].map(cell).join(',')),
  ].join('\n');
}
