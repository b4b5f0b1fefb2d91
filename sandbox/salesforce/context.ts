/** What every route group receives: the org, auth, limits, streaming, clock and base URL. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Auth, Session } from './auth.ts';
import { SfError } from './errors.ts';
import type { EventLog } from './events.ts';
import type { Limits } from './limits.ts';
import type { Org } from './org.ts';

export interface Ctx {
  org: Org;
  auth: Auth;
  limits: Limits;
  events: EventLog;
  now: () => number;
  /** The emulator's own base URL (instance and login URL). */
  url: () => string;
  /** Streaming behaviours set by controls. */
  streaming: { gapNext: number };
}

export const MIN_VERSION = 50;
export const MAX_VERSION = 67;
export const VERSIONS = Array.from(
  { length: MAX_VERSION - MIN_VERSION + 1 },
  (_, i) => `${MIN_VERSION + i}.0`,
);

/** "v65.0" → "65.0"; anything outside 50.0–67.0 is a 404 as on the platform. */
export function apiVersion(param: string | undefined): string {
  const v = /^v(\d+\.0)$/.exec(param ?? '')?.[1];
  if (!v || !VERSIONS.includes(v))
    throw new SfError('NOT_FOUND', 'The requested resource does not exist', { status: 404 });
  return v;
}

export function bearer(req: FastifyRequest): string | undefined {
  const h = req.headers.authorization;
  const m = h ? /^(?:Bearer|OAuth)\s+(\S+)$/i.exec(h) : null;
  return m?.[1];
}

declare module 'fastify' {
  interface FastifyRequest {
    session?: Session;
  }
}

/** Authenticate a vendor API call: 401 INVALID_SESSION_ID on a missing, wrong or idle-expired token. */
export function requireSession(ctx: Ctx, req: FastifyRequest): Session {
  const s = ctx.auth.authenticate(bearer(req));
  if (!s) throw new SfError('INVALID_SESSION_ID', 'Session expired or invalid', { status: 401 });
  req.session = s;
  (req as { clientId?: string }).clientId = s.clientId;
  ctx.org.store.userId = s.userId;
  return s;
}

export function sendSfError(reply: FastifyReply, e: SfError): FastifyReply {
  return reply
    .code(e.status)
    .send([{ message: e.message, errorCode: e.errorCode, ...(e.fields ? { fields: e.fields } : {}) }]);
}
