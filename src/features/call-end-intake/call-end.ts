/**
 * The conversation-end event as seed 000 sends it ("Webhook Payload"), validated at receipt.
 * Standard Webhooks deliveries wrap it as `{ type, timestamp, data }`; notifications are turned
 * into the same shape. Only `conversationId` is required: everything else may be missing from a
 * real sender and is filled in (or left out of the Task) later.
 */
export interface CallEndEvent {
  conversationId: string;
  participantId?: string;
  conversationType?: string;
  callerId?: string;
  calleeId?: string;
  direction?: string;
  startTime?: string;
  endTime?: string;
  durationSeconds?: number;
  recordingId?: string;
  agentId?: string;
  agentName?: string;
  queueId?: string;
  queueName?: string;
  interactionId?: string;
  attributes?: Record<string, string>;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; field: string; message: string };

const STRING_FIELDS = [
  'participantId',
  'conversationType',
  'callerId',
  'calleeId',
  'direction',
  'startTime',
  'endTime',
  'recordingId',
  'agentId',
  'agentName',
  'queueId',
  'queueName',
  'interactionId',
] as const;

export function parseCallEnd(input: unknown): ParseResult<CallEndEvent> {
  if (!input || typeof input !== 'object' || Array.isArray(input))
    return { ok: false, field: '(body)', message: 'must be a JSON object' };
  let o = input as Record<string, unknown>;
  // Standard Webhooks envelope: { type: "conversation.ended", timestamp, data: { …seed payload… } }
  if (typeof o.type === 'string' && o.data && typeof o.data === 'object' && !Array.isArray(o.data)) {
    if (o.type !== 'conversation.ended')
      return { ok: false, field: 'type', message: 'must be conversation.ended' };
    o = o.data as Record<string, unknown>;
  }
  const id = o.conversationId;
  if (typeof id !== 'string' || id.trim() === '' || id.length > 255)
    return {
      ok: false,
      field: 'conversationId',
      message: 'required: a non-empty string of at most 255 characters',
    };
  const out: CallEndEvent = { conversationId: id };
  for (const f of STRING_FIELDS) {
    const v = o[f];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'string') return { ok: false, field: f, message: 'must be a string' };
    out[f] = v;
  }
  for (const f of ['startTime', 'endTime'] as const) {
    const v = out[f];
    if (v !== undefined && Number.isNaN(Date.parse(v)))
      return { ok: false, field: f, message: 'must be an ISO 8601 timestamp' };
  }
  if (o.durationSeconds !== undefined && o.durationSeconds !== null) {
    if (typeof o.durationSeconds !== 'number' || !Number.isFinite(o.durationSeconds) || o.durationSeconds < 0)
      return { ok: false, field: 'durationSeconds', message: 'must be a non-negative number' };
    out.durationSeconds = Math.round(o.durationSeconds);
  }
  if (o.attributes !== undefined && o.attributes !== null) {
    if (typeof o.attributes !== 'object' || Array.isArray(o.attributes))
      return { ok: false, field: 'attributes', message: 'must be an object of strings' };
    const attrs: Record<string, string> = {};
    for (const [k, v] of Object.entries(o.attributes)) {
      if (typeof v === 'string') attrs[k] = v;
      else if (typeof v === 'number' || typeof v === 'boolean') attrs[k] = String(v);
    }
    out.attributes = attrs;
  }
  return { ok: true, value: out };
}
