/**
 * Internal model → the vendor's JSON (`Conversation`, `CallConversation`, media participants),
 * following the models of the official SDK (`purecloud-platform-client-v2` index.d.ts).
 */
import { createHash } from 'node:crypto';
import { sumSegments, type Conversation, type MediaType, type Participant } from './model.ts';

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

/** Drops undefined members so `exactOptionalPropertyTypes`-style JSON stays clean on the wire. */
function clean<T extends Record<string, unknown>>(o: T): T {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}

/** A stable media session id per participant (Genesys gives each media leg its own UUID). */
export function sessionIdOf(participantId: string): string {
  const h = createHash('sha1').update(`session:${participantId}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The participant member holding its media list, per media type. */
export const MEDIA_MEMBER: Record<MediaType, 'calls' | 'emails' | 'callbacks' | 'chats' | 'messages'> = {
  voice: 'calls',
  email: 'emails',
  callback: 'callbacks',
  chat: 'chats',
  message: 'messages',
};

function mediaOf(c: Conversation, p: Participant): Record<string, unknown> {
  const recording = c.recordings.find((r) => r.participantId === p.id);
  return clean({
    state: p.state,
    id: sessionIdOf(p.id),
    direction: c.direction,
    held: p.held,
    recording: recording !== undefined && p.state !== 'disconnected',
    recordingState: recording ? (p.state === 'disconnected' ? 'none' : 'active') : 'none',
    recordingId: recording?.id,
    segments: p.segments.map((s) => clean({ startTime: iso(s.start), endTime: iso(s.end), type: s.type })),
    disconnectType: p.disconnectType,
    connectedTime: iso(p.connectedTime),
    disconnectedTime: iso(p.endTime),
    subject: c.mediaType === 'email' ? c.subject : undefined,
    self: { addressNormalized: p.address, addressRaw: p.address },
    other:
      p.purpose === 'customer'
        ? { addressNormalized: c.dnis, addressRaw: c.dnis }
        : { addressNormalized: c.ani, addressRaw: c.ani },
    afterCallWorkRequired: p.purpose === 'agent' ? p.wrapupRequired : undefined,
    wrapup: p.wrapup ? renderWrapup(p) : undefined,
  });
}

function renderWrapup(p: Participant): Record<string, unknown> | undefined {
  if (!p.wrapup) return undefined;
  return clean({
    code: p.wrapup.code,
    name: p.wrapup.name,
    notes: p.wrapup.notes,
    durationSeconds: p.wrapup.durationSeconds,
    endTime: iso(p.wrapup.endTime),
    provisional: false,
  });
}

export function renderParticipant(
  c: Conversation,
  p: Participant,
  queueName: (id: string) => string | undefined,
): Record<string, unknown> {
  const acwStart = p.purpose === 'agent' && p.state === 'disconnected' ? p.endTime : undefined;
  return clean({
    id: p.id,
    startTime: iso(p.startTime),
    endTime: iso(p.endTime),
    connectedTime: iso(p.connectedTime),
    name: p.name,
    userUri: p.userId ? `/api/v2/users/${p.userId}` : undefined,
    userId: p.userId,
    queueId: p.queueId,
    queueName: p.queueId ? queueName(p.queueId) : undefined,
    purpose: p.purpose,
    participantType: p.purpose === 'customer' ? 'External' : 'Internal',
    address: p.address,
    ani: c.ani,
    dnis: c.dnis,
    wrapupRequired: p.wrapupRequired,
    wrapupPrompt: p.purpose === 'agent' ? 'mandatory' : undefined,
    wrapup: renderWrapup(p),
    attributes: { ...p.attributes },
    [MEDIA_MEMBER[c.mediaType]]: [mediaOf(c, p)],
    startAcwTime: iso(acwStart),
    endAcwTime: iso(p.wrapup?.endTime),
  });
}

export function renderConversation(
  c: Conversation,
  queueName: (id: string) => string | undefined,
): Record<string, unknown> {
  const recordingActive = c.recordings.some((r) => r.endTime === undefined);
  return clean({
    id: c.id,
    startTime: iso(c.startTime),
    endTime: iso(c.endTime),
    address: c.dnis,
    participants: c.participants.map((p) => renderParticipant(c, p, queueName)),
    maxParticipants: 10,
    recordingState: recordingActive ? 'active' : 'none',
    state: c.endTime === undefined ? 'connected' : 'disconnected',
    divisions: [
      {
        division: { id: c.divisionId, selfUri: `/api/v2/authorization/divisions/${c.divisionId}` },
        entities: [],
      },
    ],
    selfUri: `/api/v2/conversations/${c.id}`,
  });
}

/** `CallConversation`-style view (`/api/v2/conversations/calls/{id}` and siblings): participants flattened with their media. */
export function renderMediaConversation(
  c: Conversation,
  queueName: (id: string) => string | undefined,
): Record<string, unknown> {
  const member = MEDIA_MEMBER[c.mediaType];
  return clean({
    id: c.id,
    participants: c.participants.map((p) => {
      const base = renderParticipant(c, p, queueName);
      const media = (base[member] as Record<string, unknown>[])[0] ?? {};
      return clean({
        id: p.id,
        name: p.name,
        address: p.address,
        startTime: base.startTime,
        connectedTime: base.connectedTime,
        endTime: base.endTime,
        purpose: p.purpose,
        state: p.state,
        direction: c.direction,
        disconnectType: p.disconnectType,
        held: p.held,
        wrapupRequired: p.wrapupRequired,
        user: p.userId ? { id: p.userId, selfUri: `/api/v2/users/${p.userId}` } : undefined,
        queue: p.queueId ? { id: p.queueId, selfUri: `/api/v2/routing/queues/${p.queueId}` } : undefined,
        conversationRoutingData:
          p.routing && p.queueId
            ? clean({
                queue: { id: p.queueId, selfUri: `/api/v2/routing/queues/${p.queueId}` },
                priority: p.routing.priority,
                language: p.routing.languageId
                  ? { id: p.routing.languageId, selfUri: `/api/v2/routing/languages/${p.routing.languageId}` }
                  : undefined,
                skills: p.routing.skillIds.map((id) => ({ id, selfUri: `/api/v2/routing/skills/${id}` })),
              })
            : undefined,
        attributes: { ...p.attributes },
        wrapup: base.wrapup,
        ani: c.ani,
        dnis: c.dnis,
        recording: media.recording,
        recordingState: media.recordingState,
        subject: media.subject,
        startAcwTime: base.startAcwTime,
        endAcwTime: base.endAcwTime,
      });
    }),
    recordingState: c.recordings.some((r) => r.endTime === undefined) ? 'active' : 'none',
    maxParticipants: 10,
    divisions: [
      {
        division: { id: c.divisionId, selfUri: `/api/v2/authorization/divisions/${c.divisionId}` },
        entities: [],
      },
    ],
    selfUri: `/api/v2/conversations/${MEDIA_MEMBER[c.mediaType]}/${c.id}`,
  });
}

/** Talk and hold totals of an agent participant, used by event bodies. */
export function agentDurations(p: Participant): { talkMs: number; heldMs: number } {
  return { talkMs: sumSegments(p, 'interact'), heldMs: sumSegments(p, 'hold') };
}
