/**
 * The mirror's tables: monotonic upserts (a row is replaced only by a version at least as new),
 * tombstones, phone-key lookups and the sync state.
 */
import { sql } from 'kysely';
import { hotRead } from '../../platform/store/hot-statement.ts';
import type { Store } from '../../platform/store/index.ts';
import type { SfMirrorContactsTable } from './migrations.ts';
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
  accountReplayId: 'account.replayId',
  accountWatermark: 'account.watermark',
  lastChangeAt: 'contact.lastChangeAt',
} as const;

/** A contact as read from `sf_mirror_contacts` (PostgreSQL returns bigint as a string). */
type ContactRow = Pick<
  SfMirrorContactsTable,
  'id' | 'first_name' | 'last_name' | 'email' | 'account_id' | 'account_name' | 'tier'
> & { modstamp: number | string };

const CHUNK = 400;

/** Live contacts holding a phone key (at most 1,000 rows: a guard, not a page). */
const findByPhoneKey = hotRead(1, (db, [key]: readonly [string]) =>
  db
    .selectFrom('sf_mirror_phones as p')
    .innerJoin('sf_mirror_contacts as c', 'c.id', 'p.contact_id')
    .select([
      'c.id',
      'c.first_name',
      'c.last_name',
      'c.email',
      'c.account_id',
      'c.account_name',
      'c.tier',
      'c.modstamp',
    ])
    .where('p.phone_key', '=', key)
    .where('c.deleted', '=', sql.lit(0))
    .limit(sql.lit(1000)),
);

/** In an upsert: the stored account name is kept when it is of the same account and read later. */
const keepAccount = sql<boolean>`sf_mirror_contacts.account_id = excluded.account_id AND sf_mirror_contacts.account_modstamp > COALESCE(excluded.account_modstamp, -1)`;

/** Each contact once, the most recently changed first (ties by ID). */
function newestFirst(rows: readonly ContactRow[]): ContactRow[] {
  const seen = new Set<string>();
  const unique = rows.filter((r) => !seen.has(r.id) && seen.add(r.id));
  return unique.sort(
    (a, b) => Number(b.modstamp) - Number(a.modstamp) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}

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
  /** The stored row with its numbers (also a tombstone), to patch from a change event. */
  getRow(id: string): Promise<MirrorRow | undefined>;
  /** IDs among `ids` the mirror holds as deleted. */
  deletedAmong(ids: readonly string[]): Promise<string[]>;
  findByAccount(accountId: string, limit: number): Promise<MirrorContact[]>;
  /**
   * The account's name as of `at` (epoch ms) on all its contacts, unless they hold a later read;
   * returns how many contacts changed.
   */
  renameAccount(accountId: string, name: string, at: number): Promise<number>;
  getState(name: string): Promise<string | undefined>;
  setState(name: string, value: string, now: number): Promise<void>;
  /** The catch-up watermark stored under `key` (contacts' by default). */
  watermark(key?: string): Promise<Watermark | undefined>;
  counts(): Promise<{ contacts: number; phones: number }>;
}

