/**
 * Pure logic of the mirror: which Salesforce fields it reads, how a record becomes a row and
 * its phone keys, what a Change Data Capture event asks for, and the catch-up watermark.
 *
 * Glossary: a **row** is the hub's copy of one Contact; a **phone key** is a number normalised to
 * E.164 (`src/platform/phone`); the **watermark** is the greatest (`SystemModstamp`, `Id`) the
 * incremental catch-up has applied — `Id` breaks ties between records modified in the same instant.
 */
import type { CountryCode } from 'libphonenumber-js';
import { phoneKey } from '../../platform/phone/normalize.ts';

export interface MirrorOptions {
  /** Contact phone fields matched by lookups (default Phone, MobilePhone, HomePhone, OtherPhone). */
  phoneFields: readonly string[];
  /** Contact field holding the customer tier (default `Custom_Tier__c`); empty = none. */
  tierField: string;
  /** Region for numbers stored without a country code (default US). */
  defaultRegion: CountryCode;
}

export const defaultMirrorOptions: MirrorOptions = {
  phoneFields: ['Phone', 'MobilePhone', 'HomePhone', 'OtherPhone'],
  tierField: 'Custom_Tier__c',
  defaultRegion: 'US',
};

export interface MirrorRow {
  id: string;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  accountId: string | null;
  accountName: string | null;
  /** When `accountName` was read (the Account's SystemModstamp, epoch ms); null when unknown. */
  accountModstamp: number | null;
  tier: string | null;
  /** Epoch ms. */
  modstamp: number;
  deleted: boolean;
  phones: Array<{ key: string; field: string }>;
}

/** The Contact fields one mirror query selects. */
export function contactFields(o: MirrorOptions): string[] {
  const fields = [
    'Id',
    'FirstName',
    'LastName',
    'Email',
    'AccountId',
    'Account.Name',
    'Account.SystemModstamp',
    'SystemModstamp',
  ];
  if (o.tierField !== '') fields.push(o.tierField);
  for (const f of o.phoneFields) if (!fields.includes(f)) fields.push(f);
  return fields;
}

/** Fields whose change matters to the mirror (CDC `changedFields` may name `Name.FirstName`-style paths). */
export function relevantFields(o: MirrorOptions): Set<string> {
  return new Set(
    ['FirstName', 'LastName', 'Name', 'Email', 'AccountId', ...o.phoneFields, o.tierField]
      .filter((f) => f !== '')
      .map((f) => f.toLowerCase()),
  );
}

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** Salesforce datetime (`2026-01-02T03:04:05.000+0000`, ISO, or epoch ms) → epoch ms; NaN when absent. */
export function parseSfDateTime(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v !== 'string') return Number.NaN;
  const iso = v.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  return Date.parse(iso);
}

/** A Contact record (as queried with `contactFields`) → the row to store. */
export function rowFromRecord(rec: Record<string, unknown>, o: MirrorOptions): MirrorRow | undefined {
  const id = str(rec.Id);
  if (id === null) return undefined;
  const account = rec.Account as { Name?: unknown; SystemModstamp?: unknown } | null | undefined;
  const seen = new Set<string>();
  const phones: MirrorRow['phones'] = [];
  for (const field of o.phoneFields) {
    const key = phoneKey(rec[field], o.defaultRegion);
    if (key === undefined) continue;
    const k = `${key}|${field}`;
    if (seen.has(k)) continue;
    seen.add(k);
    phones.push({ key, field });
  }
  const modstamp = parseSfDateTime(rec.SystemModstamp);
  const accountModstamp = account ? parseSfDateTime(account.SystemModstamp) : Number.NaN;
  return {
    id,
    firstName: str(rec.FirstName),
    lastName: str(rec.LastName),
    email: str(rec.Email),
    accountId: str(rec.AccountId),
    accountName: account ? str(account.Name) : null,
    accountModstamp: Number.isFinite(accountModstamp) ? accountModstamp : null,
    tier: o.tierField === '' ? null : str(rec[o.tierField]),
    modstamp: Number.isFinite(modstamp) ? modstamp : 0,
    deleted: rec.IsDeleted === true,
    phones: rec.IsDeleted === true ? [] : phones,
  };
}

