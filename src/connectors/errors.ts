/**
 * The errors every connector throws: the jobs' `RetryableError` / `PermanentError` (so a job
 * handler can rethrow them unchanged), carrying the vendor, the HTTP status and the vendor's
 * own error code. Messages never contain credentials or request bodies.
 */
import { PermanentError, RetryableError } from '../platform/jobs/index.ts';

export interface VendorErrorInfo {
  vendor: 'salesforce' | 'genesys';
  /** The connector operation, e.g. `query`, `externalContacts.create`. */
  operation: string;
  status?: number | undefined;
  /** Salesforce `errorCode` / Genesys `code` (e.g. `MALFORMED_QUERY`, `too.many.requests.retry.after`). */
  code?: string | undefined;
  /** Vendor correlation ID (Genesys `inin-correlation-id`), for support tickets. */
  correlationId?: string | undefined;
}

export class VendorRetryableError extends RetryableError {
  readonly vendor: VendorErrorInfo['vendor'];
  readonly operation: string;
  readonly code: string | undefined;
  readonly correlationId: string | undefined;
  constructor(message: string, info: VendorErrorInfo & { retryAfterMs?: number | undefined }) {
    super(message, {
      retryAfterMs: info.retryAfterMs,
      ...(info.status !== undefined ? { status: info.status } : {}),
    });
    this.vendor = info.vendor;
    this.operation = info.operation;
    this.code = info.code;
    this.correlationId = info.correlationId;
  }
}

export class VendorPermanentError extends PermanentError {
  readonly vendor: VendorErrorInfo['vendor'];
  readonly operation: string;
  readonly code: string | undefined;
  readonly correlationId: string | undefined;
  constructor(message: string, info: VendorErrorInfo) {
    super(message, info.status !== undefined ? { status: info.status } : {});
    this.vendor = info.vendor;
    this.operation = info.operation;
    this.code = info.code;
    this.correlationId = info.correlationId;
  }
}

export type VendorError = VendorRetryableError | VendorPermanentError;

export function isVendorError(e: unknown): e is VendorError {
  return e instanceof VendorRetryableError || e instanceof VendorPermanentError;
}

/** The vendor error code of any thrown value, when it has one. */
export function vendorErrorCode(e: unknown): string | undefined {
  return isVendorError(e) ? e.code : undefined;
}

/** Caller input the connector refuses before any request (bad IDs, names, sizes): permanent. */
export function invalidInput(vendor: VendorErrorInfo['vendor'], operation: string, message: string) {
  return new VendorPermanentError(message, { vendor, operation, code: 'INVALID_INPUT' });
}
