/**
 * Sandbox-only controls under `/__sandbox/` (the kit adds reset, faults and the request log):
 * seeding, token expiry and session timeout, API allocation, who may empty the recycle bin,
 * streaming gap/overflow events, and refresh tokens (standing in for the browser-based web-server
 * flow). Bad input answers 400 `{ error: { code, message } }`, the kit's control shape.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Ctx } from './context.ts';
import { SfError } from './errors.ts';
import { emailToCase } from './object-routing.ts';
import type { StreamingHub } from './streaming.ts';

const bad = (reply: FastifyReply, message: string) =>
  reply.code(400).send({ error: { code: 'bad_request', message } });

function intField(
  body: Record<string, unknown>,
  key: string,
  min: number,
  max: number,
): number | undefined | Error {
  const v = body[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
    return new Error(`${key} must be an integer in [${min}, ${max}]`);
  return v;
}

function objectBody(body: unknown): Record<string, unknown> | undefined {
  if (body === undefined) return {};
  return body && typeof body === 'object' && !Array.isArray(body)
    ? (body as Record<string, unknown>)
    : undefined;
}

export function registerControls(app: FastifyInstance, ctx: Ctx, hub: StreamingHub): void {
  app.post('/__sandbox/seed', async (req, reply) => {
    const b = objectBody(req.body);
    if (!b) return bad(reply, 'expected a JSON object');
    const opts: Record<string, number> = {};
    for (const [k, max] of [
      ['accounts', 100_000],
      ['contactsPerAccount', 1000],
      ['tasksPerContact', 50],
      ['casesPerAccount', 50],
      ['seed', 2 ** 31],
    ] as const) {
      const v = intField(b, k, 0, max);
      if (v instanceof Error) return bad(reply, v.message);
      if (v !== undefined) opts[k] = v;
    }
    if ((opts.accounts ?? 10) * (opts.contactsPerAccount ?? 5) > 1_000_000)
      return bad(reply, 'at most 1,000,000 contacts');
    return ctx.org.seed(opts);
  });

  app.post('/__sandbox/auth/expire', async (req, reply) => {
    const b = objectBody(req.body);
    if (!b || (b.clientId !== undefined && typeof b.clientId !== 'string'))
      return bad(reply, 'expected { "clientId"?: string }');
    return { expired: ctx.auth.expireSessions(b.clientId) };
  });

  app.put('/__sandbox/auth', async (req, reply) => {
    const b = objectBody(req.body);
    const v = b
      ? intField(b, 'sessionTimeoutMs', 1000, 30 * 24 * 3600_000)
      : new Error('expected a JSON object');
    if (v instanceof Error || v === undefined)
      return bad(reply, v instanceof Error ? v.message : 'sessionTimeoutMs is required');
    ctx.auth.sessionTimeoutMs = v;
    return { sessionTimeoutMs: v };
  });

  app.post('/__sandbox/auth/refresh-token', async (req, reply) => {
    const b = objectBody(req.body);
    const clientId = b?.clientId;
    if (typeof clientId !== 'string' || !ctx.auth.client(clientId))
      return bad(reply, 'expected { "clientId": <a configured client> }');
    const { refreshToken } = ctx.auth.issue(clientId, ctx.org.integrationUserId, true);
    return { refresh_token: refreshToken };
  });

  app.get('/__sandbox/limits', async () => ({
    dailyApiRequests: ctx.limits.max,
    used: ctx.limits.used(),
    maxConcurrentLong: ctx.limits.maxConcurrentLong,
    longRequestMs: ctx.limits.longRequestMs,
  }));
  app.put('/__sandbox/limits', async (req, reply) => {
    const b = objectBody(req.body);
    if (!b) return bad(reply, 'expected a JSON object');
    const vals: Record<string, number | undefined> = {};
    for (const k of ['dailyApiRequests', 'used', 'maxConcurrentLong', 'longRequestMs']) {
      const v = intField(b, k, 0, 1e9);
      if (v instanceof Error) return bad(reply, v.message);
      vals[k] = v;
    }
    if (vals.dailyApiRequests !== undefined) ctx.limits.max = vals.dailyApiRequests;
    if (vals.used !== undefined) ctx.limits.setUsed(vals.used);
    if (vals.maxConcurrentLong !== undefined) ctx.limits.maxConcurrentLong = vals.maxConcurrentLong;
    if (vals.longRequestMs !== undefined) ctx.limits.longRequestMs = vals.longRequestMs;
    return { dailyApiRequests: ctx.limits.max, used: ctx.limits.used() };
  });

  // Email-to-Case: an e-mail to a queue's address becomes a Case owned by the queue + its inbound EmailMessage.
  app.post('/__sandbox/email-to-case', async (req, reply) => {
    const b = objectBody(req.body);
    const str = (k: string, max: number) =>
      typeof b?.[k] === 'string' && b[k].length <= max ? b[k] : undefined;
    const queue = str('queue', 80);
    const fromAddress = str('fromAddress', 255);
    const subject = str('subject', 255) ?? '';
    const body = str('body', 32000) ?? '';
    if (!b || !queue || !fromAddress)
      return bad(reply, 'expected { queue, fromAddress, fromName?, subject?, body?, skills? }');
    for (const k of ['fromName', 'skills', 'subject', 'body'])
      if (b[k] !== undefined && typeof b[k] !== 'string') return bad(reply, `${k} must be a string`);
    try {
      return await reply.code(201).send(
        emailToCase(
          ctx.org.store,
          {
            queue,
            fromAddress,
            subject,
            body,
            fromName: str('fromName', 80),
            skills: str('skills', 1000),
          },
          ctx.now(),
        ),
      );
    } catch (err) {
      if (err instanceof SfError) return bad(reply, err.message);
      throw err;
    }
  });

  app.put('/__sandbox/recycle-bin', async (req, reply) => {
    const b = objectBody(req.body);
    if (typeof b?.modifyAllData !== 'boolean') return bad(reply, 'expected { "modifyAllData": boolean }');
    ctx.org.store.modifyAllData = b.modifyAllData;
    return { modifyAllData: b.modifyAllData };
  });

  app.put('/__sandbox/streaming', async (req, reply) => {
    const b = objectBody(req.body);
    const v = b ? intField(b, 'gapNext', 0, 10_000) : new Error('expected a JSON object');
    if (v instanceof Error) return bad(reply, v.message);
    if (v !== undefined) ctx.streaming.gapNext = v;
    return { gapNext: ctx.streaming.gapNext };
  });

  app.post('/__sandbox/streaming/overflow', async (req, reply) => {
    const b = objectBody(req.body);
    const entity = b?.entity;
    const meta = typeof entity === 'string' ? ctx.org.schema.object(entity) : undefined;
    if (!meta?.def.changeDataCapture)
      return bad(reply, 'expected { "entity": <an object with Change Data Capture> }');
    hub.overflow(meta.name);
    return { published: true };
  });
}
