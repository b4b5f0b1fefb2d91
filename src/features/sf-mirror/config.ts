/** The mirror's settings (`SF_MIRROR_*`, `PHONE_DEFAULT_REGION`), read from the validated config. */
import { isSupportedCountry, type CountryCode } from 'libphonenumber-js';
import { isValidIdentifier } from '../../connectors/salesforce/soql.ts';
import { ConfigError, type Config } from '../../platform/config/load.ts';
import type { MirrorSyncOptions } from './sync.ts';

export interface SfMirrorConfig extends MirrorSyncOptions {
  enabled: boolean;
}

export function sfMirrorConfig(config: Pick<Config, 'raw'>): SfMirrorConfig {
  const raw = config.raw as Record<string, string | undefined>;
  const issues: Array<{ key: string; message: string }> = [];
  const region = (raw.PHONE_DEFAULT_REGION ?? 'US').toUpperCase();
  if (!isSupportedCountry(region))
    issues.push({
      key: 'PHONE_DEFAULT_REGION',
      message: `${region} is not an ISO 3166 region libphonenumber knows`,
    });
  const phoneFields = (raw.SF_MIRROR_PHONE_FIELDS ?? 'Phone,MobilePhone,HomePhone,OtherPhone')
    .split(',')
    .map((f) => f.trim())
    .filter((f) => f !== '');
  for (const f of phoneFields)
    if (!isValidIdentifier(f))
      issues.push({ key: 'SF_MIRROR_PHONE_FIELDS', message: `${f} is not a field name` });
  if (phoneFields.length === 0)
    issues.push({ key: 'SF_MIRROR_PHONE_FIELDS', message: 'name at least one field' });
  const tierField = (raw.SF_MIRROR_TIER_FIELD ?? 'Custom_Tier__c').trim();
  if (tierField !== '' && !isValidIdentifier(tierField))
    issues.push({ key: 'SF_MIRROR_TIER_FIELD', message: `${tierField} is not a field name` });
  if (issues.length > 0) throw new ConfigError(issues);
  return {
    enabled: ['true', '1', 'yes'].includes((raw.SF_MIRROR_ENABLED ?? 'true').toLowerCase()),
    phoneFields,
    tierField,
    defaultRegion: region as CountryCode,
    catchUpMs: Number(raw.SF_MIRROR_CATCHUP_SECONDS ?? '300') * 1000,
    overlapMs: Number(raw.SF_MIRROR_OVERLAP_SECONDS ?? '60') * 1000,
    pageSize: 2000,
  };
}
