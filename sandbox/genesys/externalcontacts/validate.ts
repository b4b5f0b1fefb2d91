/**
 * Validation of an ExternalContact body as the platform documents it (names ≤ 1000 characters,
 * e-mails ≤ 256, ≤ 10 `externalIds` referencing existing external sources), and server-side
 * phone normalisation. Unknown properties are dropped. Pure.
 */
import { normalizePhone, type PhoneNumber } from './phone.ts';

export const PHONE_FIELDS = ['workPhone', 'cellPhone', 'homePhone', 'otherPhone'] as const;
export const EMAIL_FIELDS = ['workEmail', 'personalEmail', 'otherEmail'] as const;
const NAME_FIELDS = ['firstName', 'middleName', 'lastName', 'salutation', 'title'] as const;
const ADDRESS_FIELDS = ['address1', 'address2', 'city', 'state', 'postalCode', 'countryCode'] as const;
const PHONE_KEYS = ['display', 'userInput', 'e164', 'countryCode', 'normalizationCountryCode'] as const;
export const CONTACT_TYPES = ['Ephemeral', 'Identified', 'Curated'] as const;
export const MAX_EXTERNAL_IDS = 10;

export type ContactBody = Record<string, unknown>;
export type Validated = { ok: true; contact: ContactBody } | { ok: false; message: string };

const isObj = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

function phone(v: unknown, field: string, country: string): PhoneNumber | string {
  if (!isObj(v)) return `${field} must be a PhoneNumber object`;
  const out: PhoneNumber = {};
  for (const k of PHONE_KEYS) {
    const x = v[k];
    if (x === undefined || x === null) continue;
    if (typeof x !== 'string' || x.length > 256)
      return `${field}.${k} must be a string of at most 256 characters`;
    out[k] = x;
  }
  if (v.extension !== undefined && v.extension !== null) {
    if (typeof v.extension !== 'number' || !Number.isInteger(v.extension))
      return `${field}.extension must be an integer`;
    out.extension = v.extension;
  }
  if (v.acceptsSMS !== undefined && v.acceptsSMS !== null) {
    if (typeof v.acceptsSMS !== 'boolean') return `${field}.acceptsSMS must be a boolean`;
    out.acceptsSMS = v.acceptsSMS;
  }
  return normalizePhone(out, country);
}

/**
 * Check and normalise a contact body. `sourceExists` tells whether an external source id is known.
 * Read-only fields (`id`, dates, merge data, `identifiers`) are ignored here; the store sets them.
 */
export function validateContact(
  input: unknown,
  defaultCountry: string,
  sourceExists: (id: string) => boolean,
): Validated {
  if (!isObj(input)) return { ok: false, message: 'The request body must be an ExternalContact object' };
  const c: ContactBody = {};
  for (const f of NAME_FIELDS) {
    const v = input[f];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'string' || v.length > 1000)
      return { ok: false, message: `${f} must be a string of at most 1000 characters` };
    c[f] = v;
  }
  for (const f of EMAIL_FIELDS) {
    const v = input[f];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'string' || v.length > 256 || !/^[^\s@]+@[^\s@]+$/.test(v))
      return { ok: false, message: `${f} must be an e-mail address of at most 256 characters` };
    c[f] = v;
  }
  for (const f of PHONE_FIELDS) {
    const v = input[f];
    if (v === undefined || v === null) continue;
    const p = phone(v, f, defaultCountry);
    if (typeof p === 'string') return { ok: false, message: p };
    c[f] = p;
  }
  if (input.address !== undefined && input.address !== null) {
    if (!isObj(input.address)) return { ok: false, message: 'address must be a ContactAddress object' };
    const a: Record<string, string> = {};
    for (const k of ADDRESS_FIELDS) {
      const v = input.address[k];
      if (v === undefined || v === null) continue;
      if (typeof v !== 'string' || v.length > 1000)
        return { ok: false, message: `address.${k} must be a string` };
      a[k] = v;
    }
    c.address = a;
  }
  if (input.externalIds !== undefined && input.externalIds !== null) {
    if (!Array.isArray(input.externalIds)) return { ok: false, message: 'externalIds must be an array' };
    if (input.externalIds.length > MAX_EXTERNAL_IDS)
      return { ok: false, message: `externalIds may hold at most ${MAX_EXTERNAL_IDS} entries` };
    const ids: { externalSource: { id: string }; value: string }[] = [];
    for (const [i, e] of input.externalIds.entries()) {
      if (
        !isObj(e) ||
        !isObj(e.externalSource) ||
        typeof e.externalSource.id !== 'string' ||
        typeof e.value !== 'string' ||
        e.value === ''
      )
        return { ok: false, message: `externalIds[${i}] must be { externalSource: { id }, value }` };
      if (!sourceExists(e.externalSource.id))
        return {
          ok: false,
          message: `externalIds[${i}].externalSource.id ${e.externalSource.id} is not an external source`,
        };
      ids.push({ externalSource: { id: e.externalSource.id }, value: e.value });
    }
    c.externalIds = ids;
  }
  if (input.surveyOptOut !== undefined && input.surveyOptOut !== null) {
    if (typeof input.surveyOptOut !== 'boolean')
      return { ok: false, message: 'surveyOptOut must be a boolean' };
    c.surveyOptOut = input.surveyOptOut;
  }
  if (input.externalSystemUrl !== undefined && input.externalSystemUrl !== null) {
    if (typeof input.externalSystemUrl !== 'string')
      return { ok: false, message: 'externalSystemUrl must be a string' };
    c.externalSystemUrl = input.externalSystemUrl;
  }
  for (const f of ['customFields', 'externalOrganization', 'division'] as const) {
    const v = input[f];
    if (v === undefined || v === null) continue;
    if (!isObj(v)) return { ok: false, message: `${f} must be an object` };
    c[f] = v;
  }
  if (input.type !== undefined && input.type !== null) {
    if (typeof input.type !== 'string' || !(CONTACT_TYPES as readonly string[]).includes(input.type))
      return { ok: false, message: `type must be one of ${CONTACT_TYPES.join(', ')}` };
    c.type = input.type;
  }
  return { ok: true, contact: c };
}
