/**
 * The login service: `POST /oauth/token` (client credentials with Basic auth, authorization
 * code + PKCE S256, refresh token), `GET|POST /oauth/authorize` with a login page for
 * sandbox users, and `GET|HEAD|DELETE /api/v2/tokens/me`. Token errors use the OAuth shape
 * `{ error, description, error_description }` the login service answers with.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { authOf, bearer } from '../api-guard.ts';
import type { Deps } from '../deps.ts';
import { iso } from '../deps.ts';
import { sendError } from '../errors.ts';
import { loginPage } from './login-page.ts';
import { verifyPkce } from './pkce.ts';
import type { OAuthClient } from './tokens.ts';

type Form = Record<string, string | undefined>;

function oauthError(reply: FastifyReply, status: number, error: string, description: string): FastifyReply {
  return reply.code(status).send({ error, description, error_description: description });
}

function basicClient(req: FastifyRequest): { id: string; secret: string } | undefined {
  const h = req.headers.authorization;
  const m = typeof h === 'string' ? /^basic\s+(\S+)$/i.exec(h.trim()) : null;
  if (!m?.[1]) return undefined;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  return i < 0 ? undefined : { id: decoded.slice(0, i), secret: decoded.slice(i + 1) };
}

function redirectAllowed(client: OAuthClient, uri: string): boolean {
  if (client.redirectUris.length > 0) return client.redirectUris.includes(uri);
  try {
    const u = new URL(uri);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

export function registerOAuth(d: Deps): void {
  const { app } = d;

  app.post('/oauth/token', async (req, reply) => {
    const form = req.body;
    if (form === null || typeof form !== 'object' || Array.isArray(form))
      return oauthError(reply, 400, 'invalid_request', 'The body must be application/x-www-form-urlencoded');
    const f = form as Form;
    const basic = basicClient(req);
    const lifetime = d.config.tokenLifetimeSeconds;
    const now = d.now();
    const granted = (clientId: string, userId?: string) => {
      (req as { clientId?: string }).clientId = clientId;
      const { access, refreshToken } = d.tokens.issue(clientId, userId, lifetime, now);
      return {
        access_token: access.token,
        token_type: 'bearer',
        expires_in: lifetime,
        ...(refreshToken ? { refresh_token: refreshToken } : {}),
      };
    };
    const confidential = (): OAuthClient | undefined => {
      const c = basic ? d.tokens.clients.get(basic.id) : undefined;
      return c && basic && c.clientSecret === basic.secret ? c : undefined;
    };

    switch (f.grant_type) {
      case 'client_credentials': {
        if (!basic)
          return oauthError(
            reply,
            401,
            'invalid_client',
            'Client credentials must be sent with HTTP Basic authentication',
          );
        const c = confidential();
        if (!c) return oauthError(reply, 401, 'invalid_client', 'client not found or bad secret');
        return granted(c.clientId);
      }
      case 'authorization_code': {
        const clientId = basic?.id ?? f.client_id;
        if (!f.code || !clientId)
          return oauthError(reply, 400, 'invalid_request', 'code and client_id are required');
        if (basic && !confidential())
          return oauthError(reply, 401, 'invalid_client', 'client not found or bad secret');
        const code = d.tokens.takeCode(f.code, now);
        if (!code || code.clientId !== clientId)
          return oauthError(reply, 400, 'invalid_grant', 'The authorization code is invalid or expired');
        if (f.redirect_uri !== undefined && f.redirect_uri !== code.redirectUri)
          return oauthError(
            reply,
            400,
            'invalid_grant',
            'redirect_uri does not match the authorization request',
          );
        if (code.challenge !== '') {
          if (!f.code_verifier || !verifyPkce(f.code_verifier, code.challenge))
            return oauthError(reply, 400, 'invalid_grant', 'PKCE verification failed');
        } else if (!basic)
          return oauthError(
            reply,
            401,
            'invalid_client',
            'A code issued without PKCE must be redeemed with the client secret',
          );
        return granted(clientId, code.userId);
      }
      case 'refresh_token': {
        const clientId = basic?.id ?? f.client_id;
        if (!f.refresh_token || !clientId)
          return oauthError(reply, 400, 'invalid_request', 'refresh_token and client_id are required');
        if (basic && !confidential())
          return oauthError(reply, 401, 'invalid_client', 'client not found or bad secret');
        const r = d.tokens.takeRefresh(f.refresh_token);
        if (!r || r.clientId !== clientId || !d.directory.users.has(r.userId))
          return oauthError(reply, 400, 'invalid_grant', 'The refresh token is invalid');
        return granted(clientId, r.userId);
      }
      default:
        return oauthError(
          reply,
          400,
          'unsupported_grant_type',
          `grant_type must be client_credentials, authorization_code or refresh_token`,
        );
    }
  });

  const AUTHORIZE_KEYS = [
    'client_id',
    'redirect_uri',
    'response_type',
    'state',
    'code_challenge',
    'code_challenge_method',
  ] as const;
  const authorizeParams = (
    src: Form,
  ): { ok: true; params: Record<string, string>; client: OAuthClient } | { ok: false; message: string } => {
    const params: Record<string, string> = {};
    for (const k of AUTHORIZE_KEYS) if (typeof src[k] === 'string') params[k] = src[k];
    const client = params.client_id ? d.tokens.clients.get(params.client_id) : undefined;
    if (!client) return { ok: false, message: 'Unknown client_id' };
    if (params.response_type !== 'code') return { ok: false, message: 'response_type must be code' };
    if (!params.redirect_uri || !redirectAllowed(client, params.redirect_uri))
      return { ok: false, message: 'redirect_uri is not registered for this client' };
    if (params.code_challenge !== undefined && params.code_challenge_method !== 'S256')
      return { ok: false, message: 'code_challenge_method must be S256' };
    return { ok: true, params, client };
  };
  const users = () =>
    d.directory
      .usersSorted()
      .filter((u) => u.state === 'active')
      .map((u) => ({ email: u.email, name: u.name }));

  app.get('/oauth/authorize', async (req, reply) => {
    const p = authorizeParams(req.query as Form);
    if (!p.ok) return oauthError(reply, 400, 'invalid_request', p.message);
    return reply.type('text/html; charset=utf-8').send(loginPage(p.params, users()));
  });

  app.post('/oauth/authorize', async (req, reply) => {
    const form = (req.body && typeof req.body === 'object' ? req.body : {}) as Form;
    const p = authorizeParams(form);
    if (!p.ok) return oauthError(reply, 400, 'invalid_request', p.message);
    const user = d.directory
      .usersSorted()
      .find((u) => u.email.toLowerCase() === (form.username ?? '').toLowerCase() && u.state === 'active');
    if (!user || form.password !== d.config.userPassword)
      return reply
        .code(401)
        .type('text/html; charset=utf-8')
        .send(loginPage(p.params, users(), 'Invalid user or password'));
    const code = d.tokens.newCode(
      {
        clientId: p.client.clientId,
        redirectUri: p.params.redirect_uri ?? '',
        challenge: p.params.code_challenge ?? '',
        userId: user.id,
      },
      d.now(),
    );
    const target = new URL(p.params.redirect_uri ?? '');
    target.searchParams.set('code', code);
    if (p.params.state !== undefined) target.searchParams.set('state', p.params.state);
    return reply.redirect(target.toString(), 302);
  });

  app.get('/api/v2/tokens/me', async (req, reply) => {
    const t = authOf(req);
    if (!t) return sendError(req, reply, 401, 'Invalid login credentials.');
    const client = d.tokens.clients.get(t.clientId);
    return {
      organization: { id: 'sandbox-org', name: 'Patchbay Sandbox' },
      homeOrganization: { id: 'sandbox-org', name: 'Patchbay Sandbox' },
      authorizedScope: ['*'],
      OAuthClient: { id: t.clientId, name: client?.name ?? t.clientId },
      dateTokenIdles: iso(t.expiresAt),
    };
  });
  // HEAD /api/v2/tokens/me is answered by Fastify's automatic HEAD route for the GET above.
  app.delete('/api/v2/tokens/me', async (req, reply) => {
    const token = bearer(req);
    if (token) d.tokens.revoke(token);
    return reply.code(204).send();
  });
}
