/**
 * Genesys calls made with an *agent's* token (authorization code + PKCE), for pages the hub serves
 * to agents: redeem the code, read the user, open a notification channel for the user's topics.
 * The client-credentials connector (client.ts) never sees these tokens.
 */
import { VendorPermanentError, VendorRetryableError } from '../errors.ts';

export interface GenesysUserToken {
  accessToken: string;
  expiresIn: number;
  refreshToken?: string;
}

export interface GenesysUser {
  id: string;
  name: string;
}

async function call<T>(operation: string, url: string, init: RequestInit): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
  } catch {
    throw new VendorRetryableError(`genesys ${operation}: network error`, {
      vendor: 'genesys',
      operation,
      code: 'NETWORK_ERROR',
    });
  }
  const text = await res.text();
  if (!res.ok) {
    const opts = { vendor: 'genesys' as const, operation, status: res.status, code: `HTTP_${res.status}` };
    throw res.status >= 500 || res.status === 429
      ? new VendorRetryableError(`genesys ${operation}: HTTP ${res.status}`, opts)
      : new VendorPermanentError(`genesys ${operation}: HTTP ${res.status}`, opts);
  }
  return (text === '' ? undefined : JSON.parse(text)) as T;
}

/** `POST /oauth/token` grant_type=authorization_code with the PKCE verifier (no client secret). */
export async function redeemAuthorizationCode(
  loginUrl: string,
  p: { code: string; codeVerifier: string; clientId: string; redirectUri: string },
): Promise<GenesysUserToken> {
  const body = new URLSearchParams({
    grant_type: 'authorization_code',
    code: p.code,
    code_verifier: p.codeVerifier,
    client_id: p.clientId,
    redirect_uri: p.redirectUri,
  });
  const r = await call<{ access_token: string; expires_in: number; refresh_token?: string }>(
    'oauth token (authorization code)',
    `${loginUrl.replace(/\/+$/, '')}/oauth/token`,
    { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body },
  );
  return {
    accessToken: r.access_token,
    expiresIn: r.expires_in,
    ...(r.refresh_token ? { refreshToken: r.refresh_token } : {}),
  };
}

/** `GET /api/v2/users/me` with the agent's token. */
export async function currentUser(apiUrl: string, accessToken: string): Promise<GenesysUser> {
  const r = await call<{ id: string; name?: string }>(
    'users/me',
    `${apiUrl.replace(/\/+$/, '')}/api/v2/users/me`,
    {
      headers: { authorization: `Bearer ${accessToken}` },
    },
  );
  return { id: r.id, name: r.name ?? '' };
}

/** A notification channel subscribed to `topics`, owned by the agent's token. */
export async function openUserChannel(
  apiUrl: string,
  accessToken: string,
  topics: readonly string[],
): Promise<{ id: string; connectUri: string }> {
  const base = apiUrl.replace(/\/+$/, '');
  const headers = { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' };
  const ch = await call<{ id: string; connectUri: string }>(
    'notifications channel',
    `${base}/api/v2/notifications/channels`,
    {
      method: 'POST',
      headers,
      body: '{}',
    },
  );
  await call(
    'notifications subscriptions',
    `${base}/api/v2/notifications/channels/${encodeURIComponent(ch.id)}/subscriptions`,
    {
      method: 'PUT',
      headers,
      body: JSON.stringify(topics.map((id) => ({ id }))),
    },
  );
  return { id: ch.id, connectUri: ch.connectUri };
}
