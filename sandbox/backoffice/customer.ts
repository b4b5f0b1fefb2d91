/**
 * The back office's customer directory. Patchbay looks customers up by ANI or e-mail to
 * match interactions that BOFE never paired (seed 002, "Limitations"), so lookups are exact:
 * phone numbers must be E.164 and e-mails compare case-insensitively. A lenient emulator
 * would hide a missing normalisation step in Patchbay.
 */
import { isUuid, type ValidationResult } from './communication-record.ts';

export interface Customer {
  id: string;
  firstName: string;
  lastName: string;
  email: string | null;
  phone: string | null;
}

const E164 = /^\+[1-9]\d{6,14}$/;
// Deliberately simple: one @, no spaces, a dot in the domain.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function isE164(s: string): boolean {
  return E164.test(s);
}

export function isEmail(s: string): boolean {
  return EMAIL.test(s) && s.length <= 320;
}

export function validateCustomer(input: unknown, newId: () => string): ValidationResult<Customer> {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    return { ok: false, field: '(body)', message: 'request body must be a JSON object' };
  }
  const b = input as Record<string, unknown>;
  const allowed = ['id', 'firstName', 'lastName', 'email', 'phone'];
  for (const key of Object.keys(b)) {
    if (!allowed.includes(key)) return { ok: false, field: key, message: `${key}: unknown property` };
  }
  if (b.id !== undefined && (typeof b.id !== 'string' || !isUuid(b.id))) {
    return { ok: false, field: 'id', message: 'id: must be a UUID' };
  }
  for (const f of ['firstName', 'lastName'] as const) {
    const v = b[f];
    if (typeof v !== 'string' || v.trim() === '') {
      return { ok: false, field: f, message: `${f}: must be a non-blank string` };
    }
  }
  if (b.email !== undefined && b.email !== null && (typeof b.email !== 'string' || !isEmail(b.email))) {
    return { ok: false, field: 'email', message: 'email: must be an e-mail address or null' };
  }
  if (b.phone !== undefined && b.phone !== null && (typeof b.phone !== 'string' || !isE164(b.phone))) {
    return { ok: false, field: 'phone', message: 'phone: must be an E.164 number (+ and digits) or null' };
  }
  return {
    ok: true,
    value: {
      id: typeof b.id === 'string' ? b.id : newId(),
      firstName: String(b.firstName),
      lastName: String(b.lastName),
      email: typeof b.email === 'string' ? b.email : null,
      phone: typeof b.phone === 'string' ? b.phone : null,
    },
  };
}

export function matchesPhone(c: Customer, phone: string): boolean {
  return c.phone === phone;
}

export function matchesEmail(c: Customer, email: string): boolean {
  return c.email !== null && c.email.toLowerCase() === email.toLowerCase();
}
