/**
 * Redaction of secrets and personal data from anything about to be logged (DESIGN §7).
 * Two nets: sensitive keys at any depth, and patterns (e-mail addresses, phone numbers) in
 * every string, because personal data also hides in messages and error texts.
 */

const sensitiveKeyParts = [
  'secret',
  'token',
  'password',
  'passwd',
  'authorization',
  'cookie',
  'apikey',
  'signature',
  'phone',
  'email',
  'mobile',
  'dnis',
  'firstname',
  'lastname',
  'fullname',
  'contactname',
  'customername',
  'username',
  'bankusername',
  'address',
  'credential',
  'privatekey',
];
const sensitiveExactKeys = new Set([
  'name',
  'ani',
  'dnis',
  'to',
  'from',
  'subject',
  'body',
  'handle',
  'customerhandle',
]);

export const REDACTED = '[redacted]';

export function isSensitiveKey(key: string): boolean {
  const k = key.toLowerCase().replace(/[_\-\s]/g, '');
  if (sensitiveExactKeys.has(k)) return true;
  return sensitiveKeyParts.some((p) => k.includes(p));
}

const emailPattern = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
// A run that starts like a phone number; checked for digit count below so dates and IDs survive.
const phoneCandidate = /(?<![\w-])(?:\+|00)?\(?\d[\d\s().-]{5,}\d(?![\w-])/g;
const isoDate = /^\d{4}-\d{2}-\d{2}/;

export function redactString(s: string): string {
  return s.replace(emailPattern, '[email]').replace(phoneCandidate, (m) => {
    const digits = m.replace(/\D/g, '').length;
    if (digits < 7 || digits > 15 || isoDate.test(m.trim())) return m;
    // A bare number without separators or '+' is more often a count or an epoch than a phone.
    if (/^\d+$/.test(m) && digits !== 10 && digits !== 11) return m;
    return '[phone]';
  });
}

export function redactValue(value: unknown, depth = 0): unknown {
  if (depth > 8) return '[depth]';
  if (typeof value === 'string') return redactString(value);
  if (Array.isArray(value)) return value.map((v) => redactValue(v, depth + 1));
  if (value instanceof Error) {
    const out: Record<string, unknown> = { type: value.name, message: redactString(value.message) };
    if (value.stack) out.stack = redactString(value.stack);
    const code = (value as { code?: unknown }).code;
    if (code !== undefined) out.code = code;
    if (value.cause !== undefined) out.cause = redactValue(value.cause, depth + 1);
    return out;
  }
  if (value && typeof value === 'object') {
    if (Buffer.isBuffer(value)) return `[${value.length} bytes]`;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value))
      out[k] =
        isSensitiveKey(k) && v !== null && v !== undefined && v !== '' ? REDACTED : redactValue(v, depth + 1);
    return out;
  }
  return value;
}
