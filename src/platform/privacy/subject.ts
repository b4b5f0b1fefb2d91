/**
 * Glossary
 * - **subject**: one data subject (a person) as every identifier Patchbay could find for them across
 *   the systems: e-mails, E.164 phone numbers, names, Salesforce contact IDs, back-office customer IDs,
 *   Genesys external contact IDs and the conversation IDs of their calls. Resolved once, at the start
 *   of an erasure, so that each store is searched with all of them.
 * - **needle**: a string whose presence in a stored text (a webhook body, a job payload) ties the row
 *   to the subject: every identifier, plus the other spellings of a phone number.
 * - **keyed hash**: HMAC-SHA256 under the privacy key; what the audit stores instead of identifiers.
 */
import { createHmac } from 'node:crypto';
import { parsePhoneNumberFromString } from 'libphonenumber-js';

export interface Subject {
  /** Lower-cased. */
  emails: string[];
  /** E.164. */
  phones: string[];
  /** Full names as "First Last" (matched case-insensitively, whole). */
  names: string[];
  salesforceContactIds: string[];
  backofficeCustomerIds: string[];
  genesysExternalContactIds: string[];
  conversationIds: string[];
}

export function emptySubject(): Subject {
  return {
    emails: [],
    phones: [],
    names: [],
    salesforceContactIds: [],
    backofficeCustomerIds: [],
    genesysExternalContactIds: [],
    conversationIds: [],
  };
}

const uniq = (xs: Iterable<string>): string[] => [...new Set([...xs].filter((x) => x.trim() !== ''))];

/** Union of two subjects, de-duplicated (e-mails lower-cased). */
export function mergeSubjects(a: Subject, b: Partial<Subject>): Subject {
  return {
    emails: uniq([...a.emails, ...(b.emails ?? [])].map((e) => e.trim().toLowerCase())),
    phones: uniq([...a.phones, ...(b.phones ?? [])]),
    names: uniq([...a.names, ...(b.names ?? [])].map((n) => n.trim().replace(/\s+/g, ' '))),
    salesforceContactIds: uniq([...a.salesforceContactIds, ...(b.salesforceContactIds ?? [])]),
    backofficeCustomerIds: uniq([...a.backofficeCustomerIds, ...(b.backofficeCustomerIds ?? [])]),
    genesysExternalContactIds: uniq([...a.genesysExternalContactIds, ...(b.genesysExternalContactIds ?? [])]),
    conversationIds: uniq([...a.conversationIds, ...(b.conversationIds ?? [])]),
  };
}

/** Other spellings of an E.164 number that systems store: digits only, national digits, national format. */
export function phoneSpellings(e164: string): string[] {
  const out = [e164, e164.slice(1)];
  const p = parsePhoneNumberFromString(e164);
  if (p) out.push(p.nationalNumber, p.formatNational(), p.formatInternational());
  return uniq(out);
}

/** Every string whose presence in a stored text ties it to the subject (see the glossary). */
export function subjectNeedles(s: Subject): string[] {
  const sfIds = s.salesforceContactIds.flatMap((id) => (id.length === 18 ? [id, id.slice(0, 15)] : [id]));
  return uniq([
    ...s.emails,
    ...s.phones.flatMap(phoneSpellings),
    ...s.names,
    ...sfIds,
    ...s.backofficeCustomerIds,
    ...s.genesysExternalContactIds,
    ...s.conversationIds,
  ]).filter((n) => n.length >= 4);
}

/** True when `text` holds one of the needles (case-insensitive). */
export function mentions(text: string, needles: readonly string[]): boolean {
  const t = text.toLowerCase();
  return needles.some((n) => t.includes(n.toLowerCase()));
}

/** HMAC-SHA256 (hex) of a normalised identifier under `key`. */
export function keyedHash(key: Buffer | string, value: string): string {
  return createHmac('sha256', key).update(value.trim().toLowerCase()).digest('hex');
}

/** Keyed hashes of the subject's e-mails and phones: what may be kept after erasure. */
export function subjectHashes(key: Buffer | string, s: Subject): string[] {
  return uniq([...s.emails, ...s.phones].map((v) => keyedHash(key, v)));
}
