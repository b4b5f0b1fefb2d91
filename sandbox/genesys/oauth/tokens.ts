/**
 * OAuth clients, access tokens, refresh tokens and authorization codes of the sandbox's
 * login service. Tokens are opaque random strings; expiry is checked against the
 * emulator's clock so tests can expire them on demand.
 */
import { randomBytes, randomUUID } from 'node:crypto';

export interface OAuthClient {
  clientId: string;
  clientSecret: string;
  name: string;
  /** Allowed redirect URIs for the code grant; empty = any http(s) URI (sandbox convenience). */
  redirectUris: string[];
}

export interface AccessToken {
  token: string;
  clientId: string;
  /** Set for the authorization-code grant (a user token); absent for client credentials. */
  userId?: string;
  issuedAt: number;
  expiresAt: number;
}

interface AuthCode {
  clientId: string;
  redirectUri: string;
  challenge: string;
  userId: string;
  expiresAt: number;
}

const CODE_LIFETIME_MS = 5 * 60_000;

export class TokenStore {
  readonly clients = new Map<string, OAuthClient>();
  private readonly tokens = new Map<string, AccessToken>();
  private readonly refresh = new Map<string, { clientId: string; userId: string }>();
  private readonly codes = new Map<string, AuthCode>();

  addClient(c: OAuthClient): void {
    this.clients.set(c.clientId, c);
  }

  issue(
    clientId: string,
    userId: string | undefined,
    lifetimeSeconds: number,
    now: number,
  ): { access: AccessToken; refreshToken?: string } {
    const token = randomBytes(32).toString('base64url');
    const access: AccessToken = {
      token,
      clientId,
      issuedAt: now,
      expiresAt: now + lifetimeSeconds * 1000,
      ...(userId !== undefined ? { userId } : {}),
    };
    this.tokens.set(token, access);
    if (userId === undefined) return { access };
    const refreshToken = randomBytes(32).toString('base64url');
    this.refresh.set(refreshToken, { clientId, userId });
    return { access, refreshToken };
  }

  /** The token when valid; `expired` when known but past its lifetime. */
  check(token: string, now: number): AccessToken | 'expired' | undefined {
    const t = this.tokens.get(token);
    if (t === undefined) return undefined;
    return now >= t.expiresAt ? 'expired' : t;
  }

  revoke(token: string): void {
    this.tokens.delete(token);
  }

  /** Expire every access token (of one client when given); refresh tokens stay usable. */
  expireAll(now: number, clientId?: string): number {
    let n = 0;
    for (const t of this.tokens.values()) {
      if (clientId !== undefined && t.clientId !== clientId) continue;
      if (t.expiresAt > now) n++;
      t.expiresAt = Math.min(t.expiresAt, now);
    }
    return n;
  }

  newCode(c: Omit<AuthCode, 'expiresAt'>, now: number): string {
    const code = randomUUID();
    this.codes.set(code, { ...c, expiresAt: now + CODE_LIFETIME_MS });
    return code;
  }

  /** Codes are single-use: taken out whether or not the exchange then succeeds. */
  takeCode(code: string, now: number): AuthCode | undefined {
    const c = this.codes.get(code);
    this.codes.delete(code);
    return c && c.expiresAt > now ? c : undefined;
  }

  /** Refresh tokens rotate: the old one is spent. */
  takeRefresh(refreshToken: string): { clientId: string; userId: string } | undefined {
    const r = this.refresh.get(refreshToken);
    this.refresh.delete(refreshToken);
    return r;
  }

  clearTokens(): void {
    this.tokens.clear();
    this.refresh.clear();
    this.codes.clear();
  }
}
