/**
 * The mirror's sync against the Salesforce emulator, on both databases: what happened while the
 * mirror was not running (contact and account changes) arrives with the next start's catch-up.
 */
import assert from 'node:assert/strict';
import { createSalesforceConnector } from '../../connectors/salesforce/client.ts';
import { startSalesforceSandbox } from '../../../sandbox/salesforce/index.ts';
import { testEachDialect } from '../../../test/support/databases.ts';
import { testLogger } from '../../../test/support/logger.ts';
import { createSfMirror, sfMirrorMigrations } from './index.ts';
import { defaultMirrorOptions } from './model.ts';

testEachDialect(
  'changes made while the mirror was not running (an account rename too) arrive with the catch-up at the next start',
  async (_t, { store }) => {
    // Salesforce's clock: the offline changes come well after the load, beyond the catch-up's overlap.
    let clock = Date.now();
    const sf = await startSalesforceSandbox({ now: () => clock });
    /** One run of the mirror: start (load or catch-up), stop, disconnect. */
    const run = async () => {
      const source = createSalesforceConnector({
        loginUrl: sf.url,
        clientId: sf.clientId,
        clientSecret: sf.clientSecret,
        log: testLogger(),
      });
      const mirror = createSfMirror({
        store,
        log: testLogger(),
        source,
        options: { ...defaultMirrorOptions, catchUpMs: 0, overlapMs: 1_000, pageSize: 2_000 },
      });
      assert.ok(mirror.sync);
      await (
        await mirror.sync.start()
      )();
      await source.close();
      return mirror;
    };
    try {
      sf.seed({ accounts: 3, contactsPerAccount: 3 });
      assert.equal((await (await run()).status()).contacts, 9);

      const contacts = [...sf.store.scan(sf.store.meta('Contact'))];
      const c = contacts.find((r) => typeof r.AccountId === 'string');
      const other = contacts.find((r) => typeof r.AccountId === 'string' && r.AccountId !== c?.AccountId);
      assert.ok(c && other);
      const [id, accountId] = [String(c.Id), String(c.AccountId)];
      // A later change elsewhere moves the catch-up's watermark past the seeded contacts.
      clock += 10 * 60_000;
      sf.store.update('Contact', String(other.Id), { Title: 'Moved on' });
      await run();
      // While the mirror is down: the account is renamed and one of its contacts gets a new number.
      clock += 10 * 60_000;
      sf.store.update('Account', accountId, { Name: 'Offline Rename Inc' });
      sf.store.update('Contact', id, { Phone: '(212) 555-0186' });

      const mirror = await run();
      const found = await mirror.findByPhone('+12125550186', 5);
      assert.deepEqual(
        found.contacts.map((x) => [x.id, x.accountName]),
        [[id, 'Offline Rename Inc']],
      );
      // The account's other contacts did not change (the contact catch-up does not read them), but their account name did.
      const all = await mirror.repo.findByAccount(accountId, 10);
      assert.equal(all.length, 3);
      for (const o of all) assert.equal(o.accountName, 'Offline Rename Inc');
    } finally {
      await sf.close();
    }
  },
  { migrations: sfMirrorMigrations },
);
