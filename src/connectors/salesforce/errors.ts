/**
 * Salesforce failures → `RetryableError` / `PermanentError` (pure; see errors.unit.test.ts).
 *
 * | Salesforce | Patchbay |
 * |---|---|
 * | `REQUEST_LIMIT_EXCEEDED` (403) | retryable, `retryAfterMs` = vendor.requestLimitRetryAfterMs |
 * | `UNABLE_TO_LOCK_ROW` | retryable, `retryAfterMs` = vendor.lockRetryAfterMs |
 * | 401 still failing after a refresh, token endpoint down | retryable |
 * | 408, 420, 429, 5xx, network errors | retryable (`Retry-After` honoured) |
 * | 300 upsert with several matches | permanent, `MULTIPLE_CHOICES`, names the duplicates |
 * | other 4xx (`MALFORMED_QUERY`, `INVALID_FIELD`, `REQUIRED_FIELD_MISSING`, …) | permanent |
 */
import { parseRetryAfter } from '../../platform/jobs/index.ts';
import { VendorPermanentError, VendorRetryableError, type VendorError } from '../errors.ts';
import { salesforceVendor as vendor } from './vendor.ts';

export interface SalesforceErrorContext {
  operation: string;
  /** HTTP status of the last response of this call, when one was received. */
  status?: number | undefined;
  retryAfter?: string | undefined;
  now?: number;
}

/** The status Salesforce uses for an error code, when the response's status is not known. */
function statusForCode(code: string | undefined): number | undefined {
  if (!code) return undefined;
  const http = /^ERROR_HTTP_(\d{3})$/.exec(code);
  if (http) return Number(http[1]);
  switch (code) {
    case 'INVALID_SESSION_ID':
      return 401;
    case 'REQUEST_LIMIT_EXCEEDED':
      return 403;
    case 'NOT_FOUND':
      return 404;
    case 'MULTIPLE_CHOICES':
      return 300;
    case 'SERVER_UNAVAILABLE':
      return 503;
    case 'UNKNOWN_EXCEPTION':
      return 500;
    default:
      return undefined;
  }
}

function duplicatesOf(data: unknown): string[] {
  if (!Array.isArray(data)) return [];
  return data
    .map((u) => (typeof u === 'string' ? (u.split('/').pop() ?? u) : undefined))
    .filter((u): u is string => u !== undefined);
}

/** Maps any failure of a Salesforce call; already-mapped errors pass through. */
export function mapSalesforceError(err: unknown, ctx: SalesforceErrorContext): VendorError {
  if (err instanceof VendorRetryableError || err instanceof VendorPermanentError) return err;
  const e = (err ?? {}) as { errorCode?: unknown; message?: unknown; code?: unknown; data?: unknown };
  const message = typeof e.message === 'string' ? e.message : String(err);
  const sfCode = typeof e.errorCode === 'string' ? e.errorCode : undefined;
  const info = { vendor: 'salesforce' as const, operation: ctx.operation };

  if (err instanceof TypeError && sfCode === undefined && ctx.status === undefined && !isNetwork(e))
    return new VendorPermanentError(`salesforce ${ctx.operation}: ${message}`, {
      ...info,
      code: 'INVALID_INPUT',
    });

  if (sfCode === 'MULTIPLE_CHOICES' || ctx.status === 300) {
    const dups = duplicatesOf(e.data);
    return new VendorPermanentError(
      `salesforce ${ctx.operation}: several records match the external ID${dups.length ? `: ${dups.join(', ')}` : ''}`,
      { ...info, status: 300, code: 'MULTIPLE_CHOICES' },
    );
  }

  if (/^Unable to refresh session/.test(message))
    return new VendorRetryableError(`salesforce ${ctx.operation}: session refresh failed`, {
      ...info,
      status: 401,
      code: 'INVALID_SESSION_ID',
      retryAfterMs: 60_000,
    });

  const status = ctx.status !== undefined && ctx.status >= 300 ? ctx.status : statusForCode(sfCode);
  const text = `salesforce ${ctx.operation}: ${sfCode ? `${sfCode}: ` : ''}${message}`.slice(0, 1000);
  if (status === undefined && sfCode === undefined)
    return new VendorRetryableError(`salesforce ${ctx.operation}: network error: ${message}`.slice(0, 500), {
      ...info,
      code: typeof e.code === 'string' ? e.code : 'NETWORK_ERROR',
    });

  const retryAfterMs =
    sfCode === 'REQUEST_LIMIT_EXCEEDED'
      ? vendor.requestLimitRetryAfterMs
      : sfCode === 'UNABLE_TO_LOCK_ROW'
        ? vendor.lockRetryAfterMs
        : parseRetryAfter(ctx.retryAfter, ctx.now ?? Date.now());
  const retryable =
    (sfCode !== undefined && (vendor.retryableErrorCodes as readonly string[]).includes(sfCode)) ||
    (status !== undefined && (vendor.retryableStatuses as readonly number[]).includes(status));
  return retryable
    ? new VendorRetryableError(text, { ...info, status, code: sfCode, retryAfterMs })
    : new VendorPermanentError(text, { ...info, status, code: sfCode });
}

function isNetwork(e: { message?: unknown }): boolean {
  return typeof e.message === 'string' && /fetch failed|ECONN|socket|ETIMEDOUT|network/i.test(e.message);
}

/** Per-record error of Collections / Composite results (`{ statusCode, message, fields }`). */
export interface RecordError {
  statusCode: string;
  message: string;
  fields: string[];
}

/** Whether a per-record failure is worth retrying (locks, limits, server errors). */
export function isRetryableRecordError(e: RecordError): boolean {
  return (vendor.retryableErrorCodes as readonly string[]).includes(e.statusCode);
}
