/** The hub creates the connectors from its configuration and closes them on stop. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startGenesysSandbox } from '../../sandbox/genesys/index.ts';
import { startSalesforceSandbox } from '../../sandbox/salesforce/index.ts';
import { fixtureSecrets } from '../../test/fixtures/pii.ts';
import { startTestHub } from '../../test/support/hub.ts';
import { soql } from './salesforce/soql.ts';

void test('hub.connectors are wired from SALESFORCE_* / GENESYS_* settings and absent without them', async () => {
  const sf = await startSalesforceSandbox({
    seed: { accounts: 2, contactsPerAccount: 2 },
    clients: [{ clientId: 'pb-hub-sf', clientSecret: fixtureSecrets[2] }],
  });
  const gc = await startGenesysSandbox();
  gc.addOAuthClient({ clientId: 'pb-hub-gc', clientSecret: fixtureSecrets[2] });
  const t = await startTestHub({
    env: {
      SALESFORCE_LOGIN_URL: sf.url,
      SALESFORCE_CLIENT_ID: 'pb-hub-sf',
      SALESFORCE_CLIENT_SECRET: fixtureSecrets[2],
      SALESFORCE_API_VERSION: '65.0',
      GENESYS_API_URL: gc.url,
      GENESYS_CLIENT_ID: 'pb-hub-gc',
      GENESYS_CLIENT_SECRET: fixtureSecrets[2],
    },
  });
  try {
    const { salesforce, genesys } = t.hub.connectors;
    assert.ok(salesforce && genesys);
    assert.equal((await salesforce.query(soql`SELECT Id FROM Contact`)).totalSize, 4);
    const channel = await genesys.createNotificationChannel();
    assert.ok(channel.id);
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    assert.match(metrics, /patchbay_outbound_requests_total\{connector="genesys",outcome="2xx"\}/);
  } finally {
    await t.stop();
    await Promise.all([sf.close(), gc.close()]);
  }
  const bare = await startTestHub();
  try {
    assert.deepEqual(bare.hub.connectors, {});
  } finally {
    await bare.stop();
  }
});
