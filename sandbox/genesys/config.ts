/**
 * Options of the Genesys sandbox with their defaults. Values the facts give are the defaults
 * (300 requests/min per token, 24 h tokens and channels, 512,000-byte payloads, 20 channels,
 * 1,000 topics); values the facts do not give are choices, documented in docs/sandbox/genesys.md.
 */
import type { SeedSpec } from './seed.ts';

export interface GenesysSandboxOptions {
  /** Port to listen on (0 = any free port). */
  port?: number;
  /** Clock used for token expiry, rate windows, channel expiry, GDPR progress and dates. */
  now?: () => number;
  /** Requests per access token per minute (real default 300). */
  rateLimitPerMinute?: number;
  /** Access-token lifetime in seconds (real default 86,400; configurable 300–172,800 per client). */
  tokenLifetimeSeconds?: number;
  /** Max entities in one external-contacts bulk request (not documented; default 100). */
  bulkMax?: number;
  /** Request payload limit in bytes (real 512,000). */
  payloadLimitBytes?: number;
  /** The main OAuth client; generated when absent. */
  clientId?: string;
  clientSecret?: string;
  /** Password of every sandbox user on the `/oauth/authorize` login page. */
  userPassword?: string;
  /** Country used to normalise national phone numbers to E.164 when none is given. */
  defaultPhoneCountry?: string;
  heartbeatIntervalMs?: number;
  channelLifetimeMs?: number;
  closingWarningMs?: number;
  maxChannelsPerClient?: number;
  /** How often channel expiry is checked (ms). */
  sweepIntervalMs?: number;
  /** Duration of each GDPR request stage (INITIATED → SEARCHING → … → COMPLETED), in ms. */
  gdprStepMs?: number;
  /** `Retry-After` seconds sent with injected 429 faults (a "429 storm"). */
  faultRetryAfterSeconds?: number;
  /** Initial directory; reset returns to it. */
  seed?: SeedSpec;
}

export type ResolvedConfig = Required<Omit<GenesysSandboxOptions, 'seed' | 'port' | 'now'>>;

export function resolveConfig(
  o: GenesysSandboxOptions,
  generated: { clientId: string; clientSecret: string },
): ResolvedConfig {
  return {
    rateLimitPerMinute: o.rateLimitPerMinute ?? 300,
    tokenLifetimeSeconds: o.tokenLifetimeSeconds ?? 86_400,
    bulkMax: o.bulkMax ?? 100,
    payloadLimitBytes: o.payloadLimitBytes ?? 512_000,
    clientId: o.clientId ?? generated.clientId,
    clientSecret: o.clientSecret ?? generated.clientSecret,
    userPassword: o.userPassword ?? 'sandbox',
    defaultPhoneCountry: o.defaultPhoneCountry ?? 'US',
    heartbeatIntervalMs: o.heartbeatIntervalMs ?? 30_000,
    channelLifetimeMs: o.channelLifetimeMs ?? 24 * 3_600_000,
    closingWarningMs: o.closingWarningMs ?? 60_000,
    maxChannelsPerClient: o.maxChannelsPerClient ?? 20,
    sweepIntervalMs: o.sweepIntervalMs ?? 1000,
    gdprStepMs: o.gdprStepMs ?? 2000,
    faultRetryAfterSeconds: o.faultRetryAfterSeconds ?? 5,
  };
}
