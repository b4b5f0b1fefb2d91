/**
 * The conversation-end source that needs no public endpoint: a Genesys notification channel
 * subscribed to `v2.routing.queues.{id}.conversations` for the configured queues (there is no
 * wildcard over conversations), which names each new conversation; the channel then subscribes
 * to that conversation's end topics (`v2.detail.events.conversation.{id}.customer.end`, `.acw`).
 * When the conversation has ended and every agent wrapped up, the conversation is read once and
 * fed to the same durable intake as the webhooks (deduplicated on the conversation ID, so a
 * webhook and a notification for one call produce one Task). Run by one replica
 * (`runWhileLeader`); a missed end is re-derived from the next queue-topic message.
 */
import WebSocket from 'ws';
import type { GenesysConnector } from '../../connectors/genesys/client.ts';
import type { Clock } from '../../platform/jobs/index.ts';
import type { Logger } from '../../platform/log/logger.ts';
import type { Store } from '../../platform/store/index.ts';
import type { CallEndEvent } from './call-end.ts';
import { acceptCallEnd } from './index.ts';

interface ConvParticipant {
  purpose?: string;
  userId?: string;
  queueId?: string;
  queueName?: string;
  name?: string;
  address?: string;
  ani?: string;
  dnis?: string;
  startTime?: string;
  endTime?: string;
  wrapupRequired?: boolean;
  wrapup?: { code?: string };
  attributes?: Record<string, string>;
  calls?: Array<{ recordingId?: string; direction?: string }>;
}

interface ConvLike {
  id?: string;
  startTime?: string;
  endTime?: string;
  participants?: ConvParticipant[];
}

const MAX_TOPICS = 1000;

/** A finished conversation (ended, every agent wrapped up) as the seed's payload; undefined otherwise. */
export function callEndFromConversation(c: ConvLike): CallEndEvent | undefined {
  if (!c.id || !c.endTime) return undefined;
  const parts = c.participants ?? [];
  const agents = parts.filter((p) => p.purpose === 'agent');
  if (agents.some((p) => p.wrapupRequired !== false && !p.wrapup?.code)) return undefined;
  const customer = parts.find((p) => p.purpose === 'customer');
  const agent = agents[agents.length - 1];
  const acd = parts.filter((p) => p.purpose === 'acd').pop();
  const start = Date.parse(c.startTime ?? c.endTime);
  const end = Date.parse(c.endTime);
  const direction = agent?.calls?.[0]?.direction ?? 'inbound';
  const attributes = { ...(customer?.attributes ?? {}), ...(agent?.attributes ?? {}) };
  const ev: CallEndEvent = {
    conversationId: c.id,
    conversationType: 'phone',
    direction: direction.toUpperCase(),
    startTime: new Date(start).toISOString(),
    endTime: new Date(end).toISOString(),
    durationSeconds: Math.max(0, Math.round((end - start) / 1000)),
    interactionId: c.id,
    attributes,
  };
  const ani = customer?.ani ?? customer?.address;
  if (ani) ev.callerId = ani.replace(/^tel:/i, '');
  if (customer?.dnis) ev.calleeId = customer.dnis.replace(/^tel:/i, '');
  if (agent?.userId) ev.agentId = agent.userId;
  if (agent?.name) ev.agentName = agent.name;
  const queueId = agent?.queueId ?? acd?.queueId;
  if (queueId) ev.queueId = queueId;
  const queueName = agent?.queueName ?? acd?.queueName;
  if (queueName) ev.queueName = queueName;
  return ev;
}

export async function followQueueConversations(deps: {
  store: Store;
  clock: Clock;
  log: Logger;
  genesys: GenesysConnector;
  queueIds: readonly string[];
}): Promise<() => Promise<void>> {
  const { genesys, log } = deps;
  const channel = await genesys.createNotificationChannel();
  if (!channel.id || !channel.connectUri) throw new Error('notification channel without id or connectUri');
  const channelId = channel.id;
  const queueTopics = deps.queueIds.map((q) => `v2.routing.queues.${q}.conversations`);
  const following = new Set<string>();
  const done = new Set<string>();
  const topics = () =>
    [
      ...queueTopics,
      ...[...following].flatMap((id) => [
        `v2.detail.events.conversation.${id}.customer.end`,
        `v2.detail.events.conversation.${id}.acw`,
      ]),
    ].slice(0, MAX_TOPICS);
  await genesys.subscribe(channelId, topics(), { replace: true });
  let resubscribe: Promise<unknown> = Promise.resolve();
  const refresh = () => {
    resubscribe = resubscribe
      .then(() => genesys.subscribe(channelId, topics(), { replace: true }))
      .catch((err: unknown) => log.warn({ err }, 'notification resubscribe failed'));
  };

  const finish = async (conv: ConvLike) => {
    const ev = callEndFromConversation(conv);
    if (!ev || done.has(ev.conversationId)) return;
    done.add(ev.conversationId);
    if (done.size > 10_000) done.delete(done.values().next().value as string);
    await acceptCallEnd(deps, ev, undefined, JSON.stringify(ev));
    if (following.delete(ev.conversationId)) refresh();
  };

  const ws = new WebSocket(channel.connectUri);
  ws.on('message', (data) => {
    void (async () => {
      const msg = JSON.parse(Buffer.isBuffer(data) ? data.toString('utf8') : '{}') as {
        topicName?: string;
        eventBody?: ConvLike & { conversationId?: string };
      };
      const topic = msg.topicName ?? '';
      const body = msg.eventBody ?? {};
      if (topic.startsWith('v2.routing.queues.')) {
        if (body.id && !following.has(body.id) && !done.has(body.id)) {
          following.add(body.id);
          refresh();
        }
        await finish(body);
      } else if (topic.startsWith('v2.detail.events.conversation.') && body.conversationId) {
        // customer.end / acw: read the conversation once and accept it if it is finished.
        const conv = (await genesys.getConversation(body.conversationId)) as unknown as ConvLike;
        await finish(conv);
      }
    })().catch((err: unknown) => log.warn({ err }, 'conversation-end notification not processed'));
  });
  ws.on('error', (err) => log.warn({ err: err.message }, 'notification socket error'));
  return async () => {
    ws.close();
    await resubscribe;
  };
}
