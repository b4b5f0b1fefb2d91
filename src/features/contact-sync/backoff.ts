/**
 * Waiting out a vendor's throttling: one call retried on 429 (after its `Retry-After`) and on
 * 502/503/504 windows, with doubling waits otherwise; any other error propagates at once. Shared by
 * the sync engine and the reconciliation.
 */
import { isVendorError } from '../../connectors/errors.ts';
import { RetryableError } from '../../platform/jobs/index.ts';
import type { Logger } from '../../platform/log/logger.ts';

export type VendorRetry = <T>(name: string, fn: () => Promise<T>) => Promise<T>;

export function vendorRetry(o: {
  /** Attempts of one call before its error is thrown. */
  maxAttempts: number;
  sleep: (ms: number) => Promise<void>;
  log: Logger;
}): VendorRetry {
  return async (name, fn) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (err) {
        const status = isVendorError(err) ? err.status : undefined;
        const retryable =
          err instanceof RetryableError &&
          (status === 429 || status === 503 || status === 502 || status === 504);
        if (!retryable || attempt >= o.maxAttempts) throw err;
        const wait = Math.min(60_000, err.retryAfterMs ?? Math.min(30_000, 1000 * 2 ** (attempt - 1)));
        o.log.warn({ operation: name, status, attempt, waitMs: wait }, 'contact-sync: backing off');
        await o.sleep(wait);
      }
    }
  };
}
