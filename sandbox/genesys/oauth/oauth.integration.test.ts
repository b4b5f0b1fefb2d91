/** Authorization code + PKCE through the login page, refresh, `/users/me` and `/tokens/me`. */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { startGenesysSandbox, type GenesysSandbox } from '../index.ts';
import { s256Challenge } from './pkce.ts';

describe('OAuth authorization code + PKCE', () => {
  let gc: GenesysSandbox;
  const redirect = 'http://127.0.0.1:9/callback';
  before(async () => {
    gc = await startGenesysSandbox({ userPassword: 'let-me-in' });
  });
  after(async () => {
    await gc.close();
  });

  const form = (o: Record<string, string>) => ({
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(o).toString(),
    redirect: 'manual' as const,
  });

  it('logs a sandbox user in, exchanges the code with the verifier, refreshes, and calls the API as that user', async () => {
    const verifier = randomBytes(32).toString('base64url');
    const params = {
      client_id: gc.clientId,
      redirect_uri: redirect,
      response_type: 'code',
      code_challenge: s256Challenge(verifier),
      code_challenge_method: 'S256',
      state: 'xyz',
    };
    const page = await fetch(`${gc.url}/oauth/authorize?${new URLSearchParams(params).toString()}`);
    assert.equal(page.status, 200);
    const html = await page.text();
    const user = gc.directory.usersSorted()[0];
    assert.ok(user);
    assert.ok(html.includes(user.email));

    const wrong = await fetch(
      `${gc.url}/oauth/authorize`,
      form({ ...params, username: user.email, password: 'nope' }),
    );
    assert.equal(wrong.status, 401);

    const login = await fetch(
      `${gc.url}/oauth/authorize`,
      form({ ...params, username: user.email, password: 'let-me-in' }),
    );
    assert.equal(login.status, 302);
    const location = new URL(login.headers.get('location') ?? '');
    assert.equal(location.searchParams.get('state'), 'xyz');
    const code = location.searchParams.get('code') ?? '';

    const badVerifier = await fetch(
      `${gc.url}/oauth/token`,
      form({
        grant_type: 'authorization_code',
        code,
        client_id: gc.clientId,
        redirect_uri: redirect,
        code_verifier: randomBytes(32).toString('base64url'),
      }),
    );
    assert.equal(badVerifier.status, 400);
    assert.equal(((await badVerifier.json()) as { error: string }).error, 'invalid_grant');

    // The failed attempt spent the code (single use): log in again.
    const login2 = await fetch(
      `${gc.url}/oauth/authorize`,
      form({ ...params, username: user.email, password: 'let-me-in' }),
    );
    const code2 = new URL(login2.headers.get('location') ?? '').searchParams.get('code') ?? '';
    const tok = await fetch(
      `${gc.url}/oauth/token`,
      form({
        grant_type: 'authorization_code',
        code: code2,
        client_id: gc.clientId,
        redirect_uri: redirect,
        code_verifier: verifier,
      }),
    );
    assert.equal(tok.status, 200);
    const t = (await tok.json()) as {
      access_token: string;
      refresh_token: string;
      expires_in: number;
      token_type: string;
    };
    assert.equal(t.token_type, 'bearer');
    assert.equal(t.expires_in, 86_400);

    const me = await fetch(`${gc.url}/api/v2/users/me`, {
      headers: { authorization: `Bearer ${t.access_token}` },
    });
    assert.equal(((await me.json()) as { id: string }).id, user.id);

    gc.expireTokens();
    const expired = await fetch(`${gc.url}/api/v2/users/me`, {
      headers: { authorization: `Bearer ${t.access_token}` },
    });
    assert.equal(expired.status, 401);
    const refreshed = await fetch(
      `${gc.url}/oauth/token`,
      form({ grant_type: 'refresh_token', refresh_token: t.refresh_token, client_id: gc.clientId }),
    );
    const r = (await refreshed.json()) as { access_token: string; refresh_token: string };
    assert.notEqual(r.refresh_token, t.refresh_token, 'refresh tokens rotate');
    const tokensMe = await fetch(`${gc.url}/api/v2/tokens/me`, {
      headers: { authorization: `Bearer ${r.access_token}` },
    });
    assert.equal(((await tokensMe.json()) as { OAuthClient: { id: string } }).OAuthClient.id, gc.clientId);
    const reuse = await fetch(
      `${gc.url}/oauth/token`,
      form({ grant_type: 'refresh_token', refresh_token: t.refresh_token, client_id: gc.clientId }),
    );
    assert.equal(reuse.status, 400);
  });

  it('refuses client-credentials tokens on /users/me and unknown clients on /oauth/authorize', async () => {
    const cc = await fetch(`${gc.url}/oauth/token`, {
      ...form({ grant_type: 'client_credentials' }),
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${gc.clientId}:${gc.clientSecret}`).toString('base64')}`,
      },
    });
    const { access_token } = (await cc.json()) as { access_token: string };
    const me = await fetch(`${gc.url}/api/v2/users/me`, {
      headers: { authorization: `Bearer ${access_token}` },
    });
    assert.equal(me.status, 400);
    const unknown = await fetch(
      `${gc.url}/oauth/authorize?client_id=nope&response_type=code&redirect_uri=${encodeURIComponent(redirect)}`,
    );
    assert.equal(unknown.status, 400);
    const plain = await fetch(
      `${gc.url}/oauth/authorize?client_id=${gc.clientId}&response_type=code&redirect_uri=${encodeURIComponent(redirect)}&code_challenge=abc&code_challenge_method=plain`,
    );
    assert.equal(plain.status, 400);
  });
});
