/**
 * Contact-sync settings (`CONTACT_SYNC_*`, declared in `src/platform/config/schema.ts` with their
 * types and defaults), typed from the validated configuration's raw values. The mapping JSON and the
 * cron pattern are checked here (the schema knows them only as strings).
 */
import { Cron } from 'croner';
import { isSupportedCountry, type CountryCode } from 'libphonenumber-js';
import { ConfigError, parseSetting, type Config } from '../../platform/config/load.ts';
import { settingList, type SettingName } from '../../platform/config/schema.ts';
import { defaultSyncOptions, type ContactSyncOptions, type SyncDirection } from './engine.ts';
import { defaultMapping, MappingError, parseMapping } from './mapping.ts';
import type { Strategy, Winner } from './merge.ts';

export interface ContactSyncConfig {
  enabled: boolean;
  cron: string;
  options: ContactSyncOptions;
}

export function contactSyncConfig(config: Pick<Config, 'raw'>): ContactSyncConfig {
  const issues: Array<{ key: string; message: string }> = [];
  // The raw value, else the schema's default, parsed by the schema's type (loadConfig validated it already).
  const value = (name: SettingName): string | number | boolean | undefined => {
    const setting = settingList.find((s) => s.env === name);
    const raw = config.raw[name] ?? setting?.default;
    if (setting === undefined || raw === undefined || raw === '') return undefined;
    const parsed = parseSetting(setting, raw);
    if (typeof parsed !== 'object') return parsed;
    issues.push({ key: name, message: parsed.error });
    return undefined;
  };
  let mapping = [...defaultMapping];
  const mappingJson = value('CONTACT_SYNC_MAPPING') as string | undefined;
  if (mappingJson !== undefined) {
    try {
      mapping = parseMapping(JSON.parse(mappingJson));
    } catch (err) {
      issues.push({
        key: 'CONTACT_SYNC_MAPPING',
        message: err instanceof MappingError ? err.issues.join('; ') : 'not valid JSON',
      });
    }
  }
  const region = String(value('PHONE_DEFAULT_REGION') ?? 'US').toUpperCase();
  if (!isSupportedCountry(region))
    issues.push({ key: 'PHONE_DEFAULT_REGION', message: `${region} is unknown` });
  const cron = value('CONTACT_SYNC_CRON') as string;
  try {
    new Cron(cron, { paused: true }).stop();
  } catch (err) {
    issues.push({ key: 'CONTACT_SYNC_CRON', message: `not a cron pattern: ${(err as Error).message}` });
  }
  const enabled = value('CONTACT_SYNC_ENABLED') as boolean;
  const strategy = value('CONTACT_SYNC_STRATEGY') as Strategy;
  const direction = value('CONTACT_SYNC_DIRECTION') as SyncDirection;
  const tie = value('CONTACT_SYNC_TIE') as Winner;
  const onDelete = value('CONTACT_SYNC_ON_DELETE') as 'remove' | 'mark';
  const batchSize = value('CONTACT_SYNC_BATCH_SIZE') as number;
  const matchByNameAndAccount = value('CONTACT_SYNC_MATCH_NAME_ACCOUNT') as boolean;
  const overlapSeconds = value('CONTACT_SYNC_OVERLAP_SECONDS') as number;
  if (issues.length > 0) throw new ConfigError(issues);
  return {
    enabled,
    cron,
    options: {
      ...defaultSyncOptions,
      mapping,
      region: region as CountryCode,
      batchSize,
      strategy,
      tie,
      direction,
      onDelete,
      matchByNameAndAccount,
      overlapMs: overlapSeconds * 1000,
    },
  };
}
