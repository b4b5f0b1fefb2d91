/**
 * What a handler throws decides what happens next: `PermanentError` parks the job at once,
 * `RetryableError` (or any other error) retries it on the backoff schedule, `retryAfterMs` overriding it.
 */

export class RetryableError extends Error {
  override readonly name = 'RetryableError';
  readonly retryAfterMs: number | undefined;
  readonly status: number | undefined;

  constructor(
    message: string,
    options: { retryAfterMs?: number | undefined; cause?: unknown; status?: number } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.retryAfterMs = options.retryAfterMs;
    this.status = options.status;
  }
}

export class PermanentError extends Error {
  override readonly name = 'PermanentError';
  readonly status: number | undefined;

  constructor(message: string, options: { cause?: unknown; status?: number } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.status = options.status;
  }
}

/** 401 (token expired: refresh and retry), 408, 409 (conflict: re-read and retry), 429 and 5xx retry. */
export function isRetryableStatus(status: number): boolean {
  return status === 401 || status === 408 || status === 409 || status === 429 || status >= 500;
}

/** Classifies a failed HTTP call; `Retry-After` (seconds or HTTP date) becomes `retryAfterMs`. */
export function errorForHttpStatus(
  status: number,
  retryAfterHeader?: string | null,
  message?: string,
  now: number = Date.now(),
): RetryableError | PermanentError {
  const text = message ?? `HTTP ${status}`;
  if (!isRetryableStatus(status)) return new PermanentError(text, { status });
  return new RetryableError(text, { status, retryAfterMs: parseRetryAfter(retryAfterHeader, now) });
}

/** `Retry-After: 120` or `Retry-After: Wed, 21 Oct 2015 07:28:00 GMT` → ms from now; undefined if absent or invalid. */
export function parseRetryAfter(header: string | null | undefined, now: number): number | undefined {
  if (header === undefined || header === null) return undefined;
  const value = header.trim();
  if (value === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  const at = Date.parse(value);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

export function coerceError(e: unknown): Error {
  if (e instanceof Error) return e;
  return new Error(typeof e === 'string' ? e : `non-error thrown: ${JSON.stringify(e) ?? String(e)}`);
}

/** The text stored in `last_error`: bounded, with the status when known. */
export function describeError(e: Error): string {
  const status = (e as { status?: unknown }).status;
  const text = `${e.name}${typeof status === 'number' ? ` (${status})` : ''}: ${e.message}`;
  return text.length > 2000 ? `${text.slice(0, 2000)}…` : text;
}
