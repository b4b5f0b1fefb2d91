/**
 * Presence feed logic (pure): how agents are spread over notification channels within the
 * platform's limits, and how notification envelopes and REST presences become agent states.
 */

export const LIMITS = { topicsPerChannel: 1000, channelsPerClient: 20 } as const;

/** Topics per agent: presence and routing status. */
export const topicsFor = (userId: string): string[] => [
  `v2.users.${userId}.presence`,
  `v2.users.${userId}.routingStatus`,
];

/**
 * Splits agents into channels of at most `topicsPerChannel` topics, at most `maxChannels` channels
 * (kept one below the platform's 20 so a reconnect that needs a fresh channel never evicts a live one).
 * Agents beyond that are `uncovered` (polled instead).
 */
export function planChannels(
  userIds: readonly string[],
  maxChannels: number = LIMITS.channelsPerClient - 1,
  topicsPerChannel: number = LIMITS.topicsPerChannel,
): { channels: string[][]; uncovered: string[] } {
  const perChannel = Math.floor(topicsPerChannel / topicsFor('x').length);
  const channels: string[][] = [];
  for (let i = 0; i < userIds.length && channels.length < maxChannels; i += perChannel)
    channels.push(userIds.slice(i, i + perChannel));
  return { channels, uncovered: userIds.slice(channels.length * perChannel) };
}

/** `On Queue`, `ON_QUEUE`, `on queue` → `ON_QUEUE`. */
export const normaliseStatus = (s: string | undefined): string =>
  (s ?? 'OFFLINE')
    .trim()
    .toUpperCase()
    .replace(/[\s-]+/g, '_');

export type FeedEvent =
  | { kind: 'presence'; userId: string; status: string; since: number }
  | { kind: 'routingStatus'; userId: string; routingStatus: string; since: number }
  | { kind: 'heartbeat' }
  | { kind: 'closing' }
  | { kind: 'ignored'; topicName: string };

/** Parses one notification envelope; throws on malformed JSON (the caller logs and skips). */
export function parseEnvelope(raw: string, now: number): FeedEvent {
  const env = JSON.parse(raw) as { topicName?: string; eventBody?: Record<string, unknown> };
  const topic = env.topicName ?? '';
  const body = env.eventBody ?? {};
  if (topic === 'channel.metadata') return { kind: 'heartbeat' };
  if (topic === 'v2.system.socket_closing') return { kind: 'closing' };
  const m = /^v2\.users\.([^.]+)\.(presence|routingStatus)$/.exec(topic);
  if (!m) return { kind: 'ignored', topicName: topic };
  const userId = m[1] as string;
  if (m[2] === 'presence') {
    const def = body['presenceDefinition'] as { systemPresence?: string } | undefined;
    const modified = body['modifiedDate'];
    const at = typeof modified === 'string' ? Date.parse(modified) : NaN;
    return {
      kind: 'presence',
      userId,
      status: normaliseStatus(def?.systemPresence),
      since: Number.isNaN(at) ? now : at,
    };
  }
  const rs = (body['routingStatus'] ?? body) as { status?: string; startTime?: string };
  const at = Date.parse(String(rs.startTime ?? ''));
  return {
    kind: 'routingStatus',
    userId,
    routingStatus: normaliseStatus(rs.status),
    since: Number.isNaN(at) ? now : at,
  };
}

/** Reconnect delay: 0.5 s doubling to 30 s, ±20 % jitter (many hubs must not reconnect in step). */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(30_000, 500 * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (0.8 + 0.4 * random()));
}

export interface Agent {
  id: string;
  name: string;
  team: string;
  queues: string[];
  status: string;
  routingStatus: string;
  /** When the current status began (epoch ms). */
  since: number;
}

/** The board of agents; `apply` returns the agent when something visible changed. */
export class Board {
  readonly agents = new Map<string, Agent>();

  apply(e: FeedEvent): Agent | undefined {
    if (e.kind !== 'presence' && e.kind !== 'routingStatus') return undefined;
    const a = this.agents.get(e.userId);
    if (!a) return undefined;
    if (e.kind === 'presence') {
      if (a.status === e.status && e.since <= a.since) return undefined;
      if (a.status === e.status) return undefined;
      a.status = e.status;
      a.since = e.since;
    } else {
      if (a.routingStatus === e.routingStatus) return undefined;
      a.routingStatus = e.routingStatus;
    }
    return a;
  }
}
