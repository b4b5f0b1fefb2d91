/**
 * Conversation-end delivery bodies and their signatures (pure). Three kinds:
 *
 * - `genesys-webhook`: the seed's `conversation.ended` payload ("Webhook Payload"), signed as the seed
 *   verifies it: `x-genesys-webhook-signature` = base64 HMAC-SHA256(secret, `<timestamp>.<raw body>`),
 *   `x-genesys-webhook-timestamp` = unix seconds. (Genesys documents no outbound signing; this is the
 *   seed's contract, kept exactly.)
 * - `support-result`: the seed's `supportResult` body, as a workflow data action posts it after the
 *   agent's after-call work (one per agent wrap-up). Data actions sign nothing; credentials are Basic
 *   or custom headers.
 * - `standard-webhooks`: the seed payload wrapped as `{ type, timestamp, data }` and signed per the
 *   Standard Webhooks spec: `webhook-signature: v1,<base64 HMAC-SHA256(key, "<id>.<ts>.<body>")>` with
 *   the key = base64-decoded secret after its `whsec_` prefix.
 */
import { createHmac } from 'node:crypto';
import { customerOf, type Conversation, type Participant } from './model.ts';

const iso = (ms: number) => new Date(ms).toISOString();

/** The seed's `conversationType` per media type (the seed shows "phone" for voice). */
const CONVERSATION_TYPE: Record<Conversation['mediaType'], string> = {
  voice: 'phone',
  callback: 'callback',
  email: 'email',
  chat: 'chat',
  message: 'message',
};

export interface Names {
  user(id: string): string | undefined;
  queue(id: string): string | undefined;
}

export function conversationEndedPayload(c: Conversation, names: Names): Record<string, unknown> {
  const agents = c.participants.filter((p) => p.purpose === 'agent');
  const agent = agents[agents.length - 1];
  const offers = c.participants.filter((p) => p.purpose === 'acd');
  const queueId = agent?.queueId ?? offers[offers.length - 1]?.queueId;
  const end = c.endTime ?? c.lastEventAt;
  const attributes = { ...(customerOf(c)?.attributes ?? {}), ...(agent?.attributes ?? {}) };
  const recording = c.recordings[c.recordings.length - 1];
  return {
    conversationId: c.id,
    participantId: agent?.id ?? customerOf(c)?.id ?? null,
    conversationType: CONVERSATION_TYPE[c.mediaType],
    callerId: c.ani,
    calleeId: c.dnis,
    direction: c.direction.toUpperCase(),
    startTime: iso(c.startTime),
    endTime: iso(end),
    durationSeconds: Math.round((end - c.startTime) / 1000),
    recordingId: recording?.id ?? null,
    agentId: agent?.userId ?? null,
    agentName: agent?.userId ? (names.user(agent.userId) ?? agent.name) : null,
    queueId: queueId ?? null,
    queueName: queueId ? (names.queue(queueId) ?? null) : null,
    interactionId: c.id,
    attributes,
  };
}

/** The seed's supportResult body for one agent's wrap-up. */
export function supportResultPayload(c: Conversation, agent: Participant): Record<string, unknown> {
  return {
    conversationId: c.id,
    eventTime: iso(agent.wrapup?.endTime ?? c.lastEventAt),
    direction: c.direction,
    mediaType: c.mediaType,
    ani: c.ani,
    ...(c.subject !== undefined ? { subject: c.subject } : {}),
    wrapupCode: agent.wrapup?.code ?? null,
    userId: agent.userId ?? null,
  };
}

export function standardWebhooksEnvelope(
  data: Record<string, unknown>,
  timestampMs: number,
): Record<string, unknown> {
  return { type: 'conversation.ended', timestamp: iso(timestampMs), data };
}

export function signGenesysWebhook(secret: string, timestamp: string, rawBody: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('base64');
}

/** Standard Webhooks v1 signature; `secret` is `whsec_<base64 key>` (a bare base64 key is accepted). */
export function signStandardWebhook(secret: string, id: string, timestamp: string, rawBody: string): string {
  const key = Buffer.from(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret, 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${rawBody}`).digest('base64')}`;
}
