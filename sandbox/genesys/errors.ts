/**
 * The Genesys Cloud error shape `{ message, code, status, messageParams, contextId, details, errors }`
 * and the correlation id that ties it to the `ININ-Correlation-Id` response header.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { GenesysErrorBody } from './context.ts';

/** Codes the real platform uses for each status (where the facts are silent, the code is our choice, see docs). */
const CODE_BY_STATUS: Record<number, string> = {
  400: 'bad.request',
  401: 'bad.credentials',
  403: 'missing.permissions',
  404: 'not.found',
  405: 'method.not.allowed',
  409: 'conflict',
  413: 'request.entity.too.large',
  415: 'unsupported.media.type',
  429: 'too.many.requests.retry.after',
  500: 'internal.server.error',
  502: 'bad.gateway',
  503: 'service.unavailable',
  504: 'gateway.timeout',
};

export function codeForStatus(status: number): string {
  return CODE_BY_STATUS[status] ?? (status >= 500 ? 'internal.server.error' : 'bad.request');
}

const correlationIds = new WeakMap<object, string>();

/** One correlation id per request, shared by the error body's `contextId` and the response header. */
export function correlationId(req: FastifyRequest): string {
  let id = correlationIds.get(req.raw);
  if (id === undefined) {
    id = randomUUID();
    correlationIds.set(req.raw, id);
  }
  return id;
}

export function errorBody(
  status: number,
  code: string,
  message: string,
  contextId: string = randomUUID(),
): GenesysErrorBody {
  return { message, code, status, messageParams: {}, contextId, details: [], errors: [] };
}

/** Send the vendor error; returns the reply so handlers can `return sendError(...)`. */
export function sendError(
  req: FastifyRequest,
  reply: FastifyReply,
  status: number,
  message: string,
  code = codeForStatus(status),
): FastifyReply {
  return reply.code(status).send(errorBody(status, code, message, correlationId(req)));
}

/** Thrown by validators inside handlers; the error handler turns it into the vendor shape. */
export class GenesysHttpError extends Error {
  /** Read by the emulator frame's error handler, which answers in the vendor shape. */
  readonly statusCode: number;
  readonly code: string;
  constructor(status: number, message: string, code = codeForStatus(status)) {
    super(message);
    this.name = 'GenesysHttpError';
    this.statusCode = status;
    this.code = code;
  }
}

export const badRequest = (message: string): GenesysHttpError => new GenesysHttpError(400, message);
export const notFound = (message: string): GenesysHttpError => new GenesysHttpError(404, message);
