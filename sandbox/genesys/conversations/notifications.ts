/**
 * Notification topics and event bodies for conversation changes (pure: the caller publishes).
 * Detail events follow the SDK's CustomerEndEvent / UserEndEvent / AfterCallWorkEvent models:
 * enums upper case, times epoch ms, voice addresses as `tel:` URIs.
 */
import type { Conversation, Participant } from './model.ts';
import { renderConversation, sessionIdOf } from './render.ts';
import type { ConversationEvent } from './store.ts';

export interface Publication {
  topicName: string;
  eventBody: unknown;
}

const telOrRaw = (c: Conversation, address: string) =>
  c.mediaType === 'voice' || c.mediaType === 'callback'
    ? address.startsWith('tel:')
      ? address
      : `tel:${address}`
    : address;

function common(c: Conversation, p: Participant, eventTime: number): Record<string, unknown> {
  return {
    eventTime,
    conversationId: c.id,
    participantId: p.id,
    sessionId: sessionIdOf(p.id),
    mediaType: c.mediaType.toUpperCase(),
    provider: c.mediaType === 'voice' ? 'Edge' : 'PureCloud',
    direction: c.direction.toUpperCase(),
    ani: telOrRaw(c, c.ani),
    dnis: telOrRaw(c, c.dnis),
    addressTo: telOrRaw(c, c.dnis),
    addressFrom: telOrRaw(c, c.ani),
    ...(c.subject !== undefined ? { subject: c.subject } : {}),
    divisionId: c.divisionId,
  };
}

function interactingMs(p: Participant): number {
  return (p.endTime ?? p.startTime) - (p.connectedTime ?? p.startTime);
}

export function publicationsFor(
  e: ConversationEvent,
  queueName: (id: string) => string | undefined,
): Publication[] {
  const c = e.conversation;
  switch (e.type) {
    case 'changed': {
      const body = renderConversation(c, queueName);
      const users = new Set(
        c.participants.flatMap((p) => (p.purpose === 'agent' && p.userId ? [p.userId] : [])),
      );
      const queues = new Set(
        c.participants.flatMap((p) => (p.purpose === 'acd' && p.queueId ? [p.queueId] : [])),
      );
      return [
        ...[...users].map((id) => ({ topicName: `v2.users.${id}.conversations`, eventBody: body })),
        ...[...queues].map((id) => ({ topicName: `v2.routing.queues.${id}.conversations`, eventBody: body })),
      ];
    }
    case 'customer.end': {
      const p = e.participant;
      return [
        {
          topicName: `v2.detail.events.conversation.${c.id}.customer.end`,
          eventBody: {
            ...common(c, p, p.endTime ?? c.lastEventAt),
            disconnectType: (p.disconnectType ?? 'endpoint').toUpperCase(),
            interactingDurationMs: interactingMs(p),
          },
        },
      ];
    }
    case 'user.end': {
      const p = e.participant;
      const held = p.segments
        .filter((s) => s.type === 'hold' && s.end !== undefined)
        .reduce((n, s) => n + (s.end ?? s.start) - s.start, 0);
      return [
        {
          topicName: `v2.detail.events.conversation.${c.id}.user.end`,
          eventBody: {
            ...common(c, p, p.endTime ?? c.lastEventAt),
            disconnectType: (p.disconnectType ?? 'client').toUpperCase(),
            userId: p.userId,
            ...(p.queueId ? { queueId: p.queueId } : {}),
            interactingDurationMs: interactingMs(p) - held,
            heldDurationMs: held,
            alertingDurationMs: (p.connectedTime ?? p.startTime) - p.startTime,
            contactingDurationMs: 0,
          },
        },
      ];
    }
    case 'acw': {
      const p = e.participant;
      const end = p.wrapup?.endTime ?? c.lastEventAt;
      return [
        {
          topicName: `v2.detail.events.conversation.${c.id}.acw`,
          eventBody: {
            ...common(c, p, end),
            userId: p.userId,
            ...(p.queueId ? { queueId: p.queueId } : {}),
            wrapupCode: p.wrapup?.code,
            ...(p.wrapup?.notes !== undefined ? { wrapupNotes: p.wrapup.notes } : {}),
            wrapupDurationMs: end - (p.endTime ?? end),
          },
        },
      ];
    }
    case 'complete':
      return [];
    default: {
      const never: never = e;
      return never;
    }
  }
}
