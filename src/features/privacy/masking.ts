/**
 * Masking for exports and analytics (pure): names → initial + ***, e-mails → first letter + *** @domain
 * plus a keyed hash for matching, phones → last 4 digits. Keys are classified by name; any other
 * string is scanned for e-mail addresses and phone numbers.
 */
import { keyedHash } from '../../platform/privacy/index.ts';

const EMAIL_RE = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
const PHONE_RE = /(?:tel:)?\+?\d[\d\s().-]{6,}\d/g;

export function maskName(v: string): string {
  return v
    .split(/\s+/)
    .filter(Boolean)
    .map((w) => `${w[0]}***`)
    .join(' ');
}

export function maskEmail(v: string): string {
  const [local = '', domain = ''] = v.split('@');
  return `${local.slice(0, 1)}***@${domain}`;
}

export function maskPhone(v: string): string {
  const digits = v.replace(/\D/g, '');
  return digits.length <= 4 ? '***' : `***${digits.slice(-4)}`;
}

export function maskText(v: string): string {
  return v.replace(EMAIL_RE, (m) => maskEmail(m)).replace(PHONE_RE, (m) => maskPhone(m));
}

type Kind = 'name' | 'email' | 'phone' | undefined;

function kindOf(key: string): Kind {
  const k = key.toLowerCase();
  if (/e-?mail/.test(k)) return 'email';
  if (/phone|mobile|ani|dnis|callerid|calleeid|handle/.test(k)) return 'phone';
  if (/(^|_)(first|last|full)?_?name$|firstname|lastname|^name$|contactname|customername|agentname/.test(k))
    return 'name';
  return undefined;
}

/** A masked deep copy; e-mail fields get a sibling `<key>Hash` (keyed hash) for matching. */
export function maskRecord(value: unknown, hashKey: string, key = ''): unknown {
  if (typeof value === 'string') {
    switch (kindOf(key)) {
      case 'email':
        return maskEmail(value);
      case 'phone':
        return maskPhone(value);
      case 'name':
        return maskName(value);
      default:
        return maskText(value);
    }
  }
  if (Array.isArray(value)) return value.map((v) => maskRecord(v, hashKey, key));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (typeof v === 'string' && kindOf(k) !== 'email' && /^\s*[[{]/.test(v)) {
        // JSON stored as text (webhook bodies, payloads): mask inside.
        try {
          out[k] = JSON.stringify(maskRecord(JSON.parse(v), hashKey, k));
          continue;
        } catch {
          /* not JSON */
        }
      }
      out[k] = maskRecord(v, hashKey, k);
      if (typeof v === 'string' && kindOf(k) === 'email' && v.includes('@'))
        out[`${k}Hash`] = keyedHash(hashKey, v);
    }
    return out;
  }
  return value;
}
