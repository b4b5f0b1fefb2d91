/**
 * `/dashboard/presence` (page + WebSocket push) and its sign-in: Genesys authorization code + PKCE,
 * or an admin API key exchanged for a session cookie.
 */
import { createHash, randomBytes } from 'node:crypto';
import websocket from '@fastify/websocket';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { verifyApiKey } from '../../platform/auth/api-keys.ts';
import { HttpError } from '../../platform/http/errors.ts';
import type { Store } from '../../platform/store/index.ts';
import type { Agent } from './model.ts';
import { dashboardPage, loginPage } from './page.ts';
import { createSession, deleteSession, findSession } from './store.ts';

export interface GenesysLogin {
  loginUrl: string;
  apiUrl: string;
  clientId: string;
  /** Redeems a code (PKCE) and returns the signed-in user's id. */
  redeem(p: { code: string; codeVerifier: string; redirectUri: string }): Promise<{ id: string }>;
}

export interface PushHub {
  clients: Set<WebSocket>;
  broadcast(message: unknown): void;
}

export function createPushHub(): PushHub {
  const clients = new Set<WebSocket>();
  return {
    clients,
    broadcast(message) {
      const text = JSON.stringify(message);
      for (const c of clients) if (c.readyState === 1) c.send(text);
    },
  };
}

const SESSION = 'pb_session';
const PKCE = 'pb_pkce';

export function cookies(req: FastifyRequest): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0) out[part.slice(0, i).trim()] = decodeURIComponent(part.slice(i + 1).trim());
  }
  return out;
}

const cookie = (name: string, value: string, maxAge: number, path: string) =>
  `${name}=${encodeURIComponent(value)}; Path=${path}; HttpOnly; SameSite=Lax; Max-Age=${maxAge}`;

const safeNext = (n: unknown) =>
  typeof n === 'string' && /^\/dashboard\/[\w/-]*$/.test(n) ? n : '/dashboard/presence';
const b64url = (b: Buffer) => b.toString('base64url');

export async function registerPresenceRoutes(
  app: FastifyInstance,
  deps: {
    store: Store;
    now: () => number;
    publicUrl: string | undefined;
    login: GenesysLogin | undefined;
    push: PushHub;
    snapshot(): { stale: boolean; agents: Agent[] };
  },
): Promise<void> {
  if (!app.hasDecorator('websocketServer')) await app.register(websocket);
  await app.register(async (scope) => {
    if (!scope.hasContentTypeParser('application/x-www-form-urlencoded'))
      scope.addContentTypeParser(
        'application/x-www-form-urlencoded',
        { parseAs: 'string' },
        (_req, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))),
      );
    const session = async (req: FastifyRequest) => {
      const token = cookies(req)[SESSION];
      return token ? findSession(deps.store.db, token, deps.now()) : undefined;
    };
    const base = (req: FastifyRequest) =>
      deps.publicUrl ?? `${req.protocol}://${req.headers.host ?? 'localhost'}`;
    const signIn = async (reply: FastifyReply, kind: 'genesys' | 'admin', subject: string, next: string) => {
      const token = await createSession(deps.store.db, kind, subject, deps.now());
      return reply.header('set-cookie', cookie(SESSION, token, 12 * 3600, '/dashboard')).redirect(next, 303);
    };
    const hide = { schema: { hide: true } };

    scope.get('/dashboard/login', hide, async (req, reply) =>
      reply.type('text/html; charset=utf-8').send(
        loginPage({
          genesys: deps.login !== undefined,
          next: safeNext((req.query as { next?: string }).next),
        }),
      ),
    );
    scope.post('/dashboard/auth/admin', hide, async (req, reply) => {
      const body = (req.body ?? {}) as { apiKey?: string; next?: string };
      const id =
        typeof body.apiKey === 'string' ? await verifyApiKey(deps.store.db, body.apiKey.trim()) : undefined;
      if (!id)
        return reply
          .code(401)
          .type('text/html; charset=utf-8')
          .send(
            loginPage({
              genesys: deps.login !== undefined,
              next: safeNext(body.next),
              error: 'That API key is not valid.',
            }),
          );
      return signIn(reply, 'admin', id, safeNext(body.next));
    });
    scope.get('/dashboard/auth/genesys', hide, async (req, reply) => {
      const login = deps.login;
      if (!login) throw new HttpError('not_found', 'Genesys sign-in is not configured');
      const verifier = b64url(randomBytes(32));
      const state = b64url(randomBytes(16));
      const next = safeNext((req.query as { next?: string }).next);
      const url = new URL(`${login.loginUrl.replace(/\/$/, '')}/oauth/authorize`);
      url.search = new URLSearchParams({
        client_id: login.clientId,
        redirect_uri: `${base(req)}/dashboard/auth/callback`,
        response_type: 'code',
        code_challenge: b64url(createHash('sha256').update(verifier).digest()),
        code_challenge_method: 'S256',
        state,
      }).toString();
      return reply
        .header('set-cookie', cookie(PKCE, `${state}.${verifier}.${next}`, 600, '/dashboard/auth'))
        .redirect(url.toString(), 302);
    });
    scope.get('/dashboard/auth/callback', hide, async (req, reply) => {
      const login = deps.login;
      const q = req.query as { code?: string; state?: string; error?: string };
      const [state, verifier, next] = (cookies(req)[PKCE] ?? '').split('.');
      if (!login || !q.code || !q.state || q.state !== state || !verifier)
        throw new HttpError('bad_request', 'Sign-in expired or was not started here; start again.');
      const user = await login.redeem({
        code: q.code,
        codeVerifier: verifier,
        redirectUri: `${base(req)}/dashboard/auth/callback`,
      });
      reply.header('set-cookie', cookie(PKCE, '', 0, '/dashboard/auth'));
      return signIn(reply, 'genesys', user.id, safeNext(next));
    });
    scope.post('/dashboard/logout', hide, async (req, reply) => {
      const token = cookies(req)[SESSION];
      if (token) await deleteSession(deps.store.db, token);
      return reply
        .header('set-cookie', cookie(SESSION, '', 0, '/dashboard'))
        .redirect('/dashboard/login', 303);
    });
    scope.get('/dashboard/presence', hide, async (req, reply) => {
      if (!(await session(req))) return reply.redirect('/dashboard/login?next=/dashboard/presence', 302);
      return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(dashboardPage());
    });
    scope.get('/dashboard/presence/ws', { websocket: true, schema: { hide: true } }, (socket, req) => {
      void session(req).then((s) => {
        if (!s) {
          socket.close(4401, 'sign in first');
          return;
        }
        deps.push.clients.add(socket);
        socket.on('close', () => deps.push.clients.delete(socket));
        socket.send(JSON.stringify({ type: 'snapshot', ...deps.snapshot() }));
      });
    });
  });
}
