/**
 * The emulator's internal conversation model. Glossary:
 *
 * - **conversation**: one customer interaction (a call, e-mail, callback, chat or message), id = the
 *   "interaction id" of the seeds.
 * - **participant**: one party in it, with a `purpose`: `customer` (the caller), `ivr` (the Architect
 *   flow), `acd` (a queue the conversation waits in; one per offer, so a transfer to a queue adds one),
 *   `agent` (a user the call was offered to: `alerting` while it rings, `connected` once answered;
 *   one per answer).
 * - **segment**: a span of a participant's time (`interact`, `hold`, `wrapup`, `ivr`); analytics are
 *   computed from segments, so every duration the emulator reports is exact to the millisecond.
 * - **event time** (`at`): every change carries the time it happened (epoch ms). Controls take it from
 *   the caller so the simulator can run on accelerated or fake time and still get exact analytics.
 */

export const MEDIA_TYPES = ['voice', 'email', 'callback', 'chat', 'message'] as const;
export type MediaType = (typeof MEDIA_TYPES)[number];

export type Purpose = 'customer' | 'ivr' | 'acd' | 'agent';
export type ParticipantStateName = 'alerting' | 'connected' | 'disconnected';
export type SegmentType = 'interact' | 'hold' | 'wrapup' | 'ivr';
/** Genesys disconnectType values used here (the API spells them lower case on participants). */
export type DisconnectType = 'endpoint' | 'client' | 'peer' | 'transfer' | 'system';

export interface Segment {
  type: SegmentType;
  start: number;
  end?: number;
}

export interface Wrapup {
  code: string;
  name: string;
  notes?: string;
  endTime: number;
  durationSeconds: number;
}

export interface Participant {
  id: string;
  purpose: Purpose;
  name: string;
  /** Phone number (voice, callback, message) or e-mail address (email) for the customer; the queue/user for others. */
  address: string;
  userId?: string;
  queueId?: string;
  /** For an agent: the acd participant (queue offer) it answered. */
  answeredOfferId?: string;
  startTime: number;
  connectedTime?: number;
  endTime?: number;
  state: ParticipantStateName;
  held: boolean;
  disconnectType?: DisconnectType;
  segments: Segment[];
  attributes: Record<string, string>;
  /** For an acd participant created by `POST /api/v2/conversations/emails`: the requested routing. */
  routing?: { skillIds: string[]; priority: number; languageId?: string };
  /** Agents must wrap up after disconnecting; `wrapup` is set when they did. */
  wrapupRequired: boolean;
  wrapup?: Wrapup;
}

export interface RecordingState {
  id: string;
  conversationId: string;
  /** The agent participant whose leg was recorded. */
  participantId: string;
  startTime: number;
  endTime?: number;
  deleteDate?: number;
  archiveDate?: number;
}

export type FlowPath = 'success' | 'failure' | 'timeout';

export interface Conversation {
  id: string;
  mediaType: MediaType;
  direction: 'inbound' | 'outbound';
  startTime: number;
  endTime?: number;
  /** Customer address: ANI for voice/callback/message, sender address for e-mail. */
  ani: string;
  dnis: string;
  subject?: string;
  /** `provider` of a conversation created through the API (`POST /api/v2/conversations/emails`). */
  provider?: string;
  divisionId: string;
  participants: Participant[];
  recordings: RecordingState[];
  /** Latest event time seen; later events may not go back in time. */
  lastEventAt: number;
  flow?: { path: FlowPath; status?: number; error?: string };
}

export function customerOf(c: Conversation): Participant | undefined {
  return c.participants.find((p) => p.purpose === 'customer');
}

/** The queue offer still waiting (acd participant not yet ended), if any. */
export function waitingOffer(c: Conversation): Participant | undefined {
  return c.participants.find((p) => p.purpose === 'acd' && p.endTime === undefined);
}

/** The agent currently connected, if any. */
export function activeAgent(c: Conversation): Participant | undefined {
  return c.participants.find((p) => p.purpose === 'agent' && p.state === 'connected');
}

/** The agent leg ringing (offered, not yet answered), if any. */
export function alertingAgent(c: Conversation): Participant | undefined {
  return c.participants.find((p) => p.purpose === 'agent' && p.state === 'alerting');
}

/** Ended: every participant disconnected. Complete: ended and every agent wrapped up. */
export function isEnded(c: Conversation): boolean {
  return c.endTime !== undefined;
}

export function isComplete(c: Conversation): boolean {
  return (
    isEnded(c) &&
    c.participants.every((p) => p.purpose !== 'agent' || !p.wrapupRequired || p.wrapup !== undefined)
  );
}

export function closeOpenSegment(p: Participant, at: number): void {
  const last = p.segments[p.segments.length - 1];
  if (last && last.end === undefined) last.end = at;
}

export function sumSegments(p: Participant, type: SegmentType): number {
  let total = 0;
  for (const s of p.segments) if (s.type === type && s.end !== undefined) total += s.end - s.start;
  return total;
}
