/**
 * Loads the configuration from (highest precedence first) the environment, `.env`, and an
 * optional JSON file, validates every setting, and reports every bad key at once.
 */
import { existsSync, readFileSync } from 'node:fs';
import { Cron } from 'croner';
import { parse as parseDotenv } from 'dotenv';
import { settingList as settings, type Setting, type SettingName } from './schema.ts';

export interface Config {
  host: string;
  port: number;
  publicUrl: string;
  databaseUrl: string | undefined;
  /** PostgreSQL connections per process (DATABASE_POOL_SIZE). */
  databasePoolSize: number;
  /** Hot statements prepared per PostgreSQL connection (DATABASE_PREPARED_STATEMENTS). */
  databasePreparedStatements: boolean;
  sqlitePath: string;
  logLevel: string;
  logFile: string | undefined;
  bodyLimitBytes: number;
  encryptionKey: Buffer | undefined;
  timezone: string;
  jobs: { leaseMs: number; maxAgeMs: number; pollMs: number; shutdownDeadlineMs: number };
  salesforce: { loginUrl: string; clientId: string; clientSecret: string; apiVersion: string } | undefined;
  genesys:
    | {
        apiUrl: string;
        loginUrl: string;
        clientId: string;
        clientSecret: string;
        loginClientId: string;
        /** Requests per minute for the OAuth client, across replicas (GENESYS_RATE_LIMIT_PER_MINUTE). */
        rateLimitPerMinute: number;
      }
    | undefined;
  /** Outgoing mail (SMTP_URL); undefined when not configured. */
  mail: { url: string; from: string } | undefined;
  reports: {
    recipients: string[];
    cron: string;
    targets: { serviceLevelPercent: number; ahtSeconds: number; abandonPercent: number };
  };
  presence: { enabled: boolean; pollMs: number };
  /** Lease TTL of single-owner tasks (src/platform/leader). */
  leadership: { ttlMs: number };
  /** Alert sinks beyond the log (src/platform/alerts); empty `emailTo` = no e-mail. */
  alerts: { webhookUrl: string | undefined; emailTo: string[]; renotifyMs: number };
  /** Where each setting's effective value came from, for `config check`. */
  sources: Partial<Record<SettingName, 'env' | '.env' | 'file' | 'default'>>;
  raw: Partial<Record<SettingName, string>>;
}

export interface ConfigIssue {
  key: string;
  message: string;
}

