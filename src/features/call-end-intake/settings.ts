/**
 * The call-logging settings (intake, activity log, back office, save-log), typed. They are
 * declared in the platform's settings schema (so `config check` and the README list them) and
 * read here from the validated raw values, so the platform's loader needs no knowledge of them.
 */
import type { CountryCode } from 'libphonenumber-js';
import { parseSetting, type Config } from '../../platform/config/load.ts';
import { settingList, type SettingName } from '../../platform/config/schema.ts';
import type { SignatureScheme, VerifierConfig } from './signatures.ts';

export type NotFoundPolicy = 'skip' | 'create-contact' | 'unknown-caller-account';
export type TaskKeyMode = 'external-id' | 'call-object';

export interface CallLoggingSettings {
  callEnd: VerifierConfig;
  supportResult: VerifierConfig;
  saveLog: VerifierConfig;
  notificationQueueIds: string[];
  /** Region of caller IDs without a country code (PHONE_DEFAULT_REGION, as the screen-pop index uses). */
  phoneRegion: CountryCode;
  activityLog: {
    notFound: NotFoundPolicy;
    unknownCallerAccountId: string | undefined;
    taskKey: TaskKeyMode;
    /** Task field → source path (`queueName`, `attributes.customer_tier`, …). */
    fieldMap: Array<{ field: string; source: string }>;
    recordingTimeoutMs: number;
    timezone: string;
  };
  backoffice: { url: string | undefined; customers: 'every' | 'last' };
  saveLogUpsertEvents: string[];
}

function value(config: Config, name: SettingName): string | number | boolean | undefined {
  const raw = config.raw[name] ?? settingList.find((s) => s.env === name)?.default;
  if (raw === undefined) return undefined;
  const setting = settingList.find((s) => s.env === name);
  if (!setting) return undefined;
  const parsed = parseSetting(setting, raw);
  if (typeof parsed === 'object') throw new Error(`${name}: ${parsed.error}`);
  return parsed;
}

const list = (v: unknown): string[] =>
  typeof v === 'string'
    ? v
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '')
    : [];

/** `Field=source,Field2=source2` → pairs; a malformed entry is a configuration error. */
export function parseFieldMap(text: string | undefined): Array<{ field: string; source: string }> {
  return list(text).map((entry) => {
    const m = /^([A-Za-z][A-Za-z0-9_]*)\s*=\s*([A-Za-z_][A-Za-z0-9_.]*)$/.exec(entry);
    if (!m?.[1] || !m[2]) throw new Error(`ACTIVITY_LOG_FIELD_MAP: "${entry}" is not Field=source`);
    return { field: m[1], source: m[2] };
  });
}

export function callLoggingSettings(config: Config): CallLoggingSettings {
  const tokenHeader = String(value(config, 'WEBHOOK_TOKEN_HEADER')).toLowerCase();
  const toleranceSeconds = value(config, 'WEBHOOK_TOLERANCE_SECONDS') as number;
  const verifier = (scheme: SettingName, secrets: SettingName): VerifierConfig => ({
    scheme: value(config, scheme) as SignatureScheme,
    secrets: list(value(config, secrets)),
    tokenHeader,
    toleranceSeconds,
  });
  return {
    callEnd: verifier('CALL_END_SIGNATURE', 'CALL_END_SECRETS'),
    supportResult: verifier('SUPPORT_RESULT_SIGNATURE', 'SUPPORT_RESULT_SECRETS'),
    saveLog: verifier('SAVE_LOG_SIGNATURE', 'SAVE_LOG_SECRETS'),
    notificationQueueIds: list(value(config, 'CALL_END_NOTIFICATION_QUEUE_IDS')),
    phoneRegion: String(value(config, 'PHONE_DEFAULT_REGION')).toUpperCase() as CountryCode,
    activityLog: {
      notFound: value(config, 'ACTIVITY_LOG_NOT_FOUND') as NotFoundPolicy,
      unknownCallerAccountId: value(config, 'ACTIVITY_LOG_UNKNOWN_CALLER_ACCOUNT_ID') as string | undefined,
      taskKey: value(config, 'ACTIVITY_LOG_TASK_KEY') as TaskKeyMode,
      fieldMap: parseFieldMap(value(config, 'ACTIVITY_LOG_FIELD_MAP') as string | undefined),
      recordingTimeoutMs: value(config, 'ACTIVITY_LOG_RECORDING_TIMEOUT_MS') as number,
      timezone: config.timezone,
    },
    backoffice: {
      url: value(config, 'BACKOFFICE_URL') as string | undefined,
      customers: value(config, 'BACKOFFICE_CUSTOMERS') as 'every' | 'last',
    },
    saveLogUpsertEvents: list(value(config, 'SAVE_LOG_UPSERT_EVENTS')),
  };
}
