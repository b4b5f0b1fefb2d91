/**
 * Field values between the wire and the store. Datetimes are kept as epoch ms (cheap comparisons)
 * and written back in Salesforce's own format `2026-03-10T14:30:00.000+0000`; dates stay
 * `YYYY-MM-DD` strings. Type errors carry the codes and messages the platform uses.
 */
import { SfError } from './errors.ts';
import { normalizeId } from './ids.ts';
import type { FieldDef } from './schema-types.ts';

export type Stored = string | number | boolean | null;

export function fieldLabel(f: FieldDef): string {
  if (f.label) return f.label;
  const base = f.name.replace(/__c$/, '').replace(/_/g, ' ');
  const trimmed =
    f.type === 'reference' && base.endsWith('Id') && base.length > 2 ? `${base.slice(0, -2)} ID` : base;
  return trimmed.replace(/([a-z])([A-Z])/g, '$1 $2');
}

export function formatDatetime(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}

export function toDateString(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Parse an ISO date-time as the API accepts it (Z, ±hh:mm or ±hhmm offsets, optional millis). */
export function parseDatetime(s: string): number | undefined {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)(Z|[+-]\d{2}:?\d{2})?$/.exec(s);
  if (!m) return DATE_RE.test(s) ? Date.parse(`${s}T00:00:00Z`) : undefined;
  let zone = m[3] ?? 'Z';
  if (zone !== 'Z' && !zone.includes(':')) zone = `${zone.slice(0, 3)}:${zone.slice(3)}`;
  const ms = Date.parse(`${m[1]}T${m[2]}${zone}`);
  return Number.isNaN(ms) ? undefined : ms;
}

function deserializeError(f: FieldDef, value: unknown): SfError {
  const kind = f.type === 'int' ? 'int' : f.type === 'double' || f.type === 'currency' ? 'double' : f.type;
  return new SfError(
    'JSON_PARSER_ERROR',
    `Cannot deserialize instance of ${kind} from ${typeof value === 'string' ? 'VALUE_STRING' : 'VALUE_' + typeof value} value ${JSON.stringify(value)} or request may be missing a required field`,
  );
}

/** Validate and convert one incoming value for a field. */
export function coerce(f: FieldDef, value: unknown): Stored {
  if (value === null || value === undefined || value === '') {
    return f.type === 'boolean' ? false : null;
  }
  switch (f.type) {
    case 'id':
    case 'reference': {
      if (typeof value !== 'string') throw deserializeError(f, value);
      const id = normalizeId(value);
      if (!id)
        throw new SfError('MALFORMED_ID', `${fieldLabel(f)}: id value of incorrect type: ${value}`, {
          fields: [f.name],
        });
      return id;
    }
    case 'string':
    case 'textarea':
    case 'phone':
    case 'url':
    case 'email':
    case 'picklist': {
      if (typeof value === 'object') throw deserializeError(f, value);
      const s = typeof value === 'string' ? value : JSON.stringify(value);
      if (f.length !== undefined && s.length > f.length) {
        throw new SfError(
          'STRING_TOO_LONG',
          `${fieldLabel(f)}: data value too large: ${s.slice(0, 40)} (max length=${f.length})`,
          { fields: [f.name] },
        );
      }
      if (f.type === 'email' && !EMAIL_RE.test(s)) {
        throw new SfError('INVALID_EMAIL_ADDRESS', `${fieldLabel(f)}: invalid email address: ${s}`, {
          fields: [f.name],
        });
      }
      if (f.type === 'picklist' && f.restrictedPicklist && !(f.picklistValues ?? []).includes(s)) {
        throw new SfError(
          'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
          `${fieldLabel(f)}: bad value for restricted picklist field: ${s}`,
          { fields: [f.name] },
        );
      }
      return s;
    }
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (value === 'true' || value === 'false') return value === 'true';
      throw deserializeError(f, value);
    case 'int':
    case 'double':
    case 'currency': {
      const n =
        typeof value === 'number'
          ? value
          : typeof value === 'string' && value.trim() !== ''
            ? Number(value)
            : NaN;
      if (!Number.isFinite(n) || (f.type === 'int' && !Number.isInteger(n))) throw deserializeError(f, value);
      return n;
    }
    case 'date': {
      if (typeof value !== 'string') throw deserializeError(f, value);
      const ms = parseDatetime(value);
      if (ms === undefined) throw deserializeError(f, value);
      return DATE_RE.test(value) ? value : toDateString(ms);
    }
    case 'datetime': {
      if (typeof value !== 'string') throw deserializeError(f, value);
      const ms = parseDatetime(value);
      if (ms === undefined) throw deserializeError(f, value);
      return ms;
    }
  }
}

/** A stored value as the API writes it. */
export function format(f: FieldDef, v: Stored | undefined): Stored {
  if (v === undefined || v === null) return null;
  if (f.type === 'datetime' && typeof v === 'number') return formatDatetime(v);
  return v;
}