export class ConfigError extends Error {
  readonly issues: ConfigIssue[];
  constructor(issues: ConfigIssue[]) {
    super(`Invalid configuration:\n${issues.map((i) => `  - ${i.key}: ${i.message}`).join('\n')}`);
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

export interface ConfigSources {
  env?: Record<string, string | undefined>;
  /** Path of a `.env` file; missing file is fine. */
  dotenvPath?: string;
  /** Path of a JSON config file (`{ "PATCHBAY_PORT": 8080, ... }`); must exist when given. */
  configFile?: string | undefined;
}

const known = new Set<string>(settings.map((s) => s.env));

export function loadConfig(sources: ConfigSources = {}): Config {
  const env = sources.env ?? process.env;
  const issues: ConfigIssue[] = [];
  const dotenv =
    sources.dotenvPath && existsSync(sources.dotenvPath) ? parseDotenv(readFileSync(sources.dotenvPath)) : {};
  const configFile = sources.configFile ?? env.PATCHBAY_CONFIG_FILE;
  const file = configFile ? readConfigFile(configFile, issues) : {};

  const raw: Partial<Record<SettingName, string>> = {};
  const from: Config['sources'] = {};
  for (const s of settings) {
    const picked =
      pick(s.env, env, dotenv, file) ??
      (s.default !== undefined ? { value: s.default, source: 'default' as const } : undefined);
    if (!picked || picked.value === '') continue;
    raw[s.env] = picked.value;
    from[s.env] = picked.source;
  }

  const values: Partial<Record<SettingName, string | number | boolean>> = {};
  for (const s of settings) {
    const v = raw[s.env];
    if (v === undefined) continue;
    const parsed = parseSetting(s, v);
    if (typeof parsed === 'object') issues.push({ key: s.env, message: parsed.error });
    else values[s.env] = parsed;
  }

  const str = (k: SettingName) => values[k] as string | undefined;
  const num = (k: SettingName) => values[k] as number;
  crossCheck(values, issues);
  if (issues.length > 0) throw new ConfigError(issues);

  const host = str('PATCHBAY_HOST') as string;
  const port = num('PATCHBAY_PORT');
  const sfPresent =
    str('SALESFORCE_LOGIN_URL') && str('SALESFORCE_CLIENT_ID') && str('SALESFORCE_CLIENT_SECRET');
  const gcPresent = str('GENESYS_API_URL') && str('GENESYS_CLIENT_ID') && str('GENESYS_CLIENT_SECRET');
  const key = str('PATCHBAY_ENCRYPTION_KEY');
  return {
    host,
    port,
    publicUrl: str('PATCHBAY_PUBLIC_URL') ?? `http://${host}:${port}`,
    databaseUrl: str('DATABASE_URL'),
    databasePoolSize: num('DATABASE_POOL_SIZE'),
    databasePreparedStatements: values.DATABASE_PREPARED_STATEMENTS as boolean,
    sqlitePath: str('PATCHBAY_SQLITE_PATH') as string,
    logLevel: str('LOG_LEVEL') as string,
    logFile: str('PATCHBAY_LOG_FILE'),
    bodyLimitBytes: num('PATCHBAY_BODY_LIMIT_BYTES'),
    encryptionKey: key ? Buffer.from(key, 'base64') : undefined,
    timezone: str('PATCHBAY_TIMEZONE') as string,
    jobs: {
      leaseMs: num('PATCHBAY_JOBS_LEASE_SECONDS') * 1000,
      maxAgeMs: num('PATCHBAY_JOBS_MAX_AGE_HOURS') * 3_600_000,
      pollMs: num('PATCHBAY_JOBS_POLL_MS'),
      shutdownDeadlineMs: num('PATCHBAY_SHUTDOWN_DEADLINE_SECONDS') * 1000,
    },
    salesforce: sfPresent
      ? {
          loginUrl: str('SALESFORCE_LOGIN_URL') as string,
          clientId: str('SALESFORCE_CLIENT_ID') as string,
          clientSecret: str('SALESFORCE_CLIENT_SECRET') as string,
          apiVersion: str('SALESFORCE_API_VERSION') as string,
        }
      : undefined,
    genesys: gcPresent
      ? {
          apiUrl: str('GENESYS_API_URL') as string,
          loginUrl: str('GENESYS_LOGIN_URL') ?? (str('GENESYS_API_URL') as string),
          clientId: str('GENESYS_CLIENT_ID') as string,
          clientSecret: str('GENESYS_CLIENT_SECRET') as string,
          loginClientId: str('GENESYS_LOGIN_CLIENT_ID') ?? (str('GENESYS_CLIENT_ID') as string),
          rateLimitPerMinute: num('GENESYS_RATE_LIMIT_PER_MINUTE'),
        }
      : undefined,
    mail: str('SMTP_URL') ? { url: str('SMTP_URL') as string, from: str('SMTP_FROM') as string } : undefined,
    reports: {
      recipients: (str('REPORT_RECIPIENTS') ?? '')
        .split(',')
        .map((r) => r.trim())
        .filter((r) => r !== ''),
      cron: str('REPORT_CRON') as string,
      targets: {
        serviceLevelPercent: num('REPORT_TARGET_SERVICE_LEVEL_PERCENT'),
        ahtSeconds: num('REPORT_TARGET_AHT_SECONDS'),
        abandonPercent: num('REPORT_TARGET_ABANDON_PERCENT'),
      },
    },
    presence: { enabled: values.PRESENCE_ENABLED as boolean, pollMs: num('PRESENCE_POLL_SECONDS') * 1000 },
    leadership: { ttlMs: num('PATCHBAY_LEADER_TTL_SECONDS') * 1000 },
    alerts: {
      webhookUrl: str('PATCHBAY_ALERT_WEBHOOK_URL'),
      emailTo: (str('PATCHBAY_ALERT_EMAIL_TO') ?? '')
        .split(',')
        .map((r) => r.trim())
        .filter((r) => r !== ''),
      renotifyMs: num('PATCHBAY_ALERT_RENOTIFY_MINUTES') * 60_000,
    },
    sources: from,
    raw,
  };
}

function pick(
  key: string,
  env: Record<string, string | undefined>,
  dotenv: Record<string, string>,
  file: Record<string, string>,
) {
  if (env[key] !== undefined) return { value: env[key], source: 'env' as const };
  if (dotenv[key] !== undefined) return { value: dotenv[key], source: '.env' as const };
  if (file[key] !== undefined) return { value: file[key], source: 'file' as const };
  return undefined;
}

function readConfigFile(path: string, issues: ConfigIssue[]): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    issues.push({
      key: 'PATCHBAY_CONFIG_FILE',
      message: `cannot read JSON config file ${path}: ${(err as Error).message}`,
    });
    return {};
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    issues.push({ key: 'PATCHBAY_CONFIG_FILE', message: `${path} must hold a JSON object of settings` });
    return {};
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(parsed)) {
    if (!known.has(k)) issues.push({ key: k, message: `unknown setting in ${path}` });
    else if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = String(v);
    else issues.push({ key: k, message: `must be a string, number or boolean in ${path}` });
  }
  return out;
}

