/**
 * Browser test (Playwright + Debian Chromium): the agent signs in on /desktop with Genesys (PKCE);
 * a simulated call ringing at that agent (participant `alerting`) opens the caller's Salesforce
 * record page within 1 s of the alert, answering it does not pop again, and a second call reuses
 * the same named window.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { startGenesysSandbox, type GenesysSandbox } from '../../../sandbox/genesys/index.ts';
import {
  startSalesforceSandbox,
  type SalesforceSandbox,
  type SeedSummary,
} from '../../../sandbox/salesforce/index.ts';
import { fixtureSecrets } from '../../../test/fixtures/pii.ts';
import { startTestHub, type TestHub, sandboxEnv } from '../../../test/support/hub.ts';
import { launchChromium } from '../../../test/support/browser.ts';

const TOKEN = fixtureSecrets[0];
let sf: SalesforceSandbox;
let gc: GenesysSandbox;
let hub: TestHub;
let seed: SeedSummary;
let browser: Browser | undefined;

async function json<T>(url: string, method = 'GET', body?: unknown): Promise<T> {
  const res = await fetch(url, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  assert.ok(res.ok, `${method} ${url} → ${res.status}`);
  return (await res.json()) as T;
}

before(async () => {
  sf = await startSalesforceSandbox();
  seed = sf.seed({ accounts: 20, contactsPerAccount: 4, tasksPerContact: 2, casesPerAccount: 2 });
  gc = await startGenesysSandbox();
  hub = await startTestHub({
    env: {
      ...sandboxEnv(sf, gc),
      SCREEN_POP_TOKEN: TOKEN,
    },
  });
  await json(`${gc.url}/__sandbox/conversations/config/flow`, 'PUT', {
    enabled: true,
    url: `${hub.url}/v1/data-actions/contact-lookup`,
    auth: { type: 'header', name: 'X-Patchbay-Token', value: TOKEN },
    timeoutSeconds: 3,
  });
});

after(async () => {
  await browser?.close();
  await hub?.stop();
  await Promise.allSettled([sf?.close(), gc?.close()]);
});

async function call(
  ani: string,
  userId: string,
  queueId: string,
): Promise<{ alertedAt: number; contactId: string; answer: () => Promise<unknown> }> {
  const conv = await json<{
    id: string;
    participants: Array<{ purpose: string; attributes: Record<string, string> }>;
  }>(`${gc.url}/__sandbox/conversations`, 'POST', { ani, queueId });
  const contactId = conv.participants.find((p) => p.purpose === 'customer')?.attributes.contact_id ?? '';
  assert.notEqual(contactId, '', 'the flow set contact_id');
  const alertedAt = Date.now();
  await json(`${gc.url}/__sandbox/conversations/${conv.id}/alert`, 'POST', { userId });
  const answer = () => json(`${gc.url}/__sandbox/conversations/${conv.id}/answer`, 'POST', { userId });
  return { alertedAt, contactId, answer };
}

async function waitForUrl(page: Page, suffix: string, deadlineMs: number): Promise<number> {
  const end = Date.now() + deadlineMs;
  while (Date.now() < end) {
    if (page.url().endsWith(suffix)) return Date.now();
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`the CRM window did not show ${suffix} (at ${page.url()})`);
}

void test('a call ringing at the signed-in agent pops the caller record within 1 s of alerting; a second call reuses the window', async () => {
  browser = await launchChromium();
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${hub.url}/desktop`);
  await page.click('#signin-button');
  await page.waitForURL(/\/oauth\/authorize/);
  await page.fill('input[name=password]', 'sandbox');
  await page.click('button[type=submit]');
  await page.waitForSelector('body[data-ready="true"]', { timeout: 10_000 });
  const userId = (await page.getAttribute('body', 'data-user-id')) ?? '';
  assert.notEqual(userId, '');

  const dir = await json<{ queues: Array<{ id: string }> }>(`${gc.url}/__sandbox/conversations/directory`);
  const queueId = dir.queues[0]?.id ?? '';

  const popup = context.waitForEvent('page');
  const first = await call(seed.samplePhones[0] ?? '', userId, queueId);
  const crm = await popup;
  const shownAt = await waitForUrl(crm, `/lightning/r/Contact/${first.contactId}/view`, 5_000);
  assert.ok(
    shownAt - first.alertedAt <= 1_000,
    `record shown ${shownAt - first.alertedAt} ms after the call alerted`,
  );
  await page.waitForSelector('#caller-name');
  await page.waitForSelector('#cases');
  // Answering the call that already popped does not pop it again.
  await first.answer();

  const second = await call(seed.samplePhones[1] ?? '', userId, queueId);
  assert.notEqual(second.contactId, first.contactId);
  const shownAgain = await waitForUrl(crm, `/lightning/r/Contact/${second.contactId}/view`, 5_000);
  assert.ok(
    shownAgain - second.alertedAt <= 1_000,
    `second record shown ${shownAgain - second.alertedAt} ms after the call alerted`,
  );
  await second.answer();
  assert.equal(context.pages().length, 2, 'the desktop and one CRM window, no new window per call');
  assert.deepEqual(await page.evaluate('window.patchbayPops.length'), 2);
});
