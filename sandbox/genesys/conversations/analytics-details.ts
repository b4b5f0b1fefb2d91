/**
 * `POST /api/v2/analytics/conversations/details/query` (pure): conversations whose start lies in
 * the interval, filtered by `conversationFilters` / `segmentFilters` (dimension predicates), ordered by
 * conversationStart, paged (`paging: { pageSize ≤ 100, default 25; pageNumber ≥ 1 }`).
 */
import type { Dimension, Observation } from './analytics-facts.ts';
import {
  isRecord,
  matches,
  parseFilter,
  parseInterval,
  type Filter,
  type Parsed,
} from './analytics-query.ts';
import type { Conversation, Participant } from './model.ts';
import { sessionIdOf } from './render.ts';

export interface DetailsQuery {
  interval: { start: number; end: number };
  conversationFilters: Filter[];
  segmentFilters: Filter[];
  order: 'asc' | 'desc';
  pageSize: number;
  pageNumber: number;
}

export function parseDetailsQuery(body: unknown): Parsed<DetailsQuery> {
  if (!isRecord(body)) return { ok: false, message: 'the query must be a JSON object' };
  const interval = parseInterval(body.interval);
  if (!interval.ok) return interval;
  const lists: Record<'conversationFilters' | 'segmentFilters', Filter[]> = {
    conversationFilters: [],
    segmentFilters: [],
  };
  for (const key of ['conversationFilters', 'segmentFilters'] as const) {
    const v = body[key];
    if (v === undefined) continue;
    if (!Array.isArray(v)) return { ok: false, message: `${key} must be a list` };
    for (const [i, f] of v.entries()) {
      const r = parseFilter(f, `${key}[${i}]`);
      if (!r.ok) return r;
      if (r.value) lists[key].push(r.value);
    }
  }
  const order = body.order ?? 'asc';
  if (order !== 'asc' && order !== 'desc') return { ok: false, message: 'order must be asc or desc' };
  if (body.orderBy !== undefined && body.orderBy !== 'conversationStart')
    return { ok: false, message: 'orderBy supports conversationStart only' };
  let pageSize = 25;
  let pageNumber = 1;
  if (body.paging !== undefined) {
    const p = body.paging;
    if (!isRecord(p)) return { ok: false, message: 'paging must be { pageSize, pageNumber }' };
    if (p.pageSize !== undefined) {
      if (
        typeof p.pageSize !== 'number' ||
        !Number.isInteger(p.pageSize) ||
        p.pageSize < 1 ||
        p.pageSize > 100
      )
        return { ok: false, message: 'paging.pageSize must be an integer from 1 to 100' };
      pageSize = p.pageSize;
    }
    if (p.pageNumber !== undefined) {
      if (typeof p.pageNumber !== 'number' || !Number.isInteger(p.pageNumber) || p.pageNumber < 1)
        return { ok: false, message: 'paging.pageNumber must be an integer ≥ 1' };
      pageNumber = p.pageNumber;
    }
  }
  return { ok: true, value: { interval: interval.value, ...lists, order, pageSize, pageNumber } };
}

function conversationDims(c: Conversation): Partial<Record<Dimension, string>> {
  return { conversationId: c.id, mediaType: c.mediaType, direction: c.direction, ani: c.ani, dnis: c.dnis };
}

function participantDims(c: Conversation, p: Participant): Partial<Record<Dimension, string>> {
  return {
    ...conversationDims(c),
    purpose: p.purpose,
    ...(p.queueId !== undefined ? { queueId: p.queueId } : {}),
    ...(p.userId !== undefined ? { userId: p.userId } : {}),
    ...(p.wrapup ? { wrapUpCode: p.wrapup.code } : {}),
  };
}

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

export function details(
  q: DetailsQuery,
  conversations: Conversation[],
  observations: Map<string, Observation[]>,
): { conversations?: unknown[]; totalHits: number } {
  const hits = conversations
    .filter((c) => c.startTime >= q.interval.start && c.startTime < q.interval.end)
    .filter((c) => q.conversationFilters.every((f) => matches(f, conversationDims(c))))
    .filter((c) =>
      q.segmentFilters.every((f) => c.participants.some((p) => matches(f, participantDims(c, p)))),
    )
    .sort(
      (a, b) =>
        (q.order === 'asc' ? a.startTime - b.startTime : b.startTime - a.startTime) || (a.id < b.id ? -1 : 1),
    );
  const page = hits.slice((q.pageNumber - 1) * q.pageSize, q.pageNumber * q.pageSize);
  if (page.length === 0) return { totalHits: hits.length };
  return {
    conversations: page.map((c) => renderDetail(c, observations.get(c.id) ?? [])),
    totalHits: hits.length,
  };
}

function renderDetail(c: Conversation, obs: Observation[]): Record<string, unknown> {
  return {
    conversationId: c.id,
    conversationStart: iso(c.startTime),
    ...(c.endTime !== undefined ? { conversationEnd: iso(c.endTime) } : {}),
    originatingDirection: c.direction,
    divisionIds: [c.divisionId],
    participants: c.participants.map((p) => ({
      participantId: p.id,
      participantName: p.name,
      purpose: p.purpose,
      ...(p.userId !== undefined ? { userId: p.userId } : {}),
      sessions: [
        {
          sessionId: sessionIdOf(p.id),
          mediaType: c.mediaType,
          direction: c.direction,
          ani: c.ani,
          dnis: c.dnis,
          addressFrom: c.ani,
          addressTo: c.dnis,
          ...(c.recordings.some((r) => r.participantId === p.id) ? { recording: true } : {}),
          metrics: obs
            .filter((o) => o.participantId === p.id)
            .map((o) => ({ name: o.metric, value: o.value, emitDate: iso(o.at) })),
          segments: p.segments.map((s) => ({
            segmentStart: iso(s.start),
            ...(s.end !== undefined ? { segmentEnd: iso(s.end) } : {}),
            segmentType: s.type,
            ...(p.queueId !== undefined ? { queueId: p.queueId } : {}),
            ...(s.type === 'wrapup' && p.wrapup
              ? {
                  wrapUpCode: p.wrapup.code,
                  ...(p.wrapup.notes !== undefined ? { wrapUpNote: p.wrapup.notes } : {}),
                }
              : {}),
            ...(s.end !== undefined && s === p.segments[p.segments.length - 1] && p.disconnectType
              ? { disconnectType: p.disconnectType }
              : {}),
          })),
        },
      ],
    })),
  };
}
