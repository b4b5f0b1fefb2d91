/** `/api/v2/users`, `/users/{id}`, `/users/me`, routing status and a user's queues and skills. */
import { authOf } from '../api-guard.ts';
import { param, query, objectBody, type Deps } from '../deps.ts';
import { badRequest, notFound } from '../errors.ts';
import { listParam, page, pageParams, strParam } from '../paging.ts';
import type { RoutingStatusName } from './presence-definitions.ts';
import type { UserRecord } from './store.ts';
import { queueView, routingStatusView, skillView, userView } from './views.ts';

const USER_STATES = ['active', 'inactive', 'deleted', 'any'];

export function registerUsers(d: Deps): void {
  const { app } = d;
  const user = (id: string): UserRecord => {
    const u = d.directory.users.get(id);
    if (u === undefined) throw notFound(`User ${id} not found`);
    return u;
  };

  app.get('/api/v2/users', async (req) => {
    const q = query(req);
    const p = pageParams(q, 25, 500);
    const ids = listParam(q, 'id');
    const state = strParam(q, 'state') ?? 'active';
    if (!USER_STATES.includes(state)) throw badRequest(`state must be one of ${USER_STATES.join(', ')}`);
    const sortOrder = (strParam(q, 'sortOrder') ?? 'ASC').toUpperCase();
    if (sortOrder !== 'ASC' && sortOrder !== 'DESC') throw badRequest('sortOrder must be ASC or DESC');
    let users = d.directory.usersSorted().filter((u) => state === 'any' || u.state === state);
    if (ids.length > 0) users = users.filter((u) => ids.includes(u.id));
    if (sortOrder === 'DESC') users.reverse();
    const expand = listParam(q, 'expand');
    const listing = page(users, p, '/api/v2/users');
    return { ...listing, entities: listing.entities.map((u) => userView(u, expand)) };
  });

  app.get('/api/v2/users/me', async (req) => {
    const t = authOf(req);
    if (t?.userId === undefined)
      throw badRequest(
        'This request requires a user context. Client credentials cannot be used for requests to this resource.',
      );
    return userView(user(t.userId), listParam(query(req), 'expand'));
  });

  app.get('/api/v2/users/:userId', async (req) =>
    userView(user(param(req, 'userId')), listParam(query(req), 'expand')),
  );

  app.get('/api/v2/users/:userId/routingstatus', async (req) =>
    routingStatusView(user(param(req, 'userId'))),
  );

  app.put('/api/v2/users/:userId/routingstatus', async (req) => {
    const u = user(param(req, 'userId'));
    const status = objectBody(req).status;
    // Only these two can be set by a client; the others are set by the routing engine.
    if (status !== 'IDLE' && status !== 'OFF_QUEUE') throw badRequest('status must be IDLE or OFF_QUEUE');
    d.directory.setRoutingStatus(u.id, status satisfies RoutingStatusName, d.now());
    return routingStatusView(u);
  });

  app.get('/api/v2/users/:userId/queues', async (req) => {
    const u = user(param(req, 'userId'));
    const q = query(req);
    const joinedParam = strParam(q, 'joined');
    const queues = [...d.directory.queues.values()]
      .filter((x) => x.memberIds.includes(u.id))
      .filter((x) => joinedParam === undefined || String(x.joined.has(u.id)) === joinedParam)
      .map((x) => ({ ...queueView(x), joined: x.joined.has(u.id) }));
    return page(queues, pageParams(q, 25, 500), `/api/v2/users/${u.id}/queues`);
  });

  app.get('/api/v2/users/:userId/routingskills', async (req) => {
    const u = user(param(req, 'userId'));
    const skills = u.skillIds.map((id) => d.directory.skills.get(id)).filter((s) => s !== undefined);
    const listing = page(skills, pageParams(query(req), 25, 500), `/api/v2/users/${u.id}/routingskills`);
    return {
      ...listing,
      entities: listing.entities.map((s) => ({
        ...skillView(s),
        proficiency: 3,
        skillUri: `/api/v2/routing/skills/${s.id}`,
      })),
    };
  });
}
