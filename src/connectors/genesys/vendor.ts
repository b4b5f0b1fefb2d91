/**
 * Genesys Cloud as data: limits and constants the connector needs that are not behaviour.
 * Numbers from /work/shared/facts/genesys-cloud.md.
 */
export interface GenesysVendor {
  name: 'genesys';
  /** `client.credentials.token.rate.per.minute` (configurable per org). */
  rateLimitPerMinute: number;
  payloadLimitBytes: number;
  /** Bulk add/update/remove entities per request (the platform's maximum is not documented). */
  bulkBatchSize: number;
  notifications: { maxChannels: number; maxTopicsPerChannel: number; channelLifetimeMs: number };
  /** Log in again this long before `tokenExpiryTime`. */
  tokenRefreshMarginMs: number;
  retryAfterHeader: string;
  correlationHeader: string;
  /** Fallback delay for a 429 without `Retry-After`. */
  defaultRetryAfterMs: number;
  presenceBulkMax: number;
  reverseLookupMax: number;
  /** External contacts search: `pageNumber × pageSize` may not exceed this. */
  searchWindow: number;
  /** Cache of users and wrap-up codes (names change rarely; bounded LRU). */
  directoryCache: { ttlMs: number; maxEntries: number };
  /** Host suffixes that `setEnvironment` accepts (api.<env>); others need `setGateway`. */
  apiHostPrefix: string;
}

export const genesysVendor = {
  name: 'genesys',
  rateLimitPerMinute: 300,
  payloadLimitBytes: 512_000,
  bulkBatchSize: 100,
  notifications: { maxChannels: 20, maxTopicsPerChannel: 1000, channelLifetimeMs: 24 * 3_600_000 },
  tokenRefreshMarginMs: 5 * 60_000,
  retryAfterHeader: 'retry-after',
  correlationHeader: 'inin-correlation-id',
  defaultRetryAfterMs: 60_000,
  presenceBulkMax: 50,
  reverseLookupMax: 25,
  searchWindow: 1000,
  directoryCache: { ttlMs: 5 * 60_000, maxEntries: 5000 },
  apiHostPrefix: 'api.',
} as const satisfies GenesysVendor;

/**
 * Token bucket shape for a per-minute limit: any 60 s window sees at most
 * `capacity + 60 × refill` = `perMinute` requests, so a burst never pushes a minute over. A fifth
 * of the capacity is reserved for priority calls (the connector's `priority` view: a leader's
 * real-time feed), so bulk jobs keeping the bucket empty cannot starve a takeover.
 */
export function bucketLimits(perMinute: number): {
  capacity: number;
  refillPerSecond: number;
  reserve: number;
} {
  // A burst of a twentieth: enough for a few pipelined bulk calls, and the refill keeps 95 % of the limit.
  const capacity = Math.max(1, Math.floor(perMinute / 20));
  return {
    capacity,
    refillPerSecond: Math.max(0, perMinute - capacity) / 60,
    reserve: Math.floor(capacity / 5),
  };
}
