/**
 * Seed 002, exactly as written: the `supportInteraction` and `supportResult` bodies, validated at
 * receipt (400 naming the field), and the communication record's field mapping.
 */

export interface SupportInteraction {
  customerId: string;
  interactionId: string;
}

export interface SupportResult {
  conversationId: string;
  eventTime: string;
  direction: 'inbound' | 'outbound';
  mediaType: string;
  ani: string;
  subject?: string | null | undefined;
  wrapupCode: string;
  userId: string;
}

export type CommunicationRecordChannel = 'VOICE' | 'CHAT' | 'EMAIL' | 'SMS' | 'VIDEO' | 'OTHER';

export interface CommunicationRecord {
  direction: 'INBOUND' | 'OUTBOUND';
  communicatedAt: string;
  source: 'Call center';
  channel: CommunicationRecordChannel;
  domain: 'OTHER';
  customerId: string | null;
  customerHandle: string;
  interactionId: string;
  bankUserId: null;
  bankUserName: string | null;
  purpose: string | null;
  title: string;
  body: '';
}

export type Validation<T> = { ok: true; value: T } | { ok: false; field: string; message: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** ISO 8601 date-time with an offset (`Z` or `±hh:mm`), as the back office requires. */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

export const isUuid = (v: unknown): v is string => typeof v === 'string' && UUID.test(v);

function objectBody(input: unknown): Record<string, unknown> | undefined {
  return input && typeof input === 'object' && !Array.isArray(input)
    ? (input as Record<string, unknown>)
    : undefined;
}

export function validateSupportInteraction(input: unknown): Validation<SupportInteraction> {
  const o = objectBody(input);
  if (!o) return { ok: false, field: '(body)', message: 'must be a JSON object' };
  for (const f of ['customerId', 'interactionId'] as const)
    if (!isUuid(o[f])) return { ok: false, field: f, message: `${f}: required, a UUID` };
  return {
    ok: true,
    value: {
      customerId: String(o.customerId).toLowerCase(),
      interactionId: String(o.interactionId).toLowerCase(),
    },
  };
}

export function validateSupportResult(input: unknown): Validation<SupportResult> {
  const o = objectBody(input);
  if (!o) return { ok: false, field: '(body)', message: 'must be a JSON object' };
  const fail = (field: string, message: string) => ({
    ok: false as const,
    field,
    message: `${field}: ${message}`,
  });
  if (!isUuid(o.conversationId)) return fail('conversationId', 'required, a UUID');
  if (
    typeof o.eventTime !== 'string' ||
    !ISO_INSTANT.test(o.eventTime) ||
    Number.isNaN(Date.parse(o.eventTime))
  )
    return fail('eventTime', 'required, an ISO 8601 timestamp with an offset');
  // The seed: "Otherwise: throw exception" — refused at receipt rather than failing later in a job.
  if (o.direction !== 'inbound' && o.direction !== 'outbound')
    return fail('direction', 'required, "inbound" or "outbound"');
  if (typeof o.mediaType !== 'string') return fail('mediaType', 'required, a string');
  if (typeof o.ani !== 'string') return fail('ani', 'required, a string');
  if (o.subject !== undefined && o.subject !== null && typeof o.subject !== 'string')
    return fail('subject', 'must be a string or null');
  if (!isUuid(o.wrapupCode)) return fail('wrapupCode', 'required, a UUID');
  if (!isUuid(o.userId)) return fail('userId', 'required, a UUID');
  return {
    ok: true,
    value: {
      conversationId: o.conversationId.toLowerCase(),
      eventTime: o.eventTime,
      direction: o.direction,
      mediaType: o.mediaType,
      ani: o.ani,
      subject: o.subject ?? null,
      wrapupCode: o.wrapupCode.toLowerCase(),
      userId: o.userId.toLowerCase(),
    },
  };
}

/** The seed's channel table; "screen share" is written with a space in the seed, the API says `screenshare`. */
export function channelFor(mediaType: string): CommunicationRecordChannel {
  switch (mediaType) {
    case 'callback':
      return 'VOICE';
    case 'chat':
      return 'CHAT';
    case 'cobrowse':
      return 'OTHER';
    case 'email':
      return 'EMAIL';
    case 'message':
      return 'SMS';
    case 'screenshare':
    case 'screen share':
      return 'VIDEO';
    case 'unknown':
      return 'OTHER';
    case 'video':
      return 'VIDEO';
    case 'voice':
      return 'VOICE';
    default:
      return 'OTHER';
  }
}

export function directionFor(direction: string): 'INBOUND' | 'OUTBOUND' {
  if (direction === 'inbound') return 'INBOUND';
  if (direction === 'outbound') return 'OUTBOUND';
  throw new Error(`direction must be inbound or outbound, got "${direction}"`);
}

export const DEFAULT_TITLE = 'Call center communication';

/** One communication record (seed 002 §3), for one customer (or null). */
export function communicationRecord(
  r: SupportResult,
  enrichment: { customerId: string | null; agentName: string | null; wrapupName: string | null },
): CommunicationRecord {
  return {
    direction: directionFor(r.direction),
    communicatedAt: r.eventTime,
    source: 'Call center',
    channel: channelFor(r.mediaType),
    domain: 'OTHER',
    customerId: enrichment.customerId,
    customerHandle: r.ani,
    interactionId: r.conversationId,
    bankUserId: null,
    bankUserName: enrichment.agentName,
    purpose: enrichment.wrapupName,
    title: r.subject === null || r.subject === undefined || r.subject === '' ? DEFAULT_TITLE : r.subject,
    body: '',
  };
}
