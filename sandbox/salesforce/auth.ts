/**
 * OAuth for the emulated org: connected apps (client id, secret, certificate), access tokens with
 * an idle session timeout, refresh tokens, and RS256 JWT bearer assertions verified against the
 * app's certificate or public key. Tokens look like real ones (`00D…!AR…`).
 */
import { createPublicKey, randomBytes, verify, type KeyObject } from 'node:crypto';

export interface ClientConfig {
  clientId: string;
  clientSecret?: string;
  /** PEM certificate or public key for the JWT bearer flow. */
  certificate?: string;
  /** Username the client-credentials flow runs as (the app's "Run As" user). */
  runAsUsername?: string;
}

export interface Session {
  token: string;
  clientId: string;
  userId: string;
  issuedAt: number;
  lastUsed: number;
}

export class OAuthError extends Error {
  readonly error: string;
  readonly status: number;
  constructor(error: string, description: string, status = 400) {
    super(description);
    this.error = error;
    this.status = status;
  }
}

const b64urlJson = (s: string): unknown => JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));

export class Auth {
  private readonly clients = new Map<string, { config: ClientConfig; key: KeyObject | undefined }>();
  private readonly sessions = new Map<string, Session>();
  private readonly refreshTokens = new Map<string, { clientId: string; userId: string }>();
  private readonly now: () => number;
  private readonly orgId: string;
  /** Idle timeout of a session (Salesforce default 2 hours). */
  sessionTimeoutMs: number;

  constructor(opts: { now: () => number; orgId: string; sessionTimeoutMs?: number }) {
    this.now = opts.now;
    this.orgId = opts.orgId;
    this.sessionTimeoutMs = opts.sessionTimeoutMs ?? 2 * 3600_000;
  }

  addClient(config: ClientConfig): void {
    const key = config.certificate ? createPublicKey(config.certificate) : undefined;
    this.clients.set(config.clientId, { config, key });
  }

  client(clientId: string): ClientConfig | undefined {
    return this.clients.get(clientId)?.config;
  }

  private mint(): string {
    return `${this.orgId.slice(0, 15)}!AR${randomBytes(48).toString('base64url').replace(/[-_]/g, 'x')}`;
  }

  issue(clientId: string, userId: string, withRefresh = false): { session: Session; refreshToken?: string } {
    const t = this.now();
    const session: Session = { token: this.mint(), clientId, userId, issuedAt: t, lastUsed: t };
    this.sessions.set(session.token, session);
    if (!withRefresh) return { session };
    const refreshToken = `5Aep${randomBytes(40).toString('base64url').replace(/[-_]/g, 'x')}`;
    this.refreshTokens.set(refreshToken, { clientId, userId });
    return { session, refreshToken };
  }

  /** The session for a bearer token, touching its idle timer; undefined when invalid or expired. */
  authenticate(token: string | undefined): Session | undefined {
    if (!token) return undefined;
    const s = this.sessions.get(token);
    if (!s) return undefined;
    const t = this.now();
    if (t - s.lastUsed > this.sessionTimeoutMs) {
      this.sessions.delete(token);
      return undefined;
    }
    s.lastUsed = t;
    return s;
  }

  /** Invalidate every session (or one client's): the "token expiry" fault. */
  expireSessions(clientId?: string): number {
    let n = 0;
    for (const [k, s] of this.sessions) {
      if (clientId === undefined || s.clientId === clientId) {
        this.sessions.delete(k);
        n++;
      }
    }
    return n;
  }

  revoke(token: string): boolean {
    return this.sessions.delete(token) || this.refreshTokens.delete(token);
  }

  clientCredentials(clientId: string | undefined, clientSecret: string | undefined): ClientConfig {
    const c = clientId ? this.clients.get(clientId) : undefined;
    if (!c || !c.config.clientSecret || c.config.clientSecret !== clientSecret)
      throw new OAuthError('invalid_client', 'invalid client credentials');
    return c.config;
  }

  refresh(
    refreshToken: string | undefined,
    clientId: string | undefined,
    clientSecret: string | undefined,
  ): { clientId: string; userId: string } {
    const c = clientId ? this.clients.get(clientId) : undefined;
    if (!c) throw new OAuthError('invalid_client_id', 'client identifier invalid');
    if (clientSecret !== undefined && c.config.clientSecret !== clientSecret)
      throw new OAuthError('invalid_client', 'invalid client credentials');
    const r = refreshToken ? this.refreshTokens.get(refreshToken) : undefined;
    if (!r || r.clientId !== clientId) throw new OAuthError('invalid_grant', 'expired access/refresh token');
    return r;
  }

  /** Verify an RS256 JWT bearer assertion; returns the client id and the `sub` username. */
  verifyJwt(assertion: string | undefined, audiences: string[]): { clientId: string; username: string } {
    const parts = (assertion ?? '').split('.');
    if (parts.length !== 3) throw new OAuthError('invalid_grant', 'invalid assertion');
    const [h = '', p = '', sig = ''] = parts;
    let header: { alg?: string };
    let claims: { iss?: string; sub?: string; aud?: string | string[]; exp?: number };
    try {
      header = b64urlJson(h) as typeof header;
      claims = b64urlJson(p) as typeof claims;
    } catch {
      throw new OAuthError('invalid_grant', 'invalid assertion');
    }
    if (header.alg !== 'RS256') throw new OAuthError('invalid_grant', 'invalid assertion');
    const c = claims.iss ? this.clients.get(claims.iss) : undefined;
    if (!c) throw new OAuthError('invalid_client_id', 'client identifier invalid');
    if (!c.key || !verify('RSA-SHA256', Buffer.from(`${h}.${p}`), c.key, Buffer.from(sig, 'base64url'))) {
      throw new OAuthError('invalid_grant', 'invalid assertion');
    }
    const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (!aud.some((a) => typeof a === 'string' && audiences.includes(a.replace(/\/$/, ''))))
      throw new OAuthError('invalid_grant', 'audience is invalid');
    const nowSec = this.now() / 1000;
    if (typeof claims.exp !== 'number' || claims.exp < nowSec)
      throw new OAuthError('invalid_grant', 'expired authorization code');
    if (!claims.sub) throw new OAuthError('invalid_grant', 'invalid assertion');
    return { clientId: c.config.clientId, username: claims.sub };
  }

  clear(): void {
    this.sessions.clear();
    this.refreshTokens.clear();
  }
}
