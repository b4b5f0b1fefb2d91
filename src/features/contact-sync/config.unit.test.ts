/** The contact-sync settings come from the schema (types, defaults) through the loaded configuration. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '../../platform/config/load.ts';
import { contactSyncConfig } from './config.ts';
import { defaultMapping } from './mapping.ts';

void test('defaults come from the schema', () => {
  const cfg = contactSyncConfig(loadConfig({ env: {} }));
  assert.equal(cfg.enabled, true);
  assert.equal(cfg.cron, '*/30 * * * *');
  assert.deepEqual(cfg.options.mapping, defaultMapping);
  assert.equal(cfg.options.strategy, 'field-priority');
  assert.equal(cfg.options.direction, 'sf-to-gc');
  assert.equal(cfg.options.tie, 'salesforce');
  assert.equal(cfg.options.onDelete, 'remove');
  assert.equal(cfg.options.batchSize, 100);
  assert.equal(cfg.options.matchByNameAndAccount, false);
  assert.equal(cfg.options.overlapMs, 60_000);
});

void test('settings are read through the configuration, typed', () => {
  const cfg = contactSyncConfig(
    loadConfig({
      env: {
        CONTACT_SYNC_ENABLED: 'no',
        CONTACT_SYNC_CRON: '*/5 * * * *',
        CONTACT_SYNC_STRATEGY: 'manual',
        CONTACT_SYNC_DIRECTION: 'both',
        CONTACT_SYNC_TIE: 'genesys',
        CONTACT_SYNC_ON_DELETE: 'mark',
        CONTACT_SYNC_BATCH_SIZE: '25',
        CONTACT_SYNC_MATCH_NAME_ACCOUNT: 'true',
        CONTACT_SYNC_OVERLAP_SECONDS: '5',
      },
    }),
  );
  assert.equal(cfg.enabled, false);
  assert.equal(cfg.cron, '*/5 * * * *');
  assert.equal(cfg.options.strategy, 'manual');
  assert.equal(cfg.options.direction, 'both');
  assert.equal(cfg.options.tie, 'genesys');
  assert.equal(cfg.options.onDelete, 'mark');
  assert.equal(cfg.options.batchSize, 25);
  assert.equal(cfg.options.matchByNameAndAccount, true);
  assert.equal(cfg.options.overlapMs, 5_000);
});

void test('the loader rejects bad values; the feature rejects a bad mapping and cron', () => {
  assert.throws(
    () => loadConfig({ env: { CONTACT_SYNC_BATCH_SIZE: '500', CONTACT_SYNC_DIRECTION: 'gc-to-sf' } }),
    (err: unknown) =>
      err instanceof ConfigError &&
      err.issues.some((i) => i.key === 'CONTACT_SYNC_BATCH_SIZE') &&
      err.issues.some((i) => i.key === 'CONTACT_SYNC_DIRECTION'),
  );
  assert.throws(
    () =>
      contactSyncConfig(
        loadConfig({ env: { CONTACT_SYNC_MAPPING: '{not json', CONTACT_SYNC_CRON: 'every day' } }),
      ),
    (err: unknown) =>
      err instanceof ConfigError &&
      err.issues.some((i) => i.key === 'CONTACT_SYNC_MAPPING') &&
      err.issues.some((i) => i.key === 'CONTACT_SYNC_CRON'),
  );
});
