/** `/api/v2/routing`: queues and their members, wrap-up codes, skills. */
import { randomUUID } from 'node:crypto';
import { param, query, objectBody, type Deps } from '../deps.ts';
import { badRequest, GenesysHttpError, notFound } from '../errors.ts';
import { listParam, page, pageParams, strParam } from '../paging.ts';
import type { QueueRecord } from './store.ts';
import { queueView, routingStatusView, skillView, userView, wrapupView } from './views.ts';

/** `name` filters accept the platform's trailing `*` wildcard; otherwise a case-insensitive prefix. */
function nameFilter(name: string | undefined): (n: string) => boolean {
  if (name === undefined) return () => true;
  const needle = name.replace(/\*+$/, '').toLowerCase();
  return (n) => n.toLowerCase().startsWith(needle);
}

/** Body `[{ id }]` of member changes (max 100 per request, as the platform documents). */
function memberIds(body: unknown): { id: string; joined?: boolean }[] {
  if (!Array.isArray(body)) throw badRequest('The body must be an array of { "id": "<userId>" }');
  if (body.length > 100) throw badRequest('At most 100 members may be changed per request');
  return body.map((m, i) => {
    if (!m || typeof m !== 'object' || typeof (m as { id?: unknown }).id !== 'string')
      throw badRequest(`Item ${i} must be { "id": "<userId>" }`);
    const joined = (m as { joined?: unknown }).joined;
    if (joined !== undefined && typeof joined !== 'boolean')
      throw badRequest(`Item ${i}.joined must be a boolean`);
    return { id: (m as { id: string }).id, ...(joined !== undefined ? { joined } : {}) };
  });
}

