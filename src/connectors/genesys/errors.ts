/**
 * Genesys Cloud failures → `RetryableError` / `PermanentError` (pure; see errors.unit.test.ts).
 * The SDK (with extended responses) rejects with `{ status, headers, body: { code, message } }`;
 * network failures reject with the HTTP client's error (never logged: it holds the request
 * headers); argument checks of the SDK throw plain strings.
 *
 * | Genesys | Patchbay |
 * |---|---|
 * | 429 `too.many.requests.retry.after` | retryable, `retryAfterMs` from `Retry-After` |
 * | 401 after a fresh login | retryable |
 * | 408, 409, 5xx, network errors | retryable |
 * | other 4xx (400 `bad.request`, 404 `not.found`, 413) | permanent |
 */
import { isRetryableStatus, parseRetryAfter } from '../../platform/jobs/index.ts';
import { VendorPermanentError, VendorRetryableError, type VendorError } from '../errors.ts';
import { genesysVendor as vendor } from './vendor.ts';

export interface ExtendedFailure {
  status: number;
  headers?: Record<string, string | undefined>;
  body?: { code?: unknown; message?: unknown } | string | null;
}

export function isExtendedFailure(e: unknown): e is ExtendedFailure {
  return typeof e === 'object' && e !== null && typeof (e as { status?: unknown }).status === 'number';
}

export function mapGenesysError(err: unknown, operation: string, now = Date.now()): VendorError {
  if (err instanceof VendorRetryableError || err instanceof VendorPermanentError) return err;
  const info = { vendor: 'genesys' as const, operation };
  if (typeof err === 'string' || err instanceof TypeError)
    return new VendorPermanentError(
      `genesys ${operation}: ${typeof err === 'string' ? err : err.message}`.slice(0, 500),
      { ...info, code: 'INVALID_INPUT' },
    );
  if (!isExtendedFailure(err)) {
    const code = (err as { code?: unknown })?.code;
    return new VendorRetryableError(`genesys ${operation}: network error`, {
      ...info,
      code: typeof code === 'string' ? code : 'NETWORK_ERROR',
    });
  }
  const { status } = err;
  const headers = err.headers ?? {};
  const body = typeof err.body === 'object' && err.body !== null ? err.body : {};
  const code = typeof body.code === 'string' ? body.code : undefined;
  const message = typeof body.message === 'string' ? body.message : `HTTP ${status}`;
  const correlationId = headers[vendor.correlationHeader];
  const text = `genesys ${operation}: ${status}${code ? ` ${code}` : ''}: ${message}`.slice(0, 1000);
  const full = { ...info, status, code, correlationId };
  if (status === 429)
    return new VendorRetryableError(text, {
      ...full,
      retryAfterMs: parseRetryAfter(headers[vendor.retryAfterHeader], now) ?? vendor.defaultRetryAfterMs,
    });
  if (isRetryableStatus(status))
    return new VendorRetryableError(text, {
      ...full,
      retryAfterMs: parseRetryAfter(headers[vendor.retryAfterHeader], now),
    });
  return new VendorPermanentError(text, full);
}
