/**
 * The registry of personal-data stores: every table of Patchbay that can hold personal data is
 * registered here with a `find` (how many rows hold the subject) and an `erase` (remove or redact
 * them inside the erasure's transaction). Tables that hold none are declared as such, with the
 * reason, so a test can fail when a migration adds a table that is neither (see docs/features/privacy.md).
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../store/schema.ts';
import { subjectNeedles, type Subject } from './subject.ts';

export interface EraseContext {
  /** `subjectNeedles(subject)`, computed once. */
  needles: readonly string[];
  now: number;
}

export interface PersonalDataStore {
  /** Stable name, shown in erasure results and the Art. 30 export (e.g. `inbox`, `sf-mirror`). */
  name: string;
  /** The tables this store covers. */
  tables: readonly string[];
  /** Data categories held (Art. 30), e.g. `contact details`, `call metadata`, `webhook bodies`. */
  categories: readonly string[];
  /** Rows that hold the subject (read-only). */
  find(db: Kysely<Database>, subject: Subject, ctx: EraseContext): Promise<number>;
  /** Removes or redacts them, in the caller's transaction; returns the rows touched. */
  erase(trx: Transaction<Database>, subject: Subject, ctx: EraseContext): Promise<number>;
}

export interface PersonalDataRegistry {
  register(store: PersonalDataStore): void;
  /** Declares tables that hold no personal data, with the reason (checked by the coverage test). */
  declareNone(tables: readonly string[], reason: string): void;
  stores(): readonly PersonalDataStore[];
  /** Table → reason it holds no personal data. */
  noneTables(): ReadonlyMap<string, string>;
  /** Per store: rows holding the subject. */
  find(db: Kysely<Database>, subject: Subject, now: number): Promise<Record<string, number>>;
  /** Runs every eraser in `trx` (one transaction: all or nothing); per store: rows touched. */
  erase(trx: Transaction<Database>, subject: Subject, now: number): Promise<Record<string, number>>;
}

export function createPersonalDataRegistry(): PersonalDataRegistry {
  const stores = new Map<string, PersonalDataStore>();
  const none = new Map<string, string>();
  const ctxFor = (subject: Subject, now: number): EraseContext => ({ needles: subjectNeedles(subject), now });
  return {
    register(store) {
      if (stores.has(store.name)) throw new Error(`personal-data store ${store.name} registered twice`);
      stores.set(store.name, store);
    },
    declareNone(tables, reason) {
      for (const t of tables) none.set(t, reason);
    },
    stores: () => [...stores.values()],
    noneTables: () => none,
    async find(db, subject, now) {
      const ctx = ctxFor(subject, now);
      const out: Record<string, number> = {};
      for (const s of stores.values()) out[s.name] = await s.find(db, subject, ctx);
      return out;
    },
    async erase(trx, subject, now) {
      const ctx = ctxFor(subject, now);
      const out: Record<string, number> = {};
      for (const s of stores.values()) out[s.name] = await s.erase(trx, subject, ctx);
      return out;
    },
  };
}