export interface ChangeEventHeader {
  entityName?: string;
  recordIds?: string[];
  changeType?: string;
  changedFields?: string[];
  nulledFields?: string[];
  commitTimestamp?: number;
}

/** What the mirror does for one change event. */
export type ChangeAction =
  | { kind: 'refetch'; ids: string[] }
  | { kind: 'delete'; ids: string[]; at: number }
  | { kind: 'resync' }
  | { kind: 'ignore' };

export function actionForChange(h: ChangeEventHeader | undefined, relevant: Set<string>): ChangeAction {
  if (!h || typeof h.changeType !== 'string') return { kind: 'ignore' };
  const ids = (h.recordIds ?? []).filter((i): i is string => typeof i === 'string' && i !== '');
  const type = h.changeType;
  if (type === 'GAP_OVERFLOW') return { kind: 'resync' };
  if (ids.length === 0) return type.startsWith('GAP_') ? { kind: 'resync' } : { kind: 'ignore' };
  // Gap events carry the header only: re-read the records (a deleted one is found by queryAll).
  if (type.startsWith('GAP_')) return { kind: 'refetch', ids };
  switch (type) {
    case 'DELETE':
      return { kind: 'delete', ids, at: h.commitTimestamp ?? Date.now() };
    case 'CREATE':
    case 'UNDELETE':
      return { kind: 'refetch', ids };
    case 'UPDATE': {
      const touched = [...(h.changedFields ?? []), ...(h.nulledFields ?? [])];
      // Without a field list we cannot tell: re-read.
      if (touched.length === 0) return { kind: 'refetch', ids };
      const hit = touched.some((f) => {
        const lower = f.toLowerCase();
        return (
          relevant.has(lower) ||
          relevant.has(lower.split('.')[0] ?? '') ||
          relevant.has(lower.split('.').pop() ?? '')
        );
      });
      return hit ? { kind: 'refetch', ids } : { kind: 'ignore' };
    }
    default:
      return { kind: 'ignore' };
  }
}

/**
 * The new values of an UPDATE, taken from the change event itself. A real CDC event carries the
 * changed fields' new values (and `nulledFields` for the ones set to null), so a phone or e-mail
 * change needs no query back to Salesforce.
 */
export interface ContactPatch {
  /** The event's `LastModifiedDate` (≤ the record's `SystemModstamp`, so a later re-read of the same version still applies). */
  modstamp: number;
  set: Partial<Pick<MirrorRow, 'firstName' | 'lastName' | 'email' | 'tier'>>;
  /** Phone field → its new key, or null when cleared or not a number. */
  phones: Map<string, string | null>;
}

/**
 * The patch an UPDATE event allows, or undefined when the mirror must re-read the record: another
 * change type, no `LastModifiedDate`, an account change (the row keeps the account's name, which
 * the event does not carry), or a relevant field whose new value the event does not hold.
 */
export function patchFromEvent(
  h: ChangeEventHeader | undefined,
  body: Record<string, unknown>,
  o: MirrorOptions,
): ContactPatch | undefined {
  if (h?.changeType !== 'UPDATE') return undefined;
  const modstamp = parseSfDateTime(body.LastModifiedDate);
  if (!Number.isFinite(modstamp)) return undefined;
  // The compound Name may come as `Name: { FirstName, LastName }` with `Name.FirstName` paths.
  const name =
    typeof body.Name === 'object' && body.Name !== null ? (body.Name as Record<string, unknown>) : {};
  const nulled = new Set((h.nulledFields ?? []).map((f) => f.split('.').pop()?.toLowerCase()));
  const touched = [...(h.changedFields ?? []), ...(h.nulledFields ?? [])];
  const leaves = new Set(touched.map((f) => f.split('.').pop()?.toLowerCase() ?? ''));
  const patch: ContactPatch = { modstamp, set: {}, phones: new Map() };
  /** The new value of a field: null when nulled, undefined when the event does not say. */
  const valueOf = (field: string): string | null | undefined => {
    if (nulled.has(field.toLowerCase())) return null;
    const v = body[field] ?? name[field];
    return typeof v === 'string' ? v : undefined;
  };
  const scalars: Array<[string, keyof ContactPatch['set']]> = [
    ['FirstName', 'firstName'],
    ['LastName', 'lastName'],
    ['Email', 'email'],
    ...(o.tierField === '' ? [] : [[o.tierField, 'tier'] as [string, 'tier']]),
  ];
  for (const leaf of leaves) {
    if (leaf === 'accountid') return undefined;
    // `Name` is derived from FirstName/LastName; on its own it says nothing the mirror can apply.
    if (leaf === 'name') {
      if (!leaves.has('firstname') && !leaves.has('lastname')) return undefined;
      continue;
    }
    const phoneField = o.phoneFields.find((f) => f.toLowerCase() === leaf);
    const scalar = scalars.find(([f]) => f.toLowerCase() === leaf);
    const field = phoneField ?? scalar?.[0];
    if (field === undefined) continue; // not a field the mirror keeps
    const v = valueOf(field);
    if (v === undefined) return undefined;
    if (phoneField !== undefined) {
      patch.phones.set(phoneField, phoneKey(v, o.defaultRegion) ?? null);
    } else if (scalar) patch.set[scalar[1]] = v === '' ? null : v;
  }
  return patch;
}

