/** The privacy settings, typed (declared in the platform's schema, read from the validated raw values). */
import { parseSetting, type Config } from '../../platform/config/load.ts';
import { settingList, type SettingName } from '../../platform/config/schema.ts';

export interface PrivacySettings {
  hashKey: string | undefined;
  deadlineMs: number;
  warnMs: number;
  lookbackMs: number;
  sfHardDelete: boolean;
  retention: { defaultDays: number; byMedia: Record<string, number>; cron: string };
  /** purpose → consent type */
  purposes: Record<string, string>;
  strictPurposes: string[];
  timezone: string;
}

const DAY = 86_400_000;

function value(config: Config, name: SettingName): string | number | boolean | undefined {
  const setting = settingList.find((s) => s.env === name);
  const raw = config.raw[name] ?? setting?.default;
  if (raw === undefined || setting === undefined || raw === '') return undefined;
  const parsed = parseSetting(setting, raw);
  if (typeof parsed === 'object') throw new Error(`${name}: ${parsed.error}`);
  return parsed;
}

/** `a=b,c=d` → { a: 'b', c: 'd' }; a malformed pair is a configuration error. */
export function parsePairs(name: string, text: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (text ?? '').split(',').map((s) => s.trim())) {
    if (part === '') continue;
    const m = /^([A-Za-z0-9_-]+)\s*=\s*([A-Za-z0-9_-]+)$/.exec(part);
    if (!m?.[1] || !m[2]) throw new Error(`${name}: "${part}" is not name=value`);
    out[m[1]] = m[2];
  }
  return out;
}

export function privacySettings(config: Config): PrivacySettings {
  const byMedia: Record<string, number> = {};
  for (const [media, days] of Object.entries(
    parsePairs(
      'PRIVACY_RETENTION_BY_MEDIA',
      value(config, 'PRIVACY_RETENTION_BY_MEDIA') as string | undefined,
    ),
  )) {
    const n = Number(days);
    if (!Number.isInteger(n) || n < 1)
      throw new Error(`PRIVACY_RETENTION_BY_MEDIA: ${media} needs whole days`);
    byMedia[media] = n;
  }
  return {
    hashKey: value(config, 'PRIVACY_HASH_KEY') as string | undefined,
    deadlineMs: (value(config, 'PRIVACY_ERASURE_DEADLINE_DAYS') as number) * DAY,
    warnMs: (value(config, 'PRIVACY_ERASURE_WARN_DAYS') as number) * DAY,
    lookbackMs: (value(config, 'PRIVACY_CONVERSATION_LOOKBACK_DAYS') as number) * DAY,
    sfHardDelete: value(config, 'PRIVACY_SF_HARD_DELETE') as boolean,
    retention: {
      defaultDays: value(config, 'PRIVACY_RETENTION_DAYS') as number,
      byMedia,
      cron: value(config, 'PRIVACY_RETENTION_CRON') as string,
    },
    purposes: parsePairs(
      'PRIVACY_CONSENT_PURPOSES',
      value(config, 'PRIVACY_CONSENT_PURPOSES') as string | undefined,
    ),
    strictPurposes: String(value(config, 'PRIVACY_CONSENT_STRICT') ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== ''),
    timezone: config.timezone,
  };
}
