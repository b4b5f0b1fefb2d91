/**
 * The hub's Fastify server: request IDs, raw bodies kept for signature checks, the JSON error
 * shape for every failure (including unknown routes, bad JSON and oversized bodies), request
 * metrics, OpenAPI at /docs, and the operational endpoints (/healthz, /readyz, /metrics).
 */
import { randomUUID } from 'node:crypto';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import type { Logger } from '../log/logger.ts';
import type { Metrics } from '../metrics/registry.ts';
import { errorBody, HttpError, type ErrorCode } from './errors.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The exact bytes received, for webhook signature verification. */
    bodyBytes?: Buffer;
  }
}

export interface ReadinessCheck {
  name: string;
  check(): Promise<{ ok: boolean; detail?: string }>;
}

export interface HttpServerOptions {
  log: Logger;
  metrics: Metrics;
  bodyLimitBytes: number;
  readiness: ReadinessCheck[];
  version: string;
}

const requestIdPattern = /^[A-Za-z0-9._:-]{1,128}$/;

export async function createHttpServer(opts: HttpServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: false,
    bodyLimit: opts.bodyLimitBytes,
    forceCloseConnections: true,
    return503OnClosing: true,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && requestIdPattern.test(given) ? given : randomUUID();
    },
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: true } },
  });

  app.removeContentTypeParser(['application/json']);
  app.addContentTypeParser(
    ['application/json', 'application/*+json'],
    { parseAs: 'buffer' },
    (req, body, done) => {
      const buf = body as Buffer;
      req.bodyBytes = buf;
      if (buf.length === 0) return done(null, undefined);
      try {
        done(null, JSON.parse(buf.toString('utf8')));
      } catch {
        done(new HttpError('invalid_json', 'The request body is not valid JSON.'));
      }
    },
  );

  app.addHook('onRequest', async (req, reply) => {
    reply.header('x-request-id', req.id);
  });
  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    opts.metrics.httpDuration.observe(
      { method: req.method, route, status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    const level = reply.statusCode >= 500 ? 'error' : 'debug';
    opts.log[level](
      {
        reqId: req.id,
        method: req.method,
        route,
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 10) / 10,
      },
      'request',
    );
  });

  app.setErrorHandler(
    (err: Error & { statusCode?: number; code?: string; validation?: unknown }, req, reply) => {
      const { status, code, message, details } = toWireError(err);
      if (status >= 500) opts.log.error({ reqId: req.id, err }, 'request failed');
      void reply.code(status).send(errorBody(code, message, details));
    },
  );
  app.setNotFoundHandler((req, reply) => {
    void reply
      .code(404)
      .send(errorBody('not_found', `No route for ${req.method} ${req.url.split('?')[0] ?? ''}`));
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Patchbay',
        version: opts.version,
        description:
          'Integration hub between Genesys Cloud / PureConnect, Salesforce and back-office services.',
      },
      components: {
        securitySchemes: {
          apiKey: {
            type: 'http',
            scheme: 'bearer',
            description: 'An admin API key (`patchbay apikey create`).',
          },
          genesysUser: {
            type: 'http',
            scheme: 'bearer',
            description: "A Genesys Cloud user's access token (the agent desktop's PKCE sign-in).",
          },
        },
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async (_req, reply) => {
    const results = await Promise.all(
      opts.readiness.map(async (c) => {
        try {
          return { name: c.name, ...(await c.check()) };
        } catch (err) {
          return { name: c.name, ok: false, detail: (err as Error).message };
        }
      }),
    );
    const ok = results.every((r) => r.ok);
    return reply.code(ok ? 200 : 503).send({ status: ok ? 'ready' : 'not_ready', checks: results });
  });
  app.get('/metrics', { schema: { hide: true } }, async (_req, reply) => {
    reply.header('content-type', opts.metrics.registry.contentType);
    return opts.metrics.registry.metrics();
  });

  return app;
}

function toWireError(err: Error & { statusCode?: number; code?: string; validation?: unknown }): {
  status: number;
  code: ErrorCode;
  message: string;
  details?: unknown;
} {
  if (err instanceof HttpError)
    return { status: err.status, code: err.code, message: err.message, details: err.details };
  if (err.validation)
    return { status: 400, code: 'validation_failed', message: err.message, details: err.validation };
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return {
        status: 413,
        code: 'payload_too_large',
        message: 'The request body is larger than the configured limit.',
      };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { status: 415, code: 'unsupported_media_type', message: err.message };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return { status: 400, code: 'invalid_json', message: 'The request body is not valid JSON.' };
  }
  const status = err.statusCode ?? 500;
  if (status >= 400 && status < 500)
    return {
      status,
      code: status === 404 ? 'not_found' : status === 401 ? 'unauthorized' : 'bad_request',
      message: err.message,
    };
  return {
    status: 500,
    code: 'internal',
    message: 'Internal error. The request ID identifies it in the logs.',
  };
}

/** The request's raw body as a string ('' when there was none). */
export function rawBodyText(req: FastifyRequest): string {
  return req.bodyBytes?.toString('utf8') ?? '';
}
