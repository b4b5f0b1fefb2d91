/**
 * The HTTP shell around the router: the OAuth endpoints, authentication, the daily allocation and
 * `Sforce-Limit-Info` on every REST response, and Salesforce-shaped errors.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { OAuthError } from './auth.ts';
import { apiVersion, requireSession, sendSfError, type Ctx } from './context.ts';
import { SfError, toSfError } from './errors.ts';
import type { Router } from './router.ts';

function headersOf(req: FastifyRequest): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(req.headers)) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

export function registerHttp(app: FastifyInstance, ctx: Ctx, router: Router): void {
  app.post('/services/oauth2/token', async (req, reply) => oauthToken(ctx, req, reply));
  app.post('/services/oauth2/revoke', async (req, reply) => {
    const token =
      (req.body as Record<string, unknown> | undefined)?.token ??
      (req.query as Record<string, unknown>).token;
    if (typeof token !== 'string' || !ctx.auth.revoke(token))
      return reply
        .code(400)
        .send({ error: 'unsupported_token_type', error_description: 'this token type is not supported' });
    return reply.code(200).send('');
  });
  app.get('/services/oauth2/userinfo', async (req, reply) => {
    try {
      const s = requireSession(ctx, req);
      const u = ctx.org.store.get(s.userId);
      return {
        sub: `${ctx.url()}/id/${ctx.org.orgId}/${s.userId}`,
        user_id: s.userId,
        organization_id: ctx.org.orgId,
        preferred_username: u?.Username ?? null,
        email: u?.Email ?? null,
      };
    } catch (e) {
      return sendSfError(reply, toSfError(e));
    }
  });

  app.all('/services/*', async (req, reply) => {
    const [path = '', qs = ''] = req.url.split('?');
    const versioned = /^\/services\/data\/[^/]+/.test(path);
    let counted = false;
    try {
      if (versioned) apiVersion(path.split('/')[3]);
      if (path.replace(/\/$/, '') !== '/services/data') {
        requireSession(ctx, req);
        ctx.limits.begin(req);
        counted = true;
        ctx.limits.consume();
      }
      const res = router.handle({
        method: req.method,
        path: path.replace(/\/$/, ''),
        query: new URLSearchParams(qs),
        body: req.body,
        headers: headersOf(req),
      });
      if (versioned) reply.header('Sforce-Limit-Info', ctx.limits.header());
      reply.headers(res.headers ?? {});
      reply.code(res.status);
      return res.body === undefined ? reply.send() : reply.send(res.body);
    } catch (e) {
      const err = toSfError(e);
      if (versioned && err.status !== 401) reply.header('Sforce-Limit-Info', ctx.limits.header());
      return sendSfError(reply, err);
    } finally {
      if (counted) ctx.limits.end(req);
    }
  });
}

async function oauthToken(ctx: Ctx, req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const raw = req.body;
  const form: Record<string, string | undefined> =
    raw && typeof raw === 'object' ? (raw as Record<string, string>) : {};
  const q = req.query as Record<string, string | undefined>;
  const p = (k: string) => form[k] ?? q[k];
  try {
    const grant = p('grant_type');
    let clientId: string;
    let userId: string;
    if (grant === 'client_credentials') {
      const c = ctx.auth.clientCredentials(p('client_id'), p('client_secret'));
      clientId = c.clientId;
      const user = findUser(ctx, c.runAsUsername ?? ctx.org.integrationUsername);
      if (!user) throw new OAuthError('invalid_grant', 'no client credentials user enabled');
      userId = user;
    } else if (grant === 'urn:ietf:params:oauth:grant-type:jwt-bearer') {
      const audiences = ['https://login.salesforce.com', 'https://test.salesforce.com', ctx.url()];
      const j = ctx.auth.verifyJwt(p('assertion'), audiences);
      const user = findUser(ctx, j.username);
      if (!user) throw new OAuthError('invalid_grant', "user hasn't approved this consumer");
      clientId = j.clientId;
      userId = user;
    } else if (grant === 'refresh_token') {
      const r = ctx.auth.refresh(p('refresh_token'), p('client_id'), p('client_secret'));
      clientId = r.clientId;
      userId = r.userId;
    } else if (grant === 'password') {
      // Blocked by default in orgs since Summer '23; the sandbox does not offer it.
      throw new OAuthError('invalid_grant', 'authentication failure');
    } else {
      throw new OAuthError('unsupported_grant_type', 'grant type not supported');
    }
    const { session, refreshToken } = ctx.auth.issue(clientId, userId);
    return reply
      .code(200)
      .header('cache-control', 'no-cache, no-store')
      .send({
        access_token: session.token,
        ...(refreshToken ? { refresh_token: refreshToken } : {}),
        signature: Buffer.from(`${session.token}:${session.issuedAt}`).toString('base64').slice(0, 44),
        scope: 'api',
        instance_url: ctx.url(),
        id: `${ctx.url()}/id/${ctx.org.orgId}/${userId}`,
        token_type: 'Bearer',
        issued_at: String(session.issuedAt),
      });
  } catch (e) {
    if (e instanceof OAuthError)
      return reply.code(e.status).send({ error: e.error, error_description: e.message });
    if (e instanceof SfError)
      return reply.code(400).send({ error: 'invalid_request', error_description: e.message });
    throw e;
  }
}

function findUser(ctx: Ctx, username: string): string | undefined {
  const meta = ctx.org.store.meta('User');
  const ids = ctx.org.store.lookup(meta, 'Username', username);
  for (const id of ids ?? []) {
    const u = ctx.org.store.get(id);
    if (u && u.IsActive !== false) return id;
  }
  return undefined;
}
