/**
 * Guards every `/api/v2/*` request as the platform does: a valid bearer token (401 in the
 * vendor shape otherwise), then the per-token rate window with `inin-ratelimit-*` headers
 * on every answer and 429 `too.many.requests.retry.after` + `Retry-After` when over.
 * The caller's OAuth client is recorded on the request for the request log.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendError } from './errors.ts';
import type { AccessToken, TokenStore } from './oauth/tokens.ts';
import type { RateWindow } from './rate-limit.ts';

const authByRequest = new WeakMap<object, AccessToken>();

export function authOf(req: FastifyRequest): AccessToken | undefined {
  return authByRequest.get(req.raw);
}

export function bearer(req: FastifyRequest): string | undefined {
  const h = req.headers.authorization;
  const m = typeof h === 'string' ? /^bearer\s+(\S+)$/i.exec(h.trim()) : null;
  return m?.[1];
}

export interface GuardDeps {
  tokens: TokenStore;
  rate: RateWindow;
  now: () => number;
}

/** Check the token and the rate window; answers the request itself (401/429) and returns false when refused. */
export function guard(deps: GuardDeps, req: FastifyRequest, reply: FastifyReply): boolean {
  if (authOf(req) !== undefined) return true;
  const token = bearer(req);
  if (token === undefined) {
    sendError(
      req,
      reply,
      401,
      'No authentication bearer token specified in authorization header.',
      'authentication.required',
    );
    return false;
  }
  const now = deps.now();
  const t = deps.tokens.check(token, now);
  if (t === undefined || t === 'expired') {
    sendError(
      req,
      reply,
      401,
      t === 'expired' ? 'Authentication failed: the access token has expired.' : 'Invalid login credentials.',
      'bad.credentials',
    );
    return false;
  }
  (req as { clientId?: string }).clientId = t.clientId;
  const d = deps.rate.hit(token, now);
  void reply.headers({
    'inin-ratelimit-allowed': String(d.limit),
    'inin-ratelimit-count': String(d.count),
    'inin-ratelimit-reset': String(d.resetSeconds),
  });
  if (!d.allowed) {
    void reply.header('retry-after', String(d.resetSeconds));
    sendError(
      req,
      reply,
      429,
      `Rate limit exceeded the maximum. Retry the request in [${d.resetSeconds}] seconds`,
    );
    return false;
  }
  authByRequest.set(req.raw, t);
  return true;
}