export function registerRouting(d: Deps): void {
  const { app } = d;
  const queue = (id: string): QueueRecord => {
    const q = d.directory.queues.get(id);
    if (q === undefined) throw notFound(`Queue ${id} not found`);
    return q;
  };

  app.get('/api/v2/routing/queues', async (req) => {
    const q = query(req);
    const ids = listParam(q, 'id');
    const match = nameFilter(strParam(q, 'name'));
    const queues = [...d.directory.queues.values()]
      .filter((x) => match(x.name) && (ids.length === 0 || ids.includes(x.id)))
      .sort((a, b) => a.name.localeCompare(b.name));
    const listing = page(queues, pageParams(q, 25, 500), '/api/v2/routing/queues');
    return { ...listing, entities: listing.entities.map(queueView) };
  });

  app.get('/api/v2/routing/queues/:queueId', async (req) => queueView(queue(param(req, 'queueId'))));

  app.get('/api/v2/routing/queues/:queueId/members', async (req) => {
    const qr = queue(param(req, 'queueId'));
    const q = query(req);
    const joined = strParam(q, 'joined');
    if (joined !== undefined && joined !== 'true' && joined !== 'false')
      throw badRequest('joined must be true or false');
    const expand = listParam(q, 'expand');
    const members = qr.memberIds
      .map((id) => d.directory.users.get(id))
      .filter((u) => u !== undefined)
      .filter((u) => joined === undefined || String(qr.joined.has(u.id)) === joined);
    const listing = page(members, pageParams(q, 25, 500), `/api/v2/routing/queues/${qr.id}/members`);
    return {
      ...listing,
      entities: listing.entities.map((u) => ({
        id: u.id,
        name: u.name,
        user: userView(u, expand),
        ringNumber: 1,
        joined: qr.joined.has(u.id),
        memberBy: 'user',
        routingStatus: routingStatusView(u),
        selfUri: `/api/v2/routing/queues/${qr.id}/members/${u.id}`,
      })),
    };
  });

  app.post('/api/v2/routing/queues/:queueId/members', async (req, reply) => {
    const qr = queue(param(req, 'queueId'));
    const remove = strParam(query(req), 'delete') === 'true';
    for (const m of memberIds(req.body)) {
      if (!d.directory.users.has(m.id)) throw badRequest(`User ${m.id} does not exist`);
      if (remove) {
        qr.memberIds = qr.memberIds.filter((id) => id !== m.id);
        qr.joined.delete(m.id);
      } else if (!qr.memberIds.includes(m.id)) {
        qr.memberIds.push(m.id);
        qr.joined.add(m.id);
      }
    }
    return reply.code(204).send();
  });

  app.patch('/api/v2/routing/queues/:queueId/members', async (req) => {
    const qr = queue(param(req, 'queueId'));
    const changes = memberIds(req.body);
    for (const m of changes)
      if (!qr.memberIds.includes(m.id)) throw badRequest(`User ${m.id} is not a member of queue ${qr.id}`);
    for (const m of changes) {
      if (m.joined === true) qr.joined.add(m.id);
      else if (m.joined === false) qr.joined.delete(m.id);
    }
    return { entities: changes.map((m) => ({ id: m.id, joined: qr.joined.has(m.id) })) };
  });

  // Every wrap-up code is assigned to every queue in the sandbox.
  app.get('/api/v2/routing/queues/:queueId/wrapupcodes', async (req) => {
    queue(param(req, 'queueId'));
    const listing = page(
      [...d.directory.wrapupCodes.values()],
      pageParams(query(req), 25, 500),
      `/api/v2/routing/queues/${param(req, 'queueId')}/wrapupcodes`,
    );
    return { ...listing, entities: listing.entities.map(wrapupView) };
  });

  app.get('/api/v2/routing/wrapupcodes', async (req) => {
    const q = query(req);
    const ids = listParam(q, 'id');
    const match = nameFilter(strParam(q, 'name'));
    const codes = [...d.directory.wrapupCodes.values()]
      .filter((w) => match(w.name) && (ids.length === 0 || ids.includes(w.id)))
      .sort((a, b) => a.name.localeCompare(b.name));
    if ((strParam(q, 'sortOrder') ?? 'ascending').toLowerCase().startsWith('desc')) codes.reverse();
    const listing = page(codes, pageParams(q, 25, 500), '/api/v2/routing/wrapupcodes');
    return { ...listing, entities: listing.entities.map(wrapupView) };
  });

  app.get('/api/v2/routing/wrapupcodes/:codeId', async (req) => {
    const w = d.directory.wrapupCodes.get(param(req, 'codeId'));
    if (w === undefined) throw notFound(`Wrap-up code ${param(req, 'codeId')} not found`);
    return wrapupView(w);
  });

  app.post('/api/v2/routing/wrapupcodes', async (req) => {
    const body = objectBody(req);
    if (typeof body.name !== 'string' || body.name.trim() === '' || body.name.length > 256)
      throw badRequest('name is required (at most 256 characters)');
    const name = body.name.trim();
    if ([...d.directory.wrapupCodes.values()].some((w) => w.name.toLowerCase() === name.toLowerCase()))
      throw new GenesysHttpError(409, `A wrap-up code named ${name} already exists`, 'general.conflict');
    const now = d.now();
    const w = {
      id: randomUUID(),
      name,
      description: typeof body.description === 'string' ? body.description : '',
      createdAt: now,
      modifiedAt: now,
    };
    d.directory.wrapupCodes.set(w.id, w);
    return wrapupView(w);
  });

  app.delete('/api/v2/routing/wrapupcodes/:codeId', async (req, reply) => {
    if (!d.directory.wrapupCodes.delete(param(req, 'codeId')))
      throw notFound(`Wrap-up code ${param(req, 'codeId')} not found`);
    return reply.code(204).send();
  });

  app.get('/api/v2/routing/skills', async (req) => {
    const q = query(req);
    const match = nameFilter(strParam(q, 'name'));
    const skills = [...d.directory.skills.values()]
      .filter((s) => match(s.name))
      .sort((a, b) => a.name.localeCompare(b.name));
    const listing = page(skills, pageParams(q, 25, 500), '/api/v2/routing/skills');
    return { ...listing, entities: listing.entities.map(skillView) };
  });

  app.get('/api/v2/routing/skills/:skillId', async (req) => {
    const s = d.directory.skills.get(param(req, 'skillId'));
    if (s === undefined) throw notFound(`Skill ${param(req, 'skillId')} not found`);
    return skillView(s);
  });
}
