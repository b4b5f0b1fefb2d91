/**
 * The `communication-history-manager` record contract (seed 002) and its validation, pure so
 * the rules are tested without a server. The emulator rejects what the real service would
 * reject and names the offending field, so a mapping bug in Patchbay surfaces as a 400.
 */

/** The `CommunicationRecordChannel` enum, including OTHER and VIDEO that seed 002 adds. */
export const COMMUNICATION_CHANNELS = ['VOICE', 'CHAT', 'EMAIL', 'SMS', 'VIDEO', 'OTHER'] as const;
export type CommunicationChannel = (typeof COMMUNICATION_CHANNELS)[number];

export const COMMUNICATION_DIRECTIONS = ['INBOUND', 'OUTBOUND'] as const;
export type CommunicationDirection = (typeof COMMUNICATION_DIRECTIONS)[number];

/** The body of `POST /communicationRecords`. */
export interface CommunicationRecordInput {
  direction: CommunicationDirection;
  communicatedAt: string;
  source: string;
  channel: CommunicationChannel;
  domain: string;
  customerId: string | null;
  customerHandle: string;
  interactionId: string;
  bankUserId: string | null;
  bankUserName: string | null;
  purpose: string | null;
  title: string;
  body: string;
}

/** A stored record: the input plus what the service assigns. */
export interface CommunicationRecord extends CommunicationRecordInput {
  id: string;
  createdAt: string;
}

export type ValidationResult<T> = { ok: true; value: T } | { ok: false; field: string; message: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// ISO 8601 date-time with an explicit offset: an offset-less time is ambiguous across zones.
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

export function isUuid(s: string): boolean {
  return UUID.test(s);
}

export function isIsoDateTime(s: string): boolean {
  return ISO_DATE_TIME.test(s) && !Number.isNaN(Date.parse(s));
}

const MAX_TEXT = 4000;
const MAX_BODY = 1_000_000;

type FieldRule = (v: unknown) => string | undefined;

const requiredText =
  (max = MAX_TEXT): FieldRule =>
  (v) => {
    if (typeof v !== 'string') return 'must be a string';
    if (v.trim() === '') return 'must not be blank';
    if (v.length > max) return `must be at most ${max} characters`;
    return undefined;
  };

const nullableText: FieldRule = (v) => {
  if (v === null || v === undefined) return undefined;
  if (typeof v !== 'string') return 'must be a string or null';
  if (v.length > MAX_TEXT) return `must be at most ${MAX_TEXT} characters`;
  return undefined;
};

const oneOf =
  (values: readonly string[]): FieldRule =>
  (v) =>
    typeof v === 'string' && values.includes(v) ? undefined : `must be one of ${values.join(', ')}`;

/** Field order is the order errors are reported in; the first failing field is named. */
const RULES: Record<keyof CommunicationRecordInput, FieldRule> = {
  direction: oneOf(COMMUNICATION_DIRECTIONS),
  communicatedAt: (v) =>
    typeof v === 'string' && isIsoDateTime(v) ? undefined : 'must be an ISO 8601 date-time with offset',
  source: requiredText(),
  channel: oneOf(COMMUNICATION_CHANNELS),
  domain: requiredText(),
  customerId: (v) =>
    v === null || v === undefined || (typeof v === 'string' && isUuid(v))
      ? undefined
      : 'must be a UUID or null',
  customerHandle: requiredText(),
  interactionId: requiredText(),
  bankUserId: nullableText,
  bankUserName: nullableText,
  purpose: nullableText,
  title: requiredText(),
  body: (v) => {
    if (typeof v !== 'string') return 'must be a string';
    return v.length > MAX_BODY ? `must be at most ${MAX_BODY} characters` : undefined;
  },
};

const FIELDS = Object.keys(RULES) as (keyof CommunicationRecordInput)[];

/**
 * Validate a record body. Unknown properties are rejected (the real service's DTO would drop
 * them silently; rejecting them here catches a misspelt field in Patchbay's mapping).
 * Nullable fields may be omitted and are stored as null.
 */
export function validateCommunicationRecord(input: unknown): ValidationResult<CommunicationRecordInput> {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    return { ok: false, field: '(body)', message: 'request body must be a JSON object' };
  }
  const body = input as Record<string, unknown>;
  for (const key of Object.keys(body)) {
    if (!(FIELDS as string[]).includes(key))
      return { ok: false, field: key, message: `${key}: unknown property` };
  }
  for (const field of FIELDS) {
    const problem = RULES[field](body[field]);
    if (problem !== undefined) return { ok: false, field, message: `${field}: ${problem}` };
  }
  const text = (k: keyof CommunicationRecordInput) => body[k] as string;
  const nullable = (k: keyof CommunicationRecordInput) => (body[k] ?? null) as string | null;
  return {
    ok: true,
    value: {
      direction: body.direction as CommunicationDirection,
      communicatedAt: text('communicatedAt'),
      source: text('source'),
      channel: body.channel as CommunicationChannel,
      domain: text('domain'),
      customerId: nullable('customerId'),
      customerHandle: text('customerHandle'),
      interactionId: text('interactionId'),
      bankUserId: nullable('bankUserId'),
      bankUserName: nullable('bankUserName'),
      purpose: nullable('purpose'),
      title: text('title'),
      body: text('body'),
    },
  };
}
