/**
 * Contact-sync settings (`CONTACT_SYNC_*`), read from the validated configuration's raw values,
 * with defaults: mapping = the seed's table, batches of 100, every 30 minutes, Salesforce → Genesys.
 */
import { isSupportedCountry, type CountryCode } from 'libphonenumber-js';
import { ConfigError, type Config } from '../../platform/config/load.ts';
import { defaultSyncOptions, type ContactSyncOptions, type SyncDirection } from './engine.ts';
import { defaultMapping, MappingError, parseMapping } from './mapping.ts';
import type { Strategy, Winner } from './merge.ts';

export interface ContactSyncConfig {
  enabled: boolean;
  cron: string;
  options: ContactSyncOptions;
}

const STRATEGIES: readonly Strategy[] = ['last-write-wins', 'field-priority', 'manual'];

export function contactSyncConfig(config: Pick<Config, 'raw'>): ContactSyncConfig {
  const raw = config.raw as Record<string, string | undefined>;
  const issues: Array<{ key: string; message: string }> = [];
  let mapping = [...defaultMapping];
  if (raw.CONTACT_SYNC_MAPPING !== undefined) {
    try {
      mapping = parseMapping(JSON.parse(raw.CONTACT_SYNC_MAPPING));
    } catch (err) {
      issues.push({
        key: 'CONTACT_SYNC_MAPPING',
        message: err instanceof MappingError ? err.issues.join('; ') : 'not valid JSON',
      });
    }
  }
  const region = (raw.PHONE_DEFAULT_REGION ?? 'US').toUpperCase();
  if (!isSupportedCountry(region))
    issues.push({ key: 'PHONE_DEFAULT_REGION', message: `${region} is unknown` });
  const strategy = (raw.CONTACT_SYNC_STRATEGY ?? defaultSyncOptions.strategy) as Strategy;
  if (!STRATEGIES.includes(strategy))
    issues.push({ key: 'CONTACT_SYNC_STRATEGY', message: `one of ${STRATEGIES.join(', ')}` });
  const direction = (raw.CONTACT_SYNC_DIRECTION ?? defaultSyncOptions.direction) as SyncDirection;
  if (direction !== 'sf-to-gc' && direction !== 'both')
    issues.push({ key: 'CONTACT_SYNC_DIRECTION', message: 'sf-to-gc or both' });
  const onDelete = raw.CONTACT_SYNC_ON_DELETE ?? 'remove';
  if (onDelete !== 'remove' && onDelete !== 'mark')
    issues.push({ key: 'CONTACT_SYNC_ON_DELETE', message: 'remove or mark' });
  const batch = Number(raw.CONTACT_SYNC_BATCH_SIZE ?? '100');
  if (!Number.isInteger(batch) || batch < 1 || batch > 100)
    issues.push({ key: 'CONTACT_SYNC_BATCH_SIZE', message: 'an integer 1–100' });
  if (issues.length > 0) throw new ConfigError(issues);
  return {
    enabled: ['true', '1', 'yes'].includes((raw.CONTACT_SYNC_ENABLED ?? 'true').toLowerCase()),
    cron: raw.CONTACT_SYNC_CRON ?? '*/30 * * * *',
    options: {
      ...defaultSyncOptions,
      mapping,
      region: region as CountryCode,
      batchSize: batch,
      strategy,
      tie: (raw.CONTACT_SYNC_TIE ?? 'salesforce') as Winner,
      direction,
      onDelete: onDelete as 'remove' | 'mark',
      matchByNameAndAccount: raw.CONTACT_SYNC_MATCH_NAME_ACCOUNT === 'true',
      overlapMs: Number(raw.CONTACT_SYNC_OVERLAP_SECONDS ?? '60') * 1000,
    },
  };
}
