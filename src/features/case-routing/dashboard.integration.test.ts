/**
 * The status dashboard in Chromium: two organisations (this hub, routing healthy; one whose
 * heartbeat does not answer), lights green/red, and copy → load of the configuration.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { startCicSandbox, type CicSandbox } from '../../../sandbox/cic/index.ts';
import { startSalesforceSandbox, type SalesforceSandbox } from '../../../sandbox/salesforce/index.ts';
import { startTestHub, type TestHub } from '../../../test/support/hub.ts';
import { launchChromium } from '../../../test/support/browser.ts';

let sf: SalesforceSandbox;
let cic: CicSandbox;
let hub: TestHub;
let browser: Browser;

/** A loopback port with nothing listening (the "down" organisation). */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

before(async () => {
  sf = await startSalesforceSandbox();
  cic = await startCicSandbox();
  hub = await startTestHub({
    env: {
      CASE_ROUTING_ENABLED: 'true',
      PATCHBAY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    },
  });
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await hub?.stop();
  await cic?.close();
  await sf?.close();
});

void test('credential pages, then the dashboard: one healthy, one down; copy/load config round-trips', async () => {
  const page = await browser.newPage();
  // Credentials through the seed's pages (/loginIc → /loginSf).
  await page.goto(`${hub.url}/loginIc`);
  await page.fill('#apiKey', hub.apiKey);
  await page.dispatchEvent('#apiKey', 'change');
  await page.fill('#server', cic.primaryUrl);
  await page.fill('#switchoverServer', cic.switchoverUrl);
  await page.fill('#userId', 'sors');
  await page.fill('#password', 'sors-sandbox-password');
  await page.click('button[type=submit]');
  await page.waitForURL(`${hub.url}/loginSf`);
  await page.fill('#loginUrl', sf.url);
  await page.fill('#clientId', sf.clientId);
  await page.fill('#clientSecret', sf.clientSecret);
  await page.click('button[type=submit]');
  await page.waitForFunction("document.getElementById('msg').textContent.startsWith('Saved')");

  // The hub connects to both once the credentials exist.
  for (let i = 0; i < 200 && (await fetch(`${hub.url}/routing/heartbeat`)).status !== 200; i++)
    await new Promise((r) => setTimeout(r, 50));

  await page.goto(`${hub.url}/routing/status`);
  assert.match((await page.textContent('#legend')) ?? '', /Green = healthy/);
  const add = async (organization: string, server: string, heartbeatUrl: string) => {
    await page.fill('#organization', organization);
    await page.fill('#server', server);
    await page.fill('#heartbeatUrl', heartbeatUrl);
    await page.click('#add button[type=submit]');
    await page.waitForSelector(`tr[data-org="${organization}"]`);
  };
  const down = `http://127.0.0.1:${await closedPort()}`;
  await add('Genesys', hub.url, `${hub.url}/routing/heartbeat`);
  await add('Microsoft', down, `${down}/routing/heartbeat`);
  const light = (org: string) => page.getAttribute(`tr[data-org="${org}"] .light`, 'data-status');
  assert.equal(await light('Genesys'), 'healthy');
  assert.equal(await light('Microsoft'), 'down');
  const colour = (org: string) =>
    page.evaluate<string>(
      `getComputedStyle(document.querySelector('tr[data-org="${org}"] .light')).backgroundColor`,
    );
  const green = await colour('Genesys');
  const red = await colour('Microsoft');
  assert.equal(green, 'rgb(46, 158, 68)');
  assert.equal(red, 'rgb(198, 40, 40)');
  assert.match((await page.textContent('tr[data-org="Genesys"]')) ?? '', /Successfully connected/);

  // Copy, delete both, load the copied text: the same two rows come back.
  await page.click('#copy');
  await page.waitForFunction("document.getElementById('config').value.length > 0");
  const copied = JSON.parse(await page.inputValue('#config')) as { organizations: unknown[] };
  assert.deepEqual(copied, {
    organizations: [
      { organization: 'Genesys', server: hub.url, heartbeatUrl: `${hub.url}/routing/heartbeat` },
      { organization: 'Microsoft', server: down, heartbeatUrl: `${down}/routing/heartbeat` },
    ],
  });
  for (const org of ['Genesys', 'Microsoft']) {
    await page.click(`tr[data-org="${org}"] button[data-delete]`);
    await page.waitForSelector(`tr[data-org="${org}"]`, { state: 'detached' });
  }
  await page.click('#load');
  await page.waitForSelector('tr[data-org="Microsoft"]');
  const orgs = await page.$$eval('#rows tr', (rows) => rows.map((r) => r.getAttribute('data-org')));
  assert.deepEqual(orgs, ['Genesys', 'Microsoft']);
  assert.equal(await light('Genesys'), 'healthy');
  assert.equal(await light('Microsoft'), 'down');
  const bad = await fetch(`${hub.url}/routing/status/config`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${hub.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      organizations: [{ organization: 'x', server: 'ftp://x', heartbeatUrl: 'http://x' }],
    }),
  });
  assert.equal(bad.status, 400);
  assert.equal(((await bad.json()) as { error: { code: string } }).error.code, 'validation_failed');
});
