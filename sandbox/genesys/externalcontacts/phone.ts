/**
 * Server-side phone normalisation: the platform computes `e164` (and `countryCode`) from what
 * the client sent in `display`/`userInput`, using `normalizationCountryCode` for national
 * numbers. A number that cannot be parsed keeps its display and gets no `e164`.
 */
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

export interface PhoneNumber {
  display?: string;
  extension?: number;
  acceptsSMS?: boolean;
  normalizationCountryCode?: string;
  userInput?: string;
  e164?: string;
  countryCode?: string;
}

/** E.164 for free text (`+1 415…`, `(415) 555-0142`, `0044 20…`), or undefined when it is not a phone number. */
export function toE164(text: string, defaultCountry: string): string | undefined {
  const trimmed = text.trim().replace(/^00(?=[1-9])/, '+');
  if (!/\d/.test(trimmed)) return undefined;
  const parsed = parsePhoneNumberFromString(trimmed, defaultCountry.toUpperCase() as CountryCode);
  return parsed?.isPossible() ? parsed.number : undefined;
}

/** Normalise one PhoneNumber object as the platform stores it. */
export function normalizePhone(input: PhoneNumber, defaultCountry: string): PhoneNumber {
  const out: PhoneNumber = { ...input };
  delete out.e164;
  delete out.countryCode;
  const source = input.display ?? input.userInput ?? input.e164;
  if (source === undefined) return out;
  const country = input.normalizationCountryCode ?? input.countryCode ?? defaultCountry;
  const trimmed = source.trim().replace(/^00(?=[1-9])/, '+');
  const parsed = /\d/.test(trimmed)
    ? parsePhoneNumberFromString(trimmed, country.toUpperCase() as CountryCode)
    : undefined;
  if (out.display === undefined) out.display = source;
  if (parsed?.isPossible()) {
    out.e164 = parsed.number;
    if (parsed.country !== undefined) out.countryCode = parsed.country;
    if (parsed.ext !== undefined && out.extension === undefined && /^\d+$/.test(parsed.ext))
      out.extension = Number(parsed.ext);
  }
  return out;
}
