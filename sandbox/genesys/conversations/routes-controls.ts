/**
 * Controls under `/__sandbox/conversations` (no auth, the kit's control error shape
 * `{ error: { code, message } }`): drive conversations (start, alert, answer, hold, resume, transfer,
 * disconnect, wrap-up, abandon), configure the inbound flow, delivery targets and settings, read the
 * delivery log. Every action takes an optional event time `at` (epoch ms; default: now).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { GenesysContext } from '../context.ts';
import { parseTargets, publicTarget } from './delivery-targets.ts';
import { parseFlowConfig, publicFlowConfig } from './flow-config.ts';
import { MEDIA_TYPES, type Conversation, type MediaType } from './model.ts';
import { renderConversation } from './render.ts';
import type { ConversationsService } from './service.ts';
import type { StoreResult } from './store.ts';

const P = '/__sandbox/conversations';
const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export function registerControlRoutes(ctx: GenesysContext, svc: ConversationsService): void {
  const { app } = ctx;
  const fail = (reply: FastifyReply, status: number, code: string, message: string) =>
    reply.code(status).send({ error: { code, message } });
  const bad = (reply: FastifyReply, message: string) => fail(reply, 400, 'bad_request', message);
  const body = (req: FastifyRequest): Record<string, unknown> => (isRecord(req.body) ? req.body : {});

  /** The event time: `at` from the body, or now. Undefined (and answered) when invalid. */
  const eventTime = (req: FastifyRequest, reply: FastifyReply): number | undefined => {
    if (req.body !== undefined && !isRecord(req.body)) {
      void bad(reply, 'the body must be a JSON object');
      return undefined;
    }
    const at = body(req).at;
    if (at === undefined) return ctx.now();
    if (typeof at !== 'number' || !Number.isInteger(at) || at < 0 || at > 8.64e15) {
      void bad(reply, 'at must be an integer epoch time in ms');
      return undefined;
    }
    return at;
  };
  const view = (c: Conversation) => renderConversation(c, svc.queueName);
  const answer = <T>(reply: FastifyReply, r: StoreResult<T>, id: string) => {
    if (!r.ok) return fail(reply, r.status, r.code.replaceAll('.', '_'), r.message);
    const c = svc.store.get(id);
    return c ? view(c) : r.value;
  };
  const id = (req: FastifyRequest) => (req.params as Record<string, string>).id ?? '';

  app.post(P, async (req, reply) => {
    const at = eventTime(req, reply);
    if (at === undefined) return reply;
    const b = body(req);
    const mediaType = (b.mediaType ?? 'voice') as MediaType;
    if (!MEDIA_TYPES.includes(mediaType))
      return bad(reply, `mediaType must be one of ${MEDIA_TYPES.join(', ')}`);
    const ani = b.ani ?? b.from;
    if (typeof ani !== 'string' || ani.trim() === '' || ani.length > 256)
      return bad(reply, 'ani (or from, for e-mail) must be a non-empty string');
    const dnis = b.dnis ?? (mediaType === 'email' ? 'support@example.com' : '+18005550100');
    if (typeof dnis !== 'string' || dnis === '') return bad(reply, 'dnis must be a non-empty string');
    if (typeof b.queueId !== 'string') return bad(reply, 'queueId is required');
    if (b.subject !== undefined && typeof b.subject !== 'string')
      return bad(reply, 'subject must be a string');
    const r = await svc.start({
      mediaType,
      ani,
      dnis,
      queueId: b.queueId,
      at,
      ...(typeof b.subject === 'string' ? { subject: b.subject } : {}),
    });
    if (!r.ok) return fail(reply, r.status, r.code.replaceAll('.', '_'), r.message);
    return reply.code(201).send({ ...view(r.value), ...(r.flowRun ? { flow: r.flowRun } : {}) });
  });

  app.get(P, async (req) => {
    const q = req.query as Record<string, string | undefined>;
    const list = svc.store
      .list()
      .filter(
        (c) =>
          q.state === undefined || (q.state === 'active' ? c.endTime === undefined : c.endTime !== undefined),
      );
    return {
      conversations: list.map((c) => ({
        id: c.id,
        mediaType: c.mediaType,
        ani: c.ani,
        startTime: new Date(c.startTime).toISOString(),
        ended: c.endTime !== undefined,
      })),
    };
  });

  app.get(`${P}/:id`, async (req, reply) => {
    const c = svc.store.get(id(req));
    if (!c) return fail(reply, 404, 'not_found', `conversation ${id(req)} not found`);
    return view(c);
  });

  // alert: the call rings at the agent (optional); answer: the agent picks up.
  for (const step of ['alert', 'answer'] as const) {
    app.post(`${P}/:id/${step}`, async (req, reply) => {
      const at = eventTime(req, reply);
      if (at === undefined) return reply;
      const userId = body(req).userId;
      if (typeof userId !== 'string') return bad(reply, 'userId is required');
      const user = ctx.directory.user(userId);
      if (!user) return bad(reply, `unknown user ${userId}`);
      return answer(
        reply,
        svc.apply(svc.store[step](id(req), { id: user.id, name: user.name }, at)),
        id(req),
      );
    });
  }

  for (const [action, held] of [
    ['hold', true],
    ['resume', false],
  ] as const) {
    app.post(`${P}/:id/${action}`, async (req, reply) => {
      const at = eventTime(req, reply);
      if (at === undefined) return reply;
      return answer(reply, svc.apply(svc.store.hold(id(req), held, at)), id(req));
    });
  }

  app.post(`${P}/:id/transfer`, async (req, reply) => {
    const at = eventTime(req, reply);
    if (at === undefined) return reply;
    const queueId = body(req).queueId;
    if (typeof queueId !== 'string') return bad(reply, 'queueId is required (blind transfer to a queue)');
    const queue = ctx.directory.queue(queueId);
    if (!queue) return bad(reply, `unknown queue ${queueId}`);
    return answer(
      reply,
      svc.apply(svc.store.transfer(id(req), { id: queue.id, name: queue.name }, at)),
      id(req),
    );
  });

  app.post(`${P}/:id/disconnect`, async (req, reply) => {
    const at = eventTime(req, reply);
    if (at === undefined) return reply;
    const by = body(req).by ?? 'customer';
    if (by !== 'customer' && by !== 'agent' && by !== 'system')
      return bad(reply, 'by must be customer, agent or system');
    return answer(reply, svc.apply(svc.store.disconnect(id(req), by, at)), id(req));
  });

  app.post(`${P}/:id/abandon`, async (req, reply) => {
    const at = eventTime(req, reply);
    if (at === undefined) return reply;
    return answer(reply, svc.apply(svc.store.abandon(id(req), at)), id(req));
  });

  app.post(`${P}/:id/wrapup`, async (req, reply) => {
    const at = eventTime(req, reply);
    if (at === undefined) return reply;
    const b = body(req);
    if (typeof b.code !== 'string') return bad(reply, 'code (a wrap-up code id) is required');
    const code = ctx.directory.wrapupCode(b.code);
    if (!code) return bad(reply, `unknown wrap-up code ${b.code}`);
    if (b.notes !== undefined && typeof b.notes !== 'string') return bad(reply, 'notes must be a string');
    if (b.userId !== undefined && typeof b.userId !== 'string') return bad(reply, 'userId must be a string');
    const r = svc.apply(
      svc.store.wrapup(
        id(req),
        { id: code.id, name: code.name },
        typeof b.notes === 'string' ? b.notes : undefined,
        typeof b.userId === 'string' ? b.userId : undefined,
        at,
      ),
    );
    return answer(reply, r, id(req));
  });

  // ---- configuration
  app.get(`${P}/config/flow`, async () => publicFlowConfig(svc.flow));
  app.put(`${P}/config/flow`, async (req, reply) => {
    const r = parseFlowConfig(req.body, svc.flow);
    if (!r.ok) return bad(reply, r.message);
    svc.flow = r.value;
    return publicFlowConfig(svc.flow);
  });

  app.get(`${P}/config/deliveries`, async () => ({ targets: svc.targets.map(publicTarget) }));
  app.put(`${P}/config/deliveries`, async (req, reply) => {
    const r = parseTargets(req.body);
    if (!r.ok) return bad(reply, r.message);
    svc.targets = r.value;
    return { targets: svc.targets.map(publicTarget) };
  });

  app.get(`${P}/config/settings`, async () => svc.settings);
  app.put(`${P}/config/settings`, async (req, reply) => {
    const b = req.body;
    if (!isRecord(b)) return bad(reply, 'the body must be a JSON object');
    for (const k of Object.keys(b))
      if (k !== 'mediaUriTtlSeconds' && k !== 'divisionId') return bad(reply, `unknown setting: ${k}`);
    const ttl = b.mediaUriTtlSeconds;
    if (
      ttl !== undefined &&
      (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl < 1 || ttl > 7 * 24 * 3600)
    )
      return bad(reply, 'mediaUriTtlSeconds must be an integer from 1 to 604800');
    if (b.divisionId !== undefined && (typeof b.divisionId !== 'string' || b.divisionId === ''))
      return bad(reply, 'divisionId must be a non-empty string');
    svc.settings = {
      ...svc.settings,
      ...(typeof ttl === 'number' ? { mediaUriTtlSeconds: ttl } : {}),
      ...(typeof b.divisionId === 'string' ? { divisionId: b.divisionId } : {}),
    };
    return svc.settings;
  });

  app.get(`${P}/deliveries`, async (req) => {
    const q = req.query as Record<string, string | undefined>;
    return {
      deliveries: svc.sender.entries({
        ...(q.conversationId !== undefined ? { conversationId: q.conversationId } : {}),
        ...(q.targetId !== undefined ? { targetId: q.targetId } : {}),
      }),
    };
  });
  app.delete(`${P}/deliveries`, async () => {
    svc.sender.clear();
    return { cleared: true };
  });
  /** Waits until every queued delivery (with its retries) has finished. */
  app.post(`${P}/deliveries/settle`, async () => {
    await svc.sender.settle();
    return { settled: true };
  });

  /** Users, queues and wrap-up codes the conversations can use (the simulator reads these). */
  app.get(`${P}/directory`, async () => ({
    users: ctx.directory
      .users()
      .filter((u) => u.state === 'active')
      .map((u) => ({ id: u.id, name: u.name })),
    queues: ctx.directory.queues().map((q) => ({ id: q.id, name: q.name })),
    wrapupCodes: ctx.directory.wrapupCodes().map((w) => ({ id: w.id, name: w.name })),
  }));
}
