import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpError } from '../http/errors.ts';
import { verifyApiKey } from './api-keys.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set when the request presented a valid admin API key. */
    apiKeyId?: string;
  }
}

export function presentedKey(req: FastifyRequest): string | undefined {
  const auth = req.headers.authorization;
  if (typeof auth === 'string' && auth.toLowerCase().startsWith('bearer ')) return auth.slice(7).trim();
  const header = req.headers['x-api-key'];
  return typeof header === 'string' ? header.trim() : undefined;
}

/** Requires a valid admin API key on every route of `scope` (register admin routes inside it). */
export function requireApiKey(scope: FastifyInstance, db: Parameters<typeof verifyApiKey>[0]): void {
  scope.addHook('onRequest', async (req) => {
    const key = presentedKey(req);
    const id = key ? await verifyApiKey(db, key) : undefined;
    if (!id)
      throw new HttpError('unauthorized', 'A valid admin API key is required (Authorization: Bearer <key>).');
    req.apiKeyId = id;
  });
}
