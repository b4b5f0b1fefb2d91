/**
 * The shared frame of every emulator (MSW's handler model, served over real HTTP):
 * vendor routes are registered by each emulator; this frame adds body parsing with the raw
 * body kept, fault injection, the request log, the `/__sandbox/*` controls, and a 404 in the
 * vendor's own shape for unmatched routes so a missing route is visible, never a silent OK.
 */
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { decideFault, validateFaultRules, type FaultRule } from './faults.ts';
import { RequestLog } from './request-log.ts';

declare module 'fastify' {
  interface FastifyRequest {
    rawBody?: string;
  }
}

export interface EmulatorOptions {
  name: string;
  /** The vendor's error body for a status (used for faults, 404, bad JSON). */
  errorBody: (status: number, message: string, req: FastifyRequest) => unknown;
  /** Extra response headers the vendor sends on faulted responses (e.g. Retry-After). */
  faultHeaders?: (status: number) => Record<string, string>;
  /** Called by `POST /__sandbox/reset`. */
  onReset?: () => void | Promise<void>;
  bodyLimit?: number;
  now?: () => number;
  random?: () => number;
}

export interface Emulator {
  app: FastifyInstance;
  log: RequestLog;
  faults: { rules: FaultRule[] };
  now: () => number;
  listen(port?: number): Promise<{ url: string; port: number }>;
  close(): Promise<void>;
}

export function createEmulator(opts: EmulatorOptions): Emulator {
  const now = opts.now ?? Date.now;
  const random = opts.random ?? Math.random;
  const app = Fastify({
    logger: false,
    bodyLimit: opts.bodyLimit ?? 16 * 1024 * 1024,
    forceCloseConnections: true,
  });
  const log = new RequestLog();
  const faults: { rules: FaultRule[] } = { rules: [] };
  const started = new WeakMap<FastifyRequest, number>();

  const parseJson = (
    req: FastifyRequest,
    body: string,
    done: (err: Error | null, value?: unknown) => void,
  ) => {
    req.rawBody = body;
    if (body.length === 0) return done(null, undefined);
    try {
      done(null, JSON.parse(body));
    } catch {
      const err = new Error('Invalid JSON body') as Error & { statusCode: number };
      err.statusCode = 400;
      done(err);
    }
  };
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(['application/json', 'application/*+json'], { parseAs: 'string' }, parseJson);
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (req, body, done) => {
    req.rawBody = body as string;
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
  app.addContentTypeParser('*', { parseAs: 'string' }, (req, body, done) => {
    req.rawBody = body as string;
    done(null, body);
  });

  app.addHook('onRequest', async (req, reply) => {
    started.set(req, performance.now());
    if (req.url.startsWith('/__sandbox/')) return;
    const path = req.url.split('?')[0] ?? req.url;
    const d = decideFault(faults.rules, req.method, path, now(), random);
    if (d.refuse) {
      req.raw.socket.destroy();
      return reply.hijack();
    }
    if (d.delayMs > 0) await new Promise((r) => setTimeout(r, d.delayMs));
    if (d.failStatus !== undefined) {
      reply.headers(opts.faultHeaders?.(d.failStatus) ?? {});
      return reply.code(d.failStatus).send(opts.errorBody(d.failStatus, 'Injected fault', req));
    }
  });

  app.addHook('onResponse', async (req, reply) => {
    if (req.url.startsWith('/__sandbox/')) return;
    const [path = req.url, query = ''] = req.url.split('?');
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) {
      if (v === undefined) continue;
      headers[k] = k === 'authorization' ? '***' : Array.isArray(v) ? v.join(', ') : v;
    }
    log.add({
      at: now(),
      method: req.method,
      path,
      query,
      status: reply.statusCode,
      durationMs: performance.now() - (started.get(req) ?? performance.now()),
      headers,
      body: (req.rawBody ?? '').slice(0, 4096),
      ...((req as { clientId?: string }).clientId
        ? { clientId: (req as { clientId?: string }).clientId as string }
        : {}),
    });
  });

  app.setNotFoundHandler((req, reply) => {
    void reply
      .code(404)
      .send(
        opts.errorBody(
          404,
          `The requested resource does not exist: ${req.method} ${req.url.split('?')[0]}`,
          req,
        ),
      );
  });
  app.setErrorHandler((err: Error & { statusCode?: number }, req, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
    void reply.code(status).send(opts.errorBody(status, err.message, req));
  });

  registerControls(app, log, faults, opts.onReset);

  return {
    app,
    log,
    faults,
    now,
    async listen(port = 0) {
      await app.listen({ port, host: '127.0.0.1' });
      const addr = app.server.address();
      const p = typeof addr === 'object' && addr ? addr.port : port;
      return { url: `http://127.0.0.1:${p}`, port: p };
    },
    async close() {
      await app.close();
    },
  };
}

function registerControls(
  app: FastifyInstance,
  log: RequestLog,
  faults: { rules: FaultRule[] },
  onReset?: () => void | Promise<void>,
) {
  const bad = (reply: FastifyReply, message: string) =>
    reply.code(400).send({ error: { code: 'bad_request', message } });
  app.get('/__sandbox/faults', async () => ({ rules: faults.rules }));
  app.put('/__sandbox/faults', async (req, reply) => {
    const v = validateFaultRules(req.body);
    if (!v.ok) return bad(reply, v.message);
    faults.rules = v.rules;
    return { rules: faults.rules };
  });
  app.delete('/__sandbox/faults', async () => {
    faults.rules = [];
    return { rules: [] };
  });
  app.get('/__sandbox/requests', async (req, reply) => {
    const q = req.query as Record<string, string | undefined>;
    const sinceSeq = q.sinceSeq === undefined ? undefined : Number(q.sinceSeq);
    if (sinceSeq !== undefined && !Number.isInteger(sinceSeq))
      return bad(reply, 'sinceSeq must be an integer');
    return {
      requests: log.list({
        ...(q.pathPrefix !== undefined ? { pathPrefix: q.pathPrefix } : {}),
        ...(q.method !== undefined ? { method: q.method } : {}),
        ...(sinceSeq !== undefined ? { sinceSeq } : {}),
      }),
    };
  });
  app.delete('/__sandbox/requests', async () => {
    log.clear();
    return { cleared: true };
  });
  app.post('/__sandbox/reset', async () => {
    faults.rules = [];
    log.clear();
    await onReset?.();
    return { reset: true };
  });
}
