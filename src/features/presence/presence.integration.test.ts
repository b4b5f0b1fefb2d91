/**
 * The presence dashboard end to end: 1,000 agents on the Genesys emulator, the hub's feed over
 * notification channels, the page in Chromium (Playwright), a dropped socket, and the emulator's
 * own records of channels and subscription requests checked against the platform limits.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { startGenesysSandbox, type GenesysSandbox } from '../../../sandbox/genesys/index.ts';
import { startTestHub, type TestHub } from '../../../test/support/hub.ts';
import { LIMITS } from './model.ts';
import { launchChromium } from '../../../test/support/browser.ts';

const until = async (what: string, check: () => boolean | Promise<boolean>, ms = 20_000) => {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

void describe('presence dashboard with 1,000 agents', () => {
  let gc: GenesysSandbox;
  let t: TestHub;
  let browser: Browser;
  let token: string;
  before(async () => {
    gc = await startGenesysSandbox({ seed: { users: 1000, queues: 4 } });
    t = await startTestHub({
      env: {
        GENESYS_API_URL: gc.url,
        GENESYS_CLIENT_ID: gc.clientId,
        GENESYS_CLIENT_SECRET: gc.clientSecret,
        PRESENCE_POLL_SECONDS: '1',
      },
    });
    browser = await launchChromium();
    const res = await fetch(`${gc.url}/oauth/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${gc.clientId}:${gc.clientSecret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
    });
    token = ((await res.json()) as { access_token: string }).access_token;
    await until('the feed to be live', () => t.hub.presence.feed() !== undefined && !t.hub.presence.stale());
  });
  after(async () => {
    await browser?.close();
    await t?.stop();
    await gc?.close();
  });

  const setPresence = async (userId: string, presence: string) => {
    const res = await fetch(`${gc.url}/api/v2/users/${userId}/presences/purecloud`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ presenceDefinition: { id: presence } }),
    });
    assert.equal(res.status, 200, await res.text());
  };
  const users = () => [...gc.directory.users.values()];

  void it('subscribes all 1,000 agents within the limits (emulator channels and request log)', () => {
    assert.equal(t.hub.presence.board.agents.size, 1000);
    const channels = gc.hub.list(() => true);
    assert.ok(
      channels.length >= 2 && channels.length <= LIMITS.channelsPerClient,
      `${channels.length} channels`,
    );
    for (const c of channels) assert.ok(c.topics.size <= LIMITS.topicsPerChannel, `${c.topics.size} topics`);
    const topics = new Set(channels.flatMap((c) => [...c.topics]));
    for (const u of users()) {
      assert.ok(topics.has(`v2.users.${u.id}.presence`));
      assert.ok(topics.has(`v2.users.${u.id}.routingStatus`));
    }
    const subs = gc.requests({ pathPrefix: '/api/v2/notifications/channels' });
    assert.ok(subs.length > 0);
    assert.deepEqual(
      subs.filter((r) => r.status >= 400).map((r) => `${r.method} ${r.status}`),
      [],
      'no request refused',
    );
    assert.ok(
      subs.filter((r) => r.method === 'POST' && r.path === '/api/v2/notifications/channels').length <=
        LIMITS.channelsPerClient,
    );
  });

  void it('signs in (admin key), shows the grid, and a presence change in the sandbox appears in the page', async () => {
    const page = await browser.newPage();
    await page.goto(`${t.url}/dashboard/presence`);
    assert.match(page.url(), /\/dashboard\/login/);
    await page.fill('input[name=apiKey]', t.apiKey);
    await page.click('button[type=submit]');
    await page.waitForURL(/\/dashboard\/presence$/);
    await page.waitForSelector('body:not(.stale) .agent');
    assert.equal(await page.locator('.agent').count(), 1000);
    const [a, b] = users();
    assert.ok(a && b);
    await setPresence(a.id, 'Break');
    await page.waitForSelector(`[data-id="${a.id}"][data-status="BREAK"]`, { timeout: 10_000 });
    assert.match((await page.locator(`[data-id="${a.id}"] .st`).textContent()) ?? '', /Break/);

    // Drop every notification socket (no warning); change a presence while they are down.
    gc.dropSockets({ warn: false });
    await setPresence(b.id, 'Meal');
    await setPresence(a.id, 'Training');
    await page.waitForSelector(`[data-id="${b.id}"][data-status="MEAL"]`, { timeout: 15_000 });
    await page.waitForSelector(`[data-id="${a.id}"][data-status="TRAINING"]`, { timeout: 15_000 });
    await page.waitForSelector('body:not(.stale)', { timeout: 15_000 });

    // A maintenance close with warning (socket_closing): the feed swaps sockets and keeps going.
    gc.dropSockets({ warn: true });
    await setPresence(b.id, 'Available');
    await page.waitForSelector(`[data-id="${b.id}"][data-status="AVAILABLE"]`, { timeout: 15_000 });
    await until('the feed to be live again', () => !t.hub.presence.stale());
    await page.close();

    // The state is in the database too.
    const row = await t.hub.store.db
      .selectFrom('presence_agents')
      .selectAll()
      .where('user_id', '=', b.id)
      .executeTakeFirst();
    await until(
      'the row to be flushed',
      async () =>
        (
          await t.hub.store.db
            .selectFrom('presence_agents')
            .select('status')
            .where('user_id', '=', b.id)
            .executeTakeFirst()
        )?.status === 'AVAILABLE',
    );
    assert.ok(row);
    // Still within the limits after reconnects.
    const channels = gc.hub.list(() => true);
    assert.ok(channels.length <= LIMITS.channelsPerClient);
    for (const c of channels) assert.ok(c.topics.size <= LIMITS.topicsPerChannel);
  });

  void it('signs in with Genesys (authorization code + PKCE) through the emulated login page', async () => {
    const page = await browser.newPage();
    await page.goto(`${t.url}/dashboard/login?next=/dashboard/presence`);
    await page.click('#genesys');
    await page.waitForSelector('select[name=username]');
    await page.fill('input[name=password]', 'sandbox');
    await page.click('button[type=submit]');
    await page.waitForURL(/\/dashboard\/presence$/);
    await page.waitForSelector('.agent');
    await page.close();
    const ws = await fetch(`${t.url}/dashboard/presence`, { redirect: 'manual' });
    assert.equal(ws.status, 302, 'no session, no dashboard');
  });
});
