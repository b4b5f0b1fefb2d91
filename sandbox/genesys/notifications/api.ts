/** `/api/v2/notifications/channels` and their subscriptions (add, replace, delete, list). */
import type { FastifyRequest } from 'fastify';
import { authOf } from '../api-guard.ts';
import { iso, param, query, type Deps } from '../deps.ts';
import { badRequest, notFound } from '../errors.ts';
import { strParam } from '../paging.ts';
import type { Channel } from './hub.ts';
import { checkTopics, MAX_TOPICS_PER_CHANNEL, parseTopicList } from './topics.ts';

/** Channels are limited per user/app combination: the OAuth client plus the user (if any). */
export function ownerKey(req: FastifyRequest): string {
  const t = authOf(req);
  return `${t?.clientId ?? ''}|${t?.userId ?? ''}`;
}

const topicView = (id: string) => ({
  id,
  state: 'Permitted',
  selfUri: `/api/v2/notifications/availabletopics#${id}`,
});

export function registerNotifications(d: Deps): void {
  const { app, hub } = d;
  const channelView = (c: Channel) => ({
    connectUri: hub.connectUri(c),
    id: c.id,
    expires: iso(c.expiresAt),
  });
  const mine = (req: FastifyRequest): Channel => {
    const c = hub.get(param(req, 'channelId'));
    if (c === undefined || c.ownerKey !== ownerKey(req))
      throw notFound(`Channel ${param(req, 'channelId')} not found`);
    return c;
  };

  app.post('/api/v2/notifications/channels', async (req) =>
    channelView(hub.create(ownerKey(req), authOf(req)?.token ?? '')),
  );

  app.get('/api/v2/notifications/channels', async (req) => {
    const include = strParam(query(req), 'includechannels') ?? 'token';
    if (include !== 'token' && include !== 'oauthclient')
      throw badRequest('includechannels must be token or oauthclient');
    const owner = ownerKey(req);
    const token = authOf(req)?.token;
    return {
      entities: hub
        .list((c) => c.ownerKey === owner && (include === 'oauthclient' || c.token === token))
        .map(channelView),
    };
  });

  app.head('/api/v2/notifications/channels/:channelId', async (req, reply) => {
    mine(req);
    return reply.code(200).send();
  });

  app.get('/api/v2/notifications/channels/:channelId/subscriptions', async (req) => ({
    entities: [...mine(req).topics].map(topicView),
  }));

  const subscribe = (req: FastifyRequest, replace: boolean) => {
    const c = mine(req);
    const parsed = parseTopicList(req.body);
    if (!parsed.ok) throw badRequest(parsed.message);
    const { accepted, rejected } = checkTopics(parsed.topics);
    const ignoreErrors = strParam(query(req), 'ignoreErrors') === 'true';
    if (rejected.length > 0 && !ignoreErrors) throw badRequest(rejected.map((r) => r.reason).join('; '));
    const next = replace ? new Set(accepted) : new Set([...c.topics, ...accepted]);
    if (next.size > MAX_TOPICS_PER_CHANNEL)
      throw badRequest(
        `A channel may subscribe to at most ${MAX_TOPICS_PER_CHANNEL} topics (requested ${next.size})`,
      );
    hub.setTopics(c, [...next]);
    return {
      entities: [
        ...[...next].map(topicView),
        ...rejected.map((r) => ({ id: r.id, state: 'Rejected', rejectionReason: r.reason })),
      ],
    };
  };
  app.put('/api/v2/notifications/channels/:channelId/subscriptions', async (req) => subscribe(req, true));
  app.post('/api/v2/notifications/channels/:channelId/subscriptions', async (req) => subscribe(req, false));

  app.delete('/api/v2/notifications/channels/:channelId/subscriptions', async (req, reply) => {
    hub.setTopics(mine(req), []);
    return reply.code(204).send();
  });

  app.get('/api/v2/notifications/availabletopics', async () => ({
    entities: [
      'v2.users.{id}.presence',
      'v2.users.{id}.routingStatus',
      'v2.users.{id}.conversations',
      'v2.detail.events.conversation.{id}.customer.end',
      'v2.detail.events.conversation.{id}.user.end',
      'v2.detail.events.conversation.{id}.acw',
      'v2.routing.queues.{id}.conversations',
    ].map((id) => ({ id, description: id, requiresPermissions: [], schema: {} })),
  }));
}
