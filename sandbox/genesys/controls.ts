/**
 * Genesys-specific `/__sandbox/*` controls (the kit adds faults, request log and reset):
 * seed, directory summary, token expiry, socket drops, channel sweep, publish, rate limit,
 * OAuth clients, usage per client. Control errors use the project's `{ error: { code, message } }`.
 */
import type { FastifyReply } from 'fastify';
import type { Deps } from './deps.ts';
import type { SeedSpec } from './seed.ts';
import { usageByClient } from './usage.ts';
import type { RequestLog } from '../kit/request-log.ts';

export interface ControlHooks {
  seed(spec: SeedSpec): void;
  addClient(c: { clientId?: string; clientSecret?: string; name?: string; redirectUris?: string[] }): {
    clientId: string;
    clientSecret: string;
  };
}

const bad = (reply: FastifyReply, message: string) =>
  reply.code(400).send({ error: { code: 'bad_request', message } });
const obj = (b: unknown): Record<string, unknown> =>
  b && typeof b === 'object' && !Array.isArray(b) ? (b as Record<string, unknown>) : {};

function parseSeed(b: Record<string, unknown>): SeedSpec | string {
  const spec: SeedSpec = {};
  if (b.seed !== undefined) {
    if (typeof b.seed !== 'number' || !Number.isInteger(b.seed)) return 'seed must be an integer';
    spec.seed = b.seed;
  }
  const countOrList = (k: 'users' | 'queues' | 'wrapupCodes' | 'externalContacts') => {
    const v = b[k];
    if (v === undefined) return undefined;
    if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 200_000) return v;
    if (Array.isArray(v)) return v;
    return `${k} must be a count (0–200000) or a list`;
  };
  for (const k of ['users', 'queues', 'wrapupCodes', 'externalContacts'] as const) {
    const v = countOrList(k);
    if (typeof v === 'string') return v;
    if (v !== undefined) (spec as Record<string, unknown>)[k] = v;
  }
  if (
    Array.isArray(spec.users) &&
    spec.users.some(
      (u) => !u || typeof u !== 'object' || typeof u.name !== 'string' || typeof u.email !== 'string',
    )
  )
    return 'users[] must be { name, email }';
  if (Array.isArray(spec.queues) && spec.queues.some((q) => typeof q !== 'string'))
    return 'queues[] must be names';
  if (Array.isArray(spec.wrapupCodes) && spec.wrapupCodes.some((q) => typeof q !== 'string'))
    return 'wrapupCodes[] must be names';
  for (const k of ['skills', 'externalSources'] as const) {
    const v = b[k];
    if (v === undefined) continue;
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) return `${k} must be a list of names`;
    spec[k] = v as string[];
  }
  return spec;
}

export function registerControls(d: Deps, log: RequestLog, hooks: ControlHooks): void {
  const { app } = d;

  app.post('/__sandbox/seed', async (req, reply) => {
    const spec = parseSeed(obj(req.body));
    if (typeof spec === 'string') return bad(reply, spec);
    try {
      hooks.seed(spec);
    } catch (err) {
      return bad(reply, (err as Error).message);
    }
    return {
      users: d.directory.users.size,
      queues: d.directory.queues.size,
      wrapupCodes: d.directory.wrapupCodes.size,
      externalContacts: d.contacts.contacts.size,
    };
  });

  app.get('/__sandbox/directory', async () => ({
    users: d.directory.usersSorted().map((u) => ({
      id: u.id,
      name: u.name,
      email: u.email,
      presence: u.presence.definition.systemPresence,
      routingStatus: u.routing.status,
    })),
    queues: [...d.directory.queues.values()].map((q) => ({ id: q.id, name: q.name, memberIds: q.memberIds })),
    wrapupCodes: [...d.directory.wrapupCodes.values()].map((w) => ({ id: w.id, name: w.name })),
    skills: [...d.directory.skills.values()].map((s) => ({ id: s.id, name: s.name })),
    externalSources: [...d.contacts.sources.values()],
    externalContacts: d.contacts.contacts.size,
  }));

  app.post('/__sandbox/tokens/expire', async (req, reply) => {
    const clientId = obj(req.body).clientId;
    if (clientId !== undefined && typeof clientId !== 'string')
      return bad(reply, 'clientId must be a string');
    return { expired: d.tokens.expireAll(d.now(), clientId) };
  });

  app.post('/__sandbox/notifications/drop-sockets', async (req, reply) => {
    const b = obj(req.body);
    if (b.channelId !== undefined && typeof b.channelId !== 'string')
      return bad(reply, 'channelId must be a string');
    if (b.warn !== undefined && typeof b.warn !== 'boolean') return bad(reply, 'warn must be a boolean');
    return {
      dropped: d.hub.dropSockets(b.channelId, b.warn ?? true),
    };
  });

  app.post('/__sandbox/notifications/sweep', async () => {
    d.hub.sweep();
    return { swept: true };
  });

  app.get('/__sandbox/notifications/channels', async () => ({
    channels: d.hub
      .list(() => true)
      .map((c) => ({
        id: c.id,
        ownerKey: c.ownerKey,
        topics: [...c.topics],
        connected: c.socket !== undefined,
        expiresAt: c.expiresAt,
      })),
    sent: d.hub.sent.length,
  }));

  app.post('/__sandbox/notifications/publish', async (req, reply) => {
    const b = obj(req.body);
    if (typeof b.topicName !== 'string' || b.topicName === '') return bad(reply, 'topicName is required');
    return { delivered: d.hub.publish(b.topicName, b.eventBody ?? {}) };
  });

  app.put('/__sandbox/ratelimit', async (req, reply) => {
    const n = obj(req.body).perMinute;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1)
      return bad(reply, 'perMinute must be a positive integer');
    d.rate.limit = n;
    d.rate.clear();
    return { perMinute: n };
  });

  app.get('/__sandbox/ratelimit/usage', async () => ({
    perMinute: d.rate.limit,
    clients: usageByClient(log.list()),
  }));

  app.post('/__sandbox/oauth/clients', async (req, reply) => {
    const b = obj(req.body);
    for (const k of ['clientId', 'clientSecret', 'name'] as const)
      if (b[k] !== undefined && typeof b[k] !== 'string') return bad(reply, `${k} must be a string`);
    if (
      b.redirectUris !== undefined &&
      (!Array.isArray(b.redirectUris) || b.redirectUris.some((u) => typeof u !== 'string'))
    )
      return bad(reply, 'redirectUris must be a list of URIs');
    return hooks.addClient(b);
  });

  app.get('/__sandbox/oauth/clients', async () => ({
    clients: [...d.tokens.clients.values()].map((c) => ({
      clientId: c.clientId,
      name: c.name,
      redirectUris: c.redirectUris,
    })),
  }));
}
