/**
 * Phone numbers to one key (E.164) whatever format a CRM, a caller ID or a person typed them
 * in: E.164, national with spaces/dashes/dots/parentheses, `tel:` URIs, a leading `00`
 * international prefix, extensions. Pure; never throws.
 */
import { parsePhoneNumberFromString, type CountryCode, type PhoneNumber } from 'libphonenumber-js';

export type PhoneResult =
  { ok: true; e164: string; extension?: string; valid: boolean } | { ok: false; reason: 'empty' | 'invalid' };

/** +1, then a North American area code and exchange (neither starts with 0 or 1), then 4 digits. */
const NANP_E164 = /^\+1[2-9]\d{2}[2-9]\d{6}$/;

/** Longer input is not a phone number; refusing it early bounds the parser's work. */
const MAX_INPUT_LENGTH = 64;

export function normalizePhone(input: unknown, defaultRegion: CountryCode = 'US'): PhoneResult {
  const r = parse(input, defaultRegion);
  if (!r.ok) return r;
  return {
    ok: true,
    e164: r.parsed.number,
    valid: r.parsed.isValid(),
    ...(r.parsed.ext ? { extension: r.parsed.ext } : {}),
  };
}

/**
 * The lookup key of a number, or undefined when it cannot be one. Cheaper than `normalizePhone`: the
 * key needs no validity check (on a call's hot path, that check was a tenth of the lookup).
 */
export function phoneKey(input: unknown, defaultRegion: CountryCode = 'US'): string | undefined {
  // The usual caller ID in North America: already the key. libphonenumber would return it unchanged
  // (property-tested) after a country detection that costs most of a screen pop lookup.
  if (typeof input === 'string') {
    const bare = input.startsWith('tel:') ? input.slice(4) : input;
    if (NANP_E164.test(bare)) return bare;
  }
  const r = parse(input, defaultRegion);
  return r.ok ? r.parsed.number : undefined;
}

function parse(
  input: unknown,
  defaultRegion: CountryCode,
): { ok: true; parsed: PhoneNumber } | { ok: false; reason: 'empty' | 'invalid' } {
  if (typeof input !== 'string') return { ok: false, reason: 'invalid' };
  let text = input.trim();
  if (text === '') return { ok: false, reason: 'empty' };
  if (text.length > MAX_INPUT_LENGTH) return { ok: false, reason: 'invalid' };
  // tel:+1-415-555-0142;ext=12 (RFC 3966) and sip:+14155550142@host carry the number in the user part.
  text = text.replace(/^(tel|sip|sips):/i, '');
  text = text.replace(/@.*$/, '');
  text = text.replace(/;ext=/i, ' ext. ').replace(/;.*$/, '');
  // 00 is the international prefix in most of the world; callers' systems send it even where it is not.
  text = text.replace(/^\s*00(?=[1-9])/, '+');
  const parsed = parsePhoneNumberFromString(text, defaultRegion);
  if (!parsed || !parsed.isPossible()) return { ok: false, reason: 'invalid' };
  return { ok: true, parsed };
}
