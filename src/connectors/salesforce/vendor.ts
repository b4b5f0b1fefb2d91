/**
 * Salesforce as data: everything the connector needs to know about the vendor that is not
 * behaviour. Numbers from /work/shared/facts/salesforce.md.
 */
export interface SalesforceVendor {
  name: 'salesforce';
  /** jsforce defaults to 50.0 when no version is set; always set one. */
  defaultApiVersion: string;
  tokenPath: string;
  batch: {
    /** sObject Collections: records per call. */
    collections: number;
    /** Composite: subrequests per call. */
    composite: number;
  };
  query: {
    /** `Sforce-Query-Options: batchSize=N` bounds (the server may still choose smaller pages). */
    minPageSize: number;
    maxPageSize: number;
    /** `query()` loads everything in memory up to this many records; beyond, use `queryPages`. */
    defaultMaxRecords: number;
    optionsHeader: string;
  };
  /** `Sforce-Limit-Info: api-usage=used/max`. */
  limitHeader: string;
  retryableStatuses: readonly number[];
  /** Salesforce `errorCode`s worth retrying regardless of the HTTP status. */
  retryableErrorCodes: readonly string[];
  /** How long to wait after `REQUEST_LIMIT_EXCEEDED` (daily allocation is a rolling 24 h). */
  requestLimitRetryAfterMs: number;
  /** Record lock wait is 10 s on the platform; retry a little later. */
  lockRetryAfterMs: number;
  /** jsforce's own retry of idempotent calls (GET/PUT/DELETE only; jsforce never retries POST/PATCH). */
  transportRetry: { maxRetries: number; minTimeout: number; timeoutFactor: number; statusCodes: number[] };
  /** Refreshes allowed within `refreshWindowMs` before a 401 is given up (jsforce would loop forever). */
  maxRefreshesPerWindow: number;
  refreshWindowMs: number;
  idPattern: RegExp;
}

export const salesforceVendor = {
  name: 'salesforce',
  defaultApiVersion: '62.0',
  tokenPath: '/services/oauth2/token',
  batch: { collections: 200, composite: 25 },
  query: {
    minPageSize: 200,
    maxPageSize: 2000,
    defaultMaxRecords: 50_000,
    optionsHeader: 'Sforce-Query-Options',
  },
  limitHeader: 'sforce-limit-info',
  retryableStatuses: [401, 408, 420, 429, 500, 502, 503, 504],
  retryableErrorCodes: [
    'UNABLE_TO_LOCK_ROW',
    'REQUEST_LIMIT_EXCEEDED',
    'SERVER_UNAVAILABLE',
    'UNKNOWN_EXCEPTION',
    'INVALID_SESSION_ID',
    'QUERY_TIMEOUT',
  ],
  requestLimitRetryAfterMs: 15 * 60_000,
  lockRetryAfterMs: 10_000,
  transportRetry: {
    maxRetries: 2,
    minTimeout: 250,
    timeoutFactor: 2,
    statusCodes: [420, 429, 502, 503, 504],
  },
  maxRefreshesPerWindow: 3,
  refreshWindowMs: 10_000,
  idPattern: /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/,
} as const satisfies SalesforceVendor;
