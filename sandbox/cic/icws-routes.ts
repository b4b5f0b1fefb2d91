/**
 * ICWS routes of one CIC instance. Both instances register these over the same `CicState`;
 * `instance` binds sessions to the server they were opened on.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { CicSession, CicState } from './cic-state.ts';
import { icwsError } from './icws-error.ts';
import { interactionAttributes, USER_STATUSES, type UserStatus } from './model.ts';

const CONNECTION_TYPE = 'urn:inin.com:connection:icAuthConnectionRequestSettings';

/** ICWS clients send `application/vnd.inin.icws+JSON`, which may arrive unparsed: parse it here. */
function jsonBody(req: FastifyRequest): { ok: true; value: unknown } | { ok: false } {
  if (typeof req.body !== 'string') return { ok: true, value: req.body };
  if (req.body === '') return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(req.body) as unknown };
  } catch {
    return { ok: false };
  }
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  !!v && typeof v === 'object' && !Array.isArray(v);
const isStringArray = (v: unknown): v is string[] =>
  Array.isArray(v) && v.every((x) => typeof x === 'string');

export function registerIcwsRoutes(
  app: FastifyInstance,
  state: CicState,
  instance: string,
  alternateHosts: () => string[],
): void {
  const err = (reply: FastifyReply, status: number, message: string, errorId?: string) =>
    reply.code(status).send(icwsError(status, message, errorId));
  const body = (req: FastifyRequest, reply: FastifyReply): Record<string, unknown> | undefined => {
    const b = jsonBody(req);
    if (!b.ok || !isObject(b.value)) {
      void err(reply, 400, 'The request body must be a JSON object.');
      return undefined;
    }
    return b.value;
  };

  app.post('/icws/connection', async (req, reply) => {
    const b = body(req, reply);
    if (!b) return reply;
    if (b.__type !== CONNECTION_TYPE) return err(reply, 400, `__type must be ${CONNECTION_TYPE}.`);
    if (
      typeof b.applicationName !== 'string' ||
      typeof b.userID !== 'string' ||
      typeof b.password !== 'string'
    ) {
      return err(reply, 400, 'applicationName, userID and password are required strings.');
    }
    const user = state.users.get(b.userID);
    if (!user || user.password !== b.password) {
      return err(
        reply,
        400,
        'The authentication process failed.',
        'error.request.connection.authenticationFailure',
      );
    }
    const session: CicSession = {
      sessionId: String(Math.floor(1e8 + Math.random() * 9e8)),
      csrfToken: randomBytes(24).toString('base64url'),
      cookie: randomUUID(),
      instance,
      userId: user.userId,
      messages: [],
      handlerSubscriptions: [],
      queueSubscriptions: new Map(),
    };
    state.sessions.set(session.sessionId, session);
    return reply
      .code(201)
      .header('ININ-ICWS-CSRF-Token', session.csrfToken)
      .header('ININ-ICWS-Session-ID', session.sessionId)
      .header(
        'set-cookie',
        `icws_${session.sessionId}=${session.cookie}; Path=/icws/${session.sessionId}; HttpOnly`,
      )
      .header('location', `/icws/${session.sessionId}/connection`)
      .send({
        csrfToken: session.csrfToken,
        sessionId: session.sessionId,
        alternateHostList: alternateHosts(),
        userID: user.userId,
        userDisplayName: user.displayName,
        icServer: instance,
      });
  });

  /** The session of an authenticated request, or undefined after answering 401. */
  const session = (req: FastifyRequest, reply: FastifyReply): CicSession | undefined => {
    const { sessionId } = req.params as { sessionId: string };
    const s = state.sessions.get(sessionId);
    const csrf = req.headers['inin-icws-csrf-token'];
    const cookies = (req.headers.cookie ?? '').split(';').map((c) => c.trim());
    if (
      !s ||
      s.instance !== instance ||
      csrf !== s.csrfToken ||
      !cookies.includes(`icws_${s.sessionId}=${s.cookie}`)
    ) {
      void err(reply, 401, 'The session is not valid, or the CSRF token or session cookie is missing.');
      return undefined;
    }
    return s;
  };

  app.get('/icws/:sessionId/connection', async (req, reply) => {
    const s = session(req, reply);
    if (!s) return reply;
    return { connectionState: 1, reason: 'Connected', icServer: instance, userID: s.userId };
  });

  app.delete('/icws/:sessionId/connection', async (req, reply) => {
    const s = session(req, reply);
    if (!s) return reply;
    state.sessions.delete(s.sessionId);
    return reply.code(204).send();
  });

  app.get('/icws/:sessionId/messaging/messages', async (req, reply) => {
    const s = session(req, reply);
    if (!s) return reply;
    return s.messages.splice(0, s.messages.length);
  });

  app.put(
    '/icws/:sessionId/messaging/subscriptions/system/handler-sent-notifications',
    async (req, reply) => {
      const s = session(req, reply);
      if (!s) return reply;
      const b = body(req, reply);
      if (!b) return reply;
      const headers = b.headers;
      if (
        !Array.isArray(headers) ||
        !headers.every((h) => isObject(h) && typeof h.objectId === 'string' && isStringArray(h.eventIds))
      ) {
        return err(reply, 400, 'headers must be an array of { objectId, eventIds[] }.');
      }
      s.handlerSubscriptions = (headers as { objectId: string; eventIds: string[] }[]).map((h) => ({
        objectId: h.objectId,
        eventIds: [...h.eventIds],
      }));
      return reply.code(204).send();
    },
  );

  app.delete(
    '/icws/:sessionId/messaging/subscriptions/system/handler-sent-notifications',
    async (req, reply) => {
      const s = session(req, reply);
      if (!s) return reply;
      s.handlerSubscriptions = [];
      return reply.code(204).send();
    },
  );

  app.put('/icws/:sessionId/messaging/subscriptions/queues/:subscriptionId', async (req, reply) => {
    const s = session(req, reply);
    if (!s) return reply;
    const b = body(req, reply);
    if (!b) return reply;
    const { subscriptionId } = req.params as { subscriptionId: string };
    const queueIds = b.queueIds;
    if (!Array.isArray(queueIds) || queueIds.length === 0)
      return err(reply, 400, 'queueIds must be a non-empty array.');
    const queues: { queueType: 1 | 2; queueName: string }[] = [];
    for (const q of queueIds) {
      // Clients send queueType as a number or a numeric string; 1 = user queue, 2 = workgroup queue.
      const type = isObject(q) ? Number(q.queueType) : NaN;
      if (!isObject(q) || (type !== 1 && type !== 2) || typeof q.queueName !== 'string') {
        return err(reply, 400, 'each queueId must be { queueType: 1 | 2, queueName }.');
      }
      if (type === 2 && !state.workgroups.has(q.queueName))
        return err(reply, 404, `Workgroup ${q.queueName} not found.`);
      if (type === 1 && !state.users.has(q.queueName))
        return err(reply, 404, `User ${q.queueName} not found.`);
      queues.push({ queueType: type, queueName: q.queueName });
    }
    if (!isStringArray(b.attributeNames))
      return err(reply, 400, 'attributeNames must be an array of strings.');
    state.subscribeQueues(s, subscriptionId, { queues, attributeNames: b.attributeNames });
    return reply.code(204).send();
  });

  app.delete('/icws/:sessionId/messaging/subscriptions/queues/:subscriptionId', async (req, reply) => {
    const s = session(req, reply);
    if (!s) return reply;
    const { subscriptionId } = req.params as { subscriptionId: string };
    s.queueSubscriptions.delete(subscriptionId);
    return reply.code(204).send();
  });

  app.post('/icws/:sessionId/system/handler-notification', async (req, reply) => {
    const s = session(req, reply);
    if (!s) return reply;
    const b = body(req, reply);
    if (!b) return reply;
    if (typeof b.objectId !== 'string' || typeof b.eventId !== 'string' || !isStringArray(b.data)) {
      return err(reply, 400, 'objectId and eventId must be strings and data an array of strings.');
    }
    // Accepted before any handler runs, as on a real server; results come back as handler-sent notifications.
    if (b.objectId === state.ids.objectId && b.eventId === state.ids.createEventId)
      state.handleCreateEmail(b.data);
    return reply.code(202).send();
  });

  const interaction = (req: FastifyRequest, reply: FastifyReply) => {
    const { interactionId } = req.params as { interactionId: string };
    const i = state.interactions.get(interactionId);
    if (!i) void err(reply, 404, `Interaction ${interactionId} not found.`);
    return i;
  };

  app.get('/icws/:sessionId/interactions/:interactionId', async (req, reply) => {
    if (!session(req, reply)) return reply;
    const i = interaction(req, reply);
    if (!i) return reply;
    const { select } = req.query as { select?: unknown };
    if (select !== undefined && typeof select !== 'string')
      return err(reply, 400, 'select must be given once, comma-separated.');
    const all = interactionAttributes(i);
    const names = select
      ? select
          .split(',')
          .map((n) => n.trim())
          .filter(Boolean)
      : Object.keys(all);
    return {
      interactionId: i.interactionId,
      attributes: Object.fromEntries(names.map((n) => [n, all[n] ?? ''])),
    };
  });

  app.post('/icws/:sessionId/interactions/:interactionId', async (req, reply) => {
    if (!session(req, reply)) return reply;
    const b = body(req, reply);
    if (!b) return reply;
    const i = interaction(req, reply);
    if (!i) return reply;
    const attrs = b.attributes;
    if (!isObject(attrs) || !Object.values(attrs).every((v) => typeof v === 'string')) {
      return err(reply, 400, 'attributes must be an object of string values.');
    }
    if (Object.keys(attrs).some((k) => k.startsWith('Eic_')))
      return err(reply, 400, 'Eic_ attributes are read-only here.');
    state.setAttributes(i, attrs as Record<string, string>);
    return reply.code(204).send();
  });

  app.post('/icws/:sessionId/interactions/:interactionId/disconnect', async (req, reply) => {
    if (!session(req, reply)) return reply;
    const i = interaction(req, reply);
    if (!i) return reply;
    state.disconnect(i);
    return reply.code(204).send();
  });

  const workgroupView = (name: string) => {
    const w = state.workgroups.get(name)!;
    return {
      configurationId: {
        id: w.name,
        displayName: w.name,
        uri: `/configuration/workgroups/${encodeURIComponent(w.name)}`,
      },
      hasQueue: true,
      isActive: true,
      acdEmailRouting: w.acdEmailRouting,
      members: w.members.map((m) => ({
        id: m,
        displayName: state.users.get(m)?.displayName ?? m,
        uri: `/configuration/users/${encodeURIComponent(m)}`,
      })),
    };
  };

  app.get('/icws/:sessionId/configuration/workgroups', async (req, reply) => {
    if (!session(req, reply)) return reply;
    return { items: [...state.workgroups.keys()].map(workgroupView) };
  });

  app.get('/icws/:sessionId/configuration/workgroups/:name', async (req, reply) => {
    if (!session(req, reply)) return reply;
    const { name } = req.params as { name: string };
    return state.workgroups.has(name) ? workgroupView(name) : err(reply, 404, `Workgroup ${name} not found.`);
  });

  app.get('/icws/:sessionId/configuration/users/:userId', async (req, reply) => {
    if (!session(req, reply)) return reply;
    const { userId } = req.params as { userId: string };
    const u = state.users.get(userId);
    if (!u) return err(reply, 404, `User ${userId} not found.`);
    return {
      configurationId: {
        id: u.userId,
        displayName: u.displayName,
        uri: `/configuration/users/${encodeURIComponent(u.userId)}`,
      },
      skills: u.skills.map((sk) => ({
        id: { id: sk, displayName: sk, uri: `/configuration/skills/${encodeURIComponent(sk)}` },
        proficiency: 100,
        desireToUse: 100,
      })),
      workgroups: [...state.workgroups.values()]
        .filter((w) => w.members.includes(u.userId))
        .map((w) => ({ id: w.name, displayName: w.name })),
    };
  });

  app.get('/icws/:sessionId/status/user-statuses/:userId', async (req, reply) => {
    if (!session(req, reply)) return reply;
    const { userId } = req.params as { userId: string };
    const u = state.users.get(userId);
    if (!u) return err(reply, 404, `User ${userId} not found.`);
    return { userId: u.userId, statusId: u.status, loggedIn: true, isAcdStatus: u.status === 'Available' };
  });

  app.put('/icws/:sessionId/status/user-statuses/:userId', async (req, reply) => {
    if (!session(req, reply)) return reply;
    const b = body(req, reply);
    if (!b) return reply;
    const { userId } = req.params as { userId: string };
    if (!state.users.has(userId)) return err(reply, 404, `User ${userId} not found.`);
    if (typeof b.statusId !== 'string' || !(USER_STATUSES as readonly string[]).includes(b.statusId)) {
      return err(reply, 400, `statusId must be one of ${USER_STATUSES.join(', ')}.`);
    }
    state.setStatus(userId, b.statusId as UserStatus);
    return reply.code(202).send();
  });
}