/** The stored row with a patch applied (its numbers of the patched fields replaced). */
export function patchRow(row: MirrorRow, patch: ContactPatch): MirrorRow {
  const phones = row.phones.filter((p) => !patch.phones.has(p.field));
  for (const [field, key] of patch.phones)
    if (key !== null && !phones.some((p) => p.key === key && p.field === field)) phones.push({ key, field });
  return { ...row, ...patch.set, phones, modstamp: patch.modstamp };
}

/** What the mirror does for one AccountChangeEvent: only the name reaches the contacts' rows. */
export type AccountAction =
  | { kind: 'rename'; ids: string[]; name: string; at: number }
  | { kind: 'reread'; ids: string[] }
  | { kind: 'resync' }
  | { kind: 'ignore' };

export function accountActionForChange(
  h: ChangeEventHeader | undefined,
  body: Record<string, unknown>,
): AccountAction {
  if (!h || typeof h.changeType !== 'string') return { kind: 'ignore' };
  const ids = (h.recordIds ?? []).filter((i): i is string => typeof i === 'string' && i !== '');
  const type = h.changeType;
  if (type.startsWith('GAP_'))
    return ids.length > 0 && type !== 'GAP_OVERFLOW' ? { kind: 'reread', ids } : { kind: 'resync' };
  // Creations have no contacts yet; deletions and undeletions reach the contacts as their own events.
  if (type !== 'UPDATE' || ids.length === 0) return { kind: 'ignore' };
  const renamed = [...(h.changedFields ?? []), ...(h.nulledFields ?? [])].some(
    (f) => f.toLowerCase() === 'name',
  );
  if (!renamed) return { kind: 'ignore' };
  const at = parseSfDateTime(body.LastModifiedDate);
  return typeof body.Name === 'string' && Number.isFinite(at)
    ? { kind: 'rename', ids, name: body.Name, at }
    : { kind: 'reread', ids };
}

export interface Watermark {
  /** `SystemModstamp`, epoch ms. */
  ts: number;
  id: string;
}

/** Total order of (modstamp, Id): the Id breaks ties between records modified in the same instant. */
export function compareWatermark(a: Watermark, b: Watermark): number {
  if (a.ts !== b.ts) return a.ts < b.ts ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export function maxWatermark(a: Watermark | undefined, b: Watermark | undefined): Watermark | undefined {
  if (!a) return b;
  if (!b) return a;
  return compareWatermark(a, b) >= 0 ? a : b;
}

/**
 * Where the next catch-up starts: the watermark minus the overlap, floored to the second (SOQL
 * datetime literals carry whole seconds). Records at or after it are read again; applying a row is
 * idempotent and never goes backwards, so re-reading costs only the transfer.
 */
export function catchUpStart(w: Watermark | undefined, overlapMs: number): Date {
  const ts = Math.max(0, (w?.ts ?? 0) - overlapMs);
  return new Date(Math.floor(ts / 1000) * 1000);
}
