/**
 * Canonical values and the transforms between them and each side's wire shape: Salesforce record
 * → values (E.164 via the platform's normaliser, e-mail validation; an invalid value is recorded
 * and not sent), Genesys contact → values, values → Genesys entity / PATCH `changes[]` /
 * Salesforce fields, deep equality by value, and the content hash.
 */
import { createHash } from 'node:crypto';
import type { CountryCode } from 'libphonenumber-js';
import { normalizePhone } from '../../platform/phone/normalize.ts';
import type { FieldMapping, ValueType } from './mapping.ts';

/** `null` = empty. Lists are sorted and de-duplicated, so they compare by value whatever the order. */
export type Value = string | null | readonly string[];
export type Values = Readonly<Record<string, Value>>;

export interface Invalid {
  key: string;
  reason: 'invalid_phone' | 'invalid_email' | 'not_a_string';
}

const EMAIL = /^[^\s@<>(),;:"[\]]+@[^\s@<>(),;:"[\]]+\.[^\s@<>(),;:"[\]]+$/;

export function isEmail(v: string): boolean {
  return v.length <= 256 && EMAIL.test(v);
}

/** Normalises one raw value of a type; `{ invalid }` when it cannot be sent. */
export function canonical(
  raw: unknown,
  type: ValueType,
  region: CountryCode,
): { value: Value } | { invalid: Invalid['reason'] } {
  if (raw === undefined || raw === null) return { value: null };
  if (type === 'list') {
    const parts = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(';') : undefined;
    if (!parts || parts.some((p) => typeof p !== 'string')) return { invalid: 'not_a_string' };
    const list = [...new Set((parts as string[]).map((p) => p.trim()).filter((p) => p !== ''))].sort();
    return { value: list.length === 0 ? null : list };
  }
  if (typeof raw !== 'string') return { invalid: 'not_a_string' };
  const text = raw.trim();
  if (text === '') return { value: null };
  switch (type) {
    case 'text':
      return { value: text };
    case 'email':
      return isEmail(text) ? { value: text } : { invalid: 'invalid_email' };
    case 'phone': {
      const p = normalizePhone(text, region);
      return p.ok && p.valid ? { value: p.e164 } : { invalid: 'invalid_phone' };
    }
    default: {
      const never: never = type;
      return never;
    }
  }
}

/** Equality by value: e-mails case-insensitive, lists element-wise (already sorted), null = empty. */
export function sameValue(a: Value | undefined, b: Value | undefined, type: ValueType): boolean {
  const x = a ?? null;
  const y = b ?? null;
  if (x === null || y === null) return x === y;
  if (Array.isArray(x) || Array.isArray(y)) {
    if (!Array.isArray(x) || !Array.isArray(y) || x.length !== y.length) return false;
    return x.every((v, i) => v === y[i]);
  }
  return type === 'email' ? (x as string).toLowerCase() === (y as string).toLowerCase() : x === y;
}

function hashKey(v: Value | undefined, type: ValueType): unknown {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string') return type === 'email' ? v.toLowerCase() : v;
  return v;
}

/** Content hash over the mapped fields (stable key order, compare-normalised values). */
export function contentHash(values: Values, mapping: readonly FieldMapping[]): string {
  const keyed = [...mapping]
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((m) => [m.key, hashKey(values[m.key], m.type)]);
  return createHash('sha256').update(JSON.stringify(keyed)).digest('base64url').slice(0, 32);
}

export interface SideValues {
  values: Values;
  invalid: Invalid[];
}

/** A Salesforce record → canonical values of the mapped fields. */
export function fromSalesforce(
  rec: Readonly<Record<string, unknown>>,
  mapping: readonly FieldMapping[],
  region: CountryCode,
): SideValues {
  const values: Record<string, Value> = {};
  const invalid: Invalid[] = [];
  for (const m of mapping) {
    const c = canonical(rec[m.sf], m.type, region);
    if ('invalid' in c) invalid.push({ key: m.key, reason: c.invalid });
    else values[m.key] = c.value;
  }
  return { values, invalid };
}

type Json = Record<string, unknown>;

function genesysRaw(contact: Json, m: FieldMapping): unknown {
  switch (m.gc.kind) {
    case 'field':
      return contact[m.gc.name];
    case 'phone': {
      const p = contact[m.gc.name] as { e164?: unknown; display?: unknown } | undefined;
      return p === undefined || p === null ? null : (p.e164 ?? p.display ?? null);
    }
    case 'custom': {
      const cf = contact.customFields as Json | undefined;
      return cf?.[m.gc.name] ?? null;
    }
    default: {
      const never: never = m.gc;
      return never;
    }
  }
}

/** A Genesys external contact → canonical values (an unreadable value is recorded, not guessed). */
export function fromGenesys(
  contact: Json,
  mapping: readonly FieldMapping[],
  region: CountryCode,
): SideValues {
  const values: Record<string, Value> = {};
  const invalid: Invalid[] = [];
  for (const m of mapping) {
    const c = canonical(genesysRaw(contact, m), m.type, region);
    if ('invalid' in c) invalid.push({ key: m.key, reason: c.invalid });
    else values[m.key] = c.value;
  }
  return { values, invalid };
}

function wire(v: Value): unknown {
  return v === null ? undefined : v;
}

/**
 * Applies `values` (only the keys given) to a Genesys contact body, keeping every field Patchbay
 * does not manage. Returns a new object.
 */
export function applyToGenesys(contact: Json, values: Values, mapping: readonly FieldMapping[]): Json {
  const out: Json = { ...contact };
  let custom: Json | undefined;
  for (const m of mapping) {
    if (!(m.key in values)) continue;
    const v = values[m.key] ?? null;
    switch (m.gc.kind) {
      case 'field':
        if (v === null) delete out[m.gc.name];
        else out[m.gc.name] = v;
        break;
      case 'phone':
        if (v === null) delete out[m.gc.name];
        else out[m.gc.name] = { display: v as string };
        break;
      case 'custom':
        custom ??= { ...((out.customFields as Json | undefined) ?? {}) };
        if (v === null) delete custom[m.gc.name];
        else custom[m.gc.name] = wire(v);
        break;
      default: {
        const never: never = m.gc;
        return never;
      }
    }
  }
  if (custom !== undefined) out.customFields = custom;
  return out;
}

export interface PatchChange {
  field: string;
  value?: unknown;
  action: 'Update' | 'Remove';
}

/**
 * PATCH `changes[]` turning Genesys values `from` into `to`: only fields whose value differs.
 * Custom fields are patched one by one (`$.customFields.x`), never with their parent (a field and
 * its parent in one request is a 409).
 */
export function patchChanges(from: Values, to: Values, mapping: readonly FieldMapping[]): PatchChange[] {
  const changes: PatchChange[] = [];
  for (const m of mapping) {
    if (!(m.key in to)) continue;
    const next = to[m.key] ?? null;
    if (sameValue(from[m.key], next, m.type)) continue;
    const field = `$.${m.gc.kind === 'custom' ? `customFields.${m.gc.name}` : m.gc.name}`;
    if (next === null) changes.push({ field, action: 'Remove' });
    else
      changes.push({
        field,
        value: m.gc.kind === 'phone' ? { display: next } : next,
        action: 'Update',
      });
  }
  return changes;
}

/** Salesforce field values for the given keys (lists joined with `;`, as a multi-select picklist). */
export function toSalesforce(values: Values, keys: Iterable<string>, mapping: readonly FieldMapping[]): Json {
  const byKey = new Map(mapping.map((m) => [m.key, m]));
  const out: Json = {};
  for (const k of keys) {
    const m = byKey.get(k);
    if (!m) continue;
    const v = values[k] ?? null;
    out[m.sf] = Array.isArray(v) ? v.join(';') : v;
  }
  return out;
}

/** Keys whose values differ. */
export function changedKeys(a: Values, b: Values, mapping: readonly FieldMapping[]): string[] {
  return mapping.filter((m) => !sameValue(a[m.key], b[m.key], m.type)).map((m) => m.key);
}