export function createMirrorRepo(store: Store): MirrorRepo {
  const db = store.db;
  const toContact = (r: ContactRow): MirrorContact => ({
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
          const candidates = part.filter((r) => (stored.get(r.id) ?? -Infinity) <= r.modstamp);
          if (candidates.length === 0) continue;
          // The check above read before this write: on PostgreSQL another transaction (the catch-up and
          // the change-event stream run side by side) may have stored a newer version since, so the
          // write is conditional too, and only the rows it wrote get their phones replaced.
          const writtenIds = await trx
            .insertInto('sf_mirror_contacts')
            .values(
              candidates.map((r) => ({
                id: r.id,
                first_name: r.firstName,
                last_name: r.lastName,
                email: r.email,
                account_id: r.accountId,
                account_name: r.accountName,
                account_modstamp: r.accountModstamp,
                tier: r.tier,
                modstamp: r.modstamp,
                deleted: r.deleted ? 1 : 0,
                synced_at: now,
              })),
            )
            .onConflict((oc) =>
              oc
                .column('id')
                .doUpdateSet((eb) => ({
                  first_name: eb.ref('excluded.first_name'),
                  last_name: eb.ref('excluded.last_name'),
                  email: eb.ref('excluded.email'),
                  account_id: eb.ref('excluded.account_id'),
                  // A newer contact version may carry an older read of its account's name (a query that
                  // crossed a rename): the name read later wins, as for the contacts themselves.
                  account_name: sql<
                    string | null
                  >`CASE WHEN ${keepAccount} THEN sf_mirror_contacts.account_name ELSE excluded.account_name END`,
                  account_modstamp: sql<
                    number | null
                  >`CASE WHEN ${keepAccount} THEN sf_mirror_contacts.account_modstamp ELSE excluded.account_modstamp END`,
                  tier: eb.ref('excluded.tier'),
                  modstamp: eb.ref('excluded.modstamp'),
                  deleted: eb.ref('excluded.deleted'),
                  synced_at: eb.ref('excluded.synced_at'),
                }))
                .where('sf_mirror_contacts.modstamp', '<=', (eb) => eb.ref('excluded.modstamp')),
            )
            .returning('id')
            .execute();
          const ids = new Set(writtenIds.map((r) => r.id));
          const fresh = candidates.filter((r) => ids.has(r.id));
          if (fresh.length === 0) continue;
          written += fresh.length;
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
        for (const part of chunks([...new Set(ids)], CHUNK)) {
          // One statement: a known contact is marked deleted (unless a newer version is stored), an
          // unknown one gets a tombstone so a stale page cannot add it — also when another transaction
          // stores it meanwhile, which a separate check and insert would have missed or failed on.
          const marked = await trx
            .insertInto('sf_mirror_contacts')
            .values(
              part.map((id) => ({
                id,
                first_name: null,
                last_name: null,
                email: null,
                account_id: null,
                account_name: null,
                account_modstamp: null,
                tier: null,
                modstamp: at,
                deleted: 1,
                synced_at: now,
              })),
            )
            .onConflict((oc) =>
              oc
                .column('id')
                .doUpdateSet({ deleted: 1, modstamp: at, synced_at: now })
                .where('sf_mirror_contacts.modstamp', '<=', at),
            )
            .returning('id')
            .execute();
          if (marked.length > 0)
            await trx
              .deleteFrom('sf_mirror_phones')
              .where(
                'contact_id',
                'in',
                marked.map((r) => r.id),
              )
              .execute();
        }
      });
    },

    async findByPhone(key, limit) {
      // The hot path of every call (screen pop), on the store's reader (on SQLite a read connection
      // on this thread: no round trip to the writer's). A contact holding the number in two fields
      // comes twice; the few rows are deduplicated and ordered here rather than by a sort in SQL.
      const rows = await findByPhoneKey(store, [key]);
      const unique = rows.length < 2 ? rows : newestFirst(rows);
      return { contacts: unique.slice(0, limit).map(toContact), total: unique.length };
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

    async getRow(id) {
      const r = await db
        .selectFrom('sf_mirror_contacts as c')
        .select([...contactColumns, 'c.deleted', 'c.account_modstamp'])
        .where('c.id', '=', id)
        .executeTakeFirst();
      if (!r) return undefined;
      const phones = await db
        .selectFrom('sf_mirror_phones')
        .select(['phone_key as key', 'field'])
        .where('contact_id', '=', id)
        .execute();
      return {
        ...toContact(r),
        accountModstamp: r.account_modstamp === null ? null : Number(r.account_modstamp),
        deleted: Number(r.deleted) === 1,
        phones,
      };
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

    async renameAccount(accountId, name, at) {
      const r = await db
        .updateTable('sf_mirror_contacts')
        .set({ account_name: name, account_modstamp: at })
        .where('account_id', '=', accountId)
        .where('deleted', '=', 0)
        .where((eb) => eb.or([eb('account_modstamp', 'is', null), eb('account_modstamp', '<=', at)]))
        .where((eb) => eb.or([eb('account_name', 'is', null), eb('account_name', '!=', name)]))
        .executeTakeFirst();
      return Number(r.numUpdatedRows);
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

    async watermark(key = stateKeys.watermark) {
      const v = await repo.getState(key);
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