/** Parses one setting; returns the value or `{ error }` with a reason a person can act on. */
export function parseSetting(s: Setting, v: string): string | number | boolean | { error: string } {
  switch (s.type) {
    case 'string':
      return v;
    case 'int':
    case 'duration-seconds': {
      if (!/^-?\d+$/.test(v.trim())) return { error: `must be an integer, got "${mask(s, v)}"` };
      const n = Number(v);
      if (s.min !== undefined && n < s.min) return { error: `must be >= ${s.min}, got ${n}` };
      if (s.max !== undefined && n > s.max) return { error: `must be <= ${s.max}, got ${n}` };
      return n;
    }
    case 'bool':
      if (['true', '1', 'yes'].includes(v.toLowerCase())) return true;
      if (['false', '0', 'no'].includes(v.toLowerCase())) return false;
      return { error: `must be true or false, got "${mask(s, v)}"` };
    case 'enum':
      return s.values?.includes(v) ? v : { error: `must be one of ${s.values?.join(', ')}, got "${v}"` };
    case 'url': {
      let u: URL;
      try {
        u = new URL(v);
      } catch {
        return { error: `must be a URL, got "${mask(s, v)}"` };
      }
      const scheme = u.protocol.replace(/:$/, '');
      if (s.schemes && !s.schemes.includes(scheme))
        return { error: `must use ${s.schemes.join(' or ')}, got ${scheme}:` };
      return v.replace(/\/$/, '');
    }
    default: {
      const never: never = s.type;
      return { error: `unknown type ${String(never)}` };
    }
  }
}

function crossCheck(values: Partial<Record<SettingName, string | number | boolean>>, issues: ConfigIssue[]) {
  const key = values.PATCHBAY_ENCRYPTION_KEY as string | undefined;
  if (key !== undefined && Buffer.from(key, 'base64').length !== 32)
    issues.push({
      key: 'PATCHBAY_ENCRYPTION_KEY',
      message: 'must be base64 of exactly 32 bytes (openssl rand -base64 32)',
    });
  const tz = values.PATCHBAY_TIMEZONE as string | undefined;
  if (tz !== undefined && !isTimeZone(tz))
    issues.push({ key: 'PATCHBAY_TIMEZONE', message: `unknown IANA time zone "${tz}"` });
  if (values.PATCHBAY_ALERT_EMAIL_TO !== undefined && values.SMTP_URL === undefined)
    issues.push({ key: 'SMTP_URL', message: 'required when PATCHBAY_ALERT_EMAIL_TO is set' });
  const cron = values.REPORT_CRON as string | undefined;
  if (cron !== undefined) {
    try {
      new Cron(cron, { paused: true }).stop();
    } catch (err) {
      issues.push({ key: 'REPORT_CRON', message: `not a cron pattern: ${(err as Error).message}` });
    }
  }
  for (const [prefix, keys] of [
    ['SALESFORCE', ['SALESFORCE_LOGIN_URL', 'SALESFORCE_CLIENT_ID', 'SALESFORCE_CLIENT_SECRET']],
    ['GENESYS', ['GENESYS_API_URL', 'GENESYS_CLIENT_ID', 'GENESYS_CLIENT_SECRET']],
  ] as const) {
    const set = keys.filter((k) => values[k] !== undefined);
    if (set.length > 0 && set.length < keys.length) {
      for (const k of keys)
        if (values[k] === undefined)
          issues.push({ key: k, message: `required when any ${prefix}_* connection setting is set` });
    }
  }
}

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

function mask(s: Setting, v: string): string {
  return s.secret ? '***' : v;
}

/** The effective configuration as printable rows, secrets masked. */
export function describeConfig(config: Config): Array<{ key: string; value: string; source: string }> {
  return settings.map((s) => {
    const v = config.raw[s.env];
    const shown = v === undefined ? '(unset)' : s.secret ? maskSecret(s.env, v) : v;
    return { key: s.env, value: shown, source: config.sources[s.env] ?? '-' };
  });
}

function maskSecret(key: string, v: string): string {
  if (key === 'DATABASE_URL') {
    try {
      const u = new URL(v);
      if (u.password) u.password = '***';
      return u.toString();
    } catch {
      return '***';
    }
  }
  return '***';
}
