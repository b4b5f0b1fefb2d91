/**
 * Metric observations from conversations (pure). Each observation is emitted at the time the
 * vendor emits that metric: nOffered at the offer, tAnswered/nConnected and the service-level
 * outcome at the answer, tAbandon at the abandon, tTalk/tHeld/nTransferred when the agent leaves,
 * tAcw/tHandle when after-call work ends. Aggregates bucket observations by this time.
 *
 * Definitions (documented in docs/sandbox/genesys-conversations.md):
 * - one offer = one acd participant (a transfer to a queue is a new offer);
 * - tHandle = talk + hold + after-call work of one agent leg; tHeld: one observation per hold;
 * - oServiceLevel: answered within the queue's service-level time / (answered + abandoned), target =
 *   the queue's percentage; nOverSla: answered or abandoned after the service-level time.
 */
import { sumSegments, type Conversation } from './model.ts';

export const METRICS = [
  'nOffered',
  'nConnected',
  'nTransferred',
  'nOverSla',
  'tAnswered',
  'tAbandon',
  'tHandle',
  'tTalk',
  'tTalkComplete',
  'tHeld',
  'tAcw',
  'tAcd',
  'oServiceLevel',
] as const;
export type Metric = (typeof METRICS)[number];

export const DIMENSIONS = [
  'queueId',
  'mediaType',
  'wrapUpCode',
  'userId',
  'direction',
  'conversationId',
  'ani',
  'dnis',
  'purpose',
] as const;
export type Dimension = (typeof DIMENSIONS)[number];

export interface Observation {
  metric: Metric;
  at: number;
  /** ms for t-metrics, 1 for n-metrics, 1/0 (within/outside) for oServiceLevel. */
  value: number;
  dims: Partial<Record<Dimension, string>>;
  participantId: string;
  /** oServiceLevel only: the queue's target ratio. */
  target?: number;
}

export interface ServiceLevel {
  percentage: number;
  durationMs: number;
}

/** The vendor's default queue service level: 80 % in 20 s. */
export const DEFAULT_SERVICE_LEVEL: ServiceLevel = { percentage: 0.8, durationMs: 20_000 };

export function observe(
  c: Conversation,
  serviceLevel: (queueId: string, mediaType: Conversation['mediaType']) => ServiceLevel,
): Observation[] {
  const out: Observation[] = [];
  const base = {
    mediaType: c.mediaType,
    direction: c.direction,
    conversationId: c.id,
    ani: c.ani,
    dnis: c.dnis,
  };
  for (const offer of c.participants) {
    if (offer.purpose !== 'acd' || offer.queueId === undefined) continue;
    const agent = c.participants.find((p) => p.purpose === 'agent' && p.answeredOfferId === offer.id);
    const dims = {
      ...base,
      queueId: offer.queueId,
      purpose: 'acd',
      ...(agent?.wrapup ? { wrapUpCode: agent.wrapup.code } : {}),
    };
    const emit = (metric: Metric, at: number, value: number, extra: Partial<Observation> = {}) =>
      out.push({ metric, at, value, dims, participantId: offer.id, ...extra });
    const sl = serviceLevel(offer.queueId, c.mediaType);
    emit('nOffered', offer.startTime, 1);
    if (agent?.connectedTime !== undefined) {
      const wait = agent.connectedTime - offer.startTime;
      emit('tAnswered', agent.connectedTime, wait);
      emit('tAcd', agent.connectedTime, wait);
      emit('nConnected', agent.connectedTime, 1);
      emit('oServiceLevel', agent.connectedTime, wait <= sl.durationMs ? 1 : 0, { target: sl.percentage });
      if (wait > sl.durationMs) emit('nOverSla', agent.connectedTime, 1);
    } else if (offer.endTime !== undefined && offer.disconnectType === 'peer') {
      const wait = offer.endTime - offer.startTime;
      emit('tAbandon', offer.endTime, wait);
      emit('tAcd', offer.endTime, wait);
      emit('oServiceLevel', offer.endTime, 0, { target: sl.percentage });
      if (wait > sl.durationMs) emit('nOverSla', offer.endTime, 1);
    }
  }
  for (const agent of c.participants) {
    // A leg that only rang (the caller left first) has no talk or handle time.
    if (agent.purpose !== 'agent' || agent.endTime === undefined || agent.connectedTime === undefined)
      continue;
    const dims = {
      ...base,
      purpose: 'agent',
      ...(agent.queueId !== undefined ? { queueId: agent.queueId } : {}),
      ...(agent.userId !== undefined ? { userId: agent.userId } : {}),
      ...(agent.wrapup ? { wrapUpCode: agent.wrapup.code } : {}),
    };
    const emit = (metric: Metric, at: number, value: number) =>
      out.push({ metric, at, value, dims, participantId: agent.id });
    const talk = sumSegments(agent, 'interact');
    const held = sumSegments(agent, 'hold');
    emit('tTalk', agent.endTime, talk);
    emit('tTalkComplete', agent.endTime, talk);
    for (const s of agent.segments)
      if (s.type === 'hold' && s.end !== undefined) emit('tHeld', agent.endTime, s.end - s.start);
    if (agent.disconnectType === 'transfer') emit('nTransferred', agent.endTime, 1);
    if (agent.wrapup) {
      const acw = agent.wrapup.endTime - agent.endTime;
      emit('tAcw', agent.wrapup.endTime, acw);
      emit('tHandle', agent.wrapup.endTime, talk + held + acw);
    }
  }
  return out;
}
