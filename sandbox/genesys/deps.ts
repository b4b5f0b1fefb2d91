/** What the route modules share: the clock, the configuration and the stores. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ResolvedConfig } from './config.ts';
import type { DirectoryStore } from './directory/store.ts';
import type { ExternalContactStore } from './externalcontacts/store.ts';
import type { GdprStore } from './gdpr/store.ts';
import type { NotificationHub } from './notifications/hub.ts';
import type { TokenStore } from './oauth/tokens.ts';
import type { RateWindow } from './rate-limit.ts';
import { badRequest } from './errors.ts';

export interface Deps {
  app: FastifyInstance;
  now: () => number;
  config: ResolvedConfig;
  tokens: TokenStore;
  rate: RateWindow;
  directory: DirectoryStore;
  contacts: ExternalContactStore;
  hub: NotificationHub;
  gdpr: GdprStore;
}

export const iso = (ms: number): string => new Date(ms).toISOString();

/** The JSON body as an object, or a 400 in the vendor shape. */
export function objectBody(req: FastifyRequest): Record<string, unknown> {
  const b = req.body;
  if (b === null || typeof b !== 'object' || Array.isArray(b))
    throw badRequest('The request body must be a JSON object');
  return b as Record<string, unknown>;
}

export function query(req: FastifyRequest): Record<string, unknown> {
  return (req.query ?? {}) as Record<string, unknown>;
}

export function param(req: FastifyRequest, name: string): string {
  return String((req.params as Record<string, string>)[name] ?? '');
}
