import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fixtureSecrets } from '../../../test/fixtures/pii.ts';
import { ConfigError, describeConfig, loadConfig } from './load.ts';

test('defaults give a runnable hub on SQLite', () => {
  const c = loadConfig({ env: {} });
  assert.equal(c.port, 8080);
  assert.equal(c.host, '127.0.0.1');
  assert.equal(c.databaseUrl, undefined);
  assert.equal(c.sqlitePath, '.data/patchbay.sqlite');
  assert.equal(c.jobs.maxAgeMs, 72 * 3600 * 1000);
  assert.equal(c.salesforce, undefined);
});

test('invalid configuration lists every bad key with a reason', () => {
  const env = {
    PATCHBAY_PORT: 'eighty',
    LOG_LEVEL: 'loud',
    DATABASE_URL: 'mysql://x',
    PATCHBAY_TIMEZONE: 'Mars/Base',
    PATCHBAY_ENCRYPTION_KEY: 'c2hvcnQ=',
    SALESFORCE_CLIENT_ID: 'abc',
  };
  assert.throws(
    () => loadConfig({ env }),
    (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.deepEqual(
        e.issues.map((i) => i.key).sort(),
        [
          'DATABASE_URL',
          'LOG_LEVEL',
          'PATCHBAY_ENCRYPTION_KEY',
          'PATCHBAY_PORT',
          'PATCHBAY_TIMEZONE',
          'SALESFORCE_CLIENT_SECRET',
          'SALESFORCE_LOGIN_URL',
        ].sort(),
      );
      assert.match(e.message, /PATCHBAY_PORT: must be an integer/);
      assert.match(e.message, /LOG_LEVEL: must be one of/);
      return true;
    },
  );
});

test('out-of-range numbers are rejected', () => {
  assert.throws(() => loadConfig({ env: { PATCHBAY_PORT: '70000' } }), /PATCHBAY_PORT: must be <= 65535/);
});

test('config check masks every secret, including the password inside DATABASE_URL', () => {
  const [secret, other] = fixtureSecrets;
  const c = loadConfig({
    env: {
      DATABASE_URL: `postgres://hub:${secret}@db:5432/patchbay`,
      SALESFORCE_LOGIN_URL: 'https://login.salesforce.com',
      SALESFORCE_CLIENT_ID: 'id',
      SALESFORCE_CLIENT_SECRET: other,
    },
  });
  const printed = JSON.stringify(describeConfig(c));
  assert.ok(!printed.includes(secret));
  assert.ok(!printed.includes(other));
  assert.match(printed, /postgres:\/\/hub:\*\*\*@db:5432\/patchbay/);
  assert.ok(c.salesforce);
});

test('the PostgreSQL pool size defaults to 10 and refuses a pool of none', () => {
  assert.equal(loadConfig({ env: {} }).databasePoolSize, 10);
  assert.equal(loadConfig({ env: { DATABASE_POOL_SIZE: '40' } }).databasePoolSize, 40);
  assert.throws(
    () => loadConfig({ env: { DATABASE_POOL_SIZE: '0' } }),
    (e: unknown) => e instanceof ConfigError && e.issues.some((i) => i.key === 'DATABASE_POOL_SIZE'),
  );
});
