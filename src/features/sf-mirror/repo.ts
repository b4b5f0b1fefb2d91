/**
 * The mirror's tables: monotonic upserts (a row is replaced only by a version at least as new),
 * tombstones, phone-key lookups and the sync state.
 */
import type { Store } from '../../platform/store/index.ts';
import type { MirrorRow, Watermark } from './model.ts';

export interface MirrorContact {
  id: string;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  accountId: string | null;
  accountName: string | null;
  tier: string | null;
  modstamp: number;
}

/** State keys. */
export const stateKeys = {
  replayId: 'contact.replayId',
  watermark: 'contact.watermark',
  loadedAt: 'contact.loadedAt',
  lastChangeAt: 'contact.lastChangeAt',
} as const;

const CHUNK = 400;

function chunks<T>(list: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

export interface MirrorRepo {
  /** Applies rows that are at least as new as what is stored; returns how many were written. */
  apply(rows: readonly MirrorRow[], now: number): Promise<number>;
  /** Tombstones contacts deleted at `at` (epoch ms) and drops their numbers. */
  markDeleted(ids: readonly string[], at: number, now: number): Promise<void>;
  /** Live contacts holding this phone key, most recently modified first (at most `limit`). */
  findByPhone(key: string, limit: number): Promise<{ contacts: MirrorContact[]; total: number }>;
  getContact(id: string): Promise<MirrorContact | undefined>;
  /** IDs among `ids` the mirror holds as deleted. */
  deletedAmong(ids: readonly string[]): Promise<string[]>;
  findByAccount(accountId: string, limit: number): Promise<MirrorContact[]>;
  getState(name: string): Promise<string | undefined>;
  setState(name: string, value: string, now: number): Promise<void>;
  watermark(): Promise<Watermark | undefined>;
  counts(): Promise<{ contacts: number; phones: number }>;
}

export function createMirrorRepo(store: Store): MirrorRepo {
  const db = store.db;
  const toContact = (r: {
    id: string;
    first_name: string | null;
    last_name: string | null;
    email: string | null;
    account_id: string | null;
    account_name: string | null;
    tier: string | null;
    modstamp: number | string;
  }): MirrorContact => ({
    id: r.id,
    firstName: r.first_name,
    lastName: r.last_name,
    email: r.email,
    accountId: r.account_id,
    accountName: r.account_name,
    tier: r.tier,
    modstamp: Number(r.modstamp),
  });
  const contactColumns = [
    'c.id',
    'c.first_name',
    'c.last_name',
    'c.email',
    'c.account_id',
    'c.account_name',
    'c.tier',
    'c.modstamp',
  ] as const;

  const repo: MirrorRepo = {
    async apply(rows, now) {
      if (rows.length === 0) return 0;
      // Last version wins within one batch too.
      const byId = new Map<string, MirrorRow>();
      for (const r of rows) {
        const prev = byId.get(r.id);
        if (!prev || prev.modstamp <= r.modstamp) byId.set(r.id, r);
      }
      let written = 0;
      await store.transaction(async (trx) => {
        for (const part of chunks([...byId.values()], CHUNK)) {
          const existing = await trx
            .selectFrom('sf_mirror_contacts')
            .select(['id', 'modstamp'])
            .where(
              'id',
              'in',
              part.map((r) => r.id),
            )
            .execute();
          const stored = new Map(existing.map((e) => [e.id, Number(e.modstamp)]));
          const fresh = part.filter((r) => (stored.get(r.id) ?? -Infinity) <= r.modstamp);
          if (fresh.length === 0) continue;
          written += fresh.length;
          await trx
            .insertInto('sf_mirror_contacts')
            .values(
              fresh.map((r) => ({
                id: r.id,
                first_name: r.firstName,
                last_name: r.lastName,
                email: r.email,
                account_id: r.accountId,
                account_name: r.accountName,
                tier: r.tier,
                modstamp: r.modstamp,
                deleted: r.deleted ? 1 : 0,
                synced_at: now,
              })),
            )
            .onConflict((oc) =>
              oc.column('id').doUpdateSet((eb) => ({
                first_name: eb.ref('excluded.first_name'),
                last_name: eb.ref('excluded.last_name'),
                email: eb.ref('excluded.email'),
                account_id: eb.ref('excluded.account_id'),
                account_name: eb.ref('excluded.account_name'),
                tier: eb.ref('excluded.tier'),
                modstamp: eb.ref('excluded.modstamp'),
                deleted: eb.ref('excluded.deleted'),
                synced_at: eb.ref('excluded.synced_at'),
              })),
            )
            .execute();
          await trx
            .deleteFrom('sf_mirror_phones')
            .where(
              'contact_id',
              'in',
              fresh.map((r) => r.id),
            )
            .execute();
          const phones = fresh.flatMap((r) =>
            r.deleted ? [] : r.phones.map((p) => ({ phone_key: p.key, contact_id: r.id, field: p.field })),
          );
          for (const p of chunks(phones, CHUNK)) await trx.insertInto('sf_mirror_phones').values(p).execute();
        }
      });
      return written;
    },

    async markDeleted(ids, at, now) {
      if (ids.length === 0) return;
      await store.transaction(async (trx) => {
        for (const part of chunks(ids, CHUNK)) {
          await trx.deleteFrom('sf_mirror_phones').where('contact_id', 'in', part).execute();
          await trx
            .updateTable('sf_mirror_contacts')
            .set({ deleted: 1, modstamp: at, synced_at: now })
            .where('id', 'in', part)
            .where('modstamp', '<=', at)
            .execute();
          // A contact deleted before the mirror ever saw it: keep a tombstone so a stale page cannot add it.
          const known = new Set(
            (await trx.selectFrom('sf_mirror_contacts').select('id').where('id', 'in', part).execute()).map(
              (r) => r.id,
            ),
          );
          const unknown = part.filter((id) => !known.has(id));
          if (unknown.length > 0)
            await trx
              .insertInto('sf_mirror_contacts')
              .values(
                unknown.map((id) => ({
                  id,
                  first_name: null,
                  last_name: null,
                  email: null,
                  account_id: null,
                  account_name: null,
                  tier: null,
                  modstamp: at,
                  deleted: 1,
                  synced_at: now,
                })),
              )
              .execute();
        }
      });
    },

    async findByPhone(key, limit) {
      const rows = await db
        .selectFrom('sf_mirror_phones as p')
        .innerJoin('sf_mirror_contacts as c', 'c.id', 'p.contact_id')
        .select(contactColumns)
        .distinct()
        .where('p.phone_key', '=', key)
        .where('c.deleted', '=', 0)
        .orderBy('c.modstamp', 'desc')
        .orderBy('c.id')
        .limit(1000)
        .execute();
      return { contacts: rows.slice(0, limit).map(toContact), total: rows.length };
    },

    async getContact(id) {
      const r = await db
        .selectFrom('sf_mirror_contacts as c')
        .select(contactColumns)
        .where('c.id', '=', id)
        .where('c.deleted', '=', 0)
        .executeTakeFirst();
      return r ? toContact(r) : undefined;
    },

    async deletedAmong(ids) {
      if (ids.length === 0) return [];
      const rows = await db
        .selectFrom('sf_mirror_contacts')
        .select('id')
        .where('id', 'in', [...ids])
        .where('deleted', '=', 1)
        .execute();
      return rows.map((r) => r.id);
    },

    async findByAccount(accountId, limit) {
      const rows = await db
        .selectFrom('sf_mirror_contacts as c')
        .select(contactColumns)
        .where('c.account_id', '=', accountId)
        .where('c.deleted', '=', 0)
        .orderBy('c.modstamp', 'desc')
        .orderBy('c.id')
        .limit(Math.max(1, limit))
        .execute();
      return rows.map(toContact);
    },

    async getState(name) {
      const r = await db
        .selectFrom('sf_mirror_state')
        .select('value')
        .where('name', '=', name)
        .executeTakeFirst();
      return r?.value;
    },

    async setState(name, value, now) {
      await db
        .insertInto('sf_mirror_state')
        .values({ name, value, updated_at: now })
        .onConflict((oc) => oc.column('name').doUpdateSet({ value, updated_at: now }))
        .execute();
    },

    async watermark() {
      const v = await repo.getState(stateKeys.watermark);
      if (v === undefined) return undefined;
      const w = JSON.parse(v) as Partial<Watermark>;
      return typeof w.ts === 'number' && typeof w.id === 'string' ? { ts: w.ts, id: w.id } : undefined;
    },

    async counts() {
      const c = await db
        .selectFrom('sf_mirror_contacts')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('deleted', '=', 0)
        .executeTakeFirstOrThrow();
      const p = await db
        .selectFrom('sf_mirror_phones')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      return { contacts: Number(c.n), phones: Number(p.n) };
    },
  };
  return repo;
}
