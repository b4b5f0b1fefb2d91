import assert from 'node:assert/strict';
import { test } from 'node:test';
import { errorForHttpStatus, parseRetryAfter, PermanentError, RetryableError } from './errors.ts';

void test('401, 408, 409, 429 and 5xx retry; other 4xx are permanent', () => {
  for (const s of [401, 408, 409, 429, 500, 502, 503, 504])
    assert.ok(errorForHttpStatus(s) instanceof RetryableError, String(s));
  for (const s of [400, 403, 404, 405, 410, 413, 422])
    assert.ok(errorForHttpStatus(s) instanceof PermanentError, String(s));
});

void test('Retry-After in seconds or as an HTTP date becomes retryAfterMs', () => {
  const now = Date.parse('2030-01-01T00:00:00Z');
  const e = errorForHttpStatus(429, '120', 'rate limited', now);
  assert.ok(e instanceof RetryableError);
  assert.equal(e.retryAfterMs, 120_000);
  assert.equal(e.status, 429);
  assert.equal(e.message, 'rate limited');
  assert.equal(parseRetryAfter('Tue, 01 Jan 2030 00:00:30 GMT', now), 30_000);
  assert.equal(parseRetryAfter('Mon, 31 Dec 2029 00:00:00 GMT', now), 0);
  assert.equal(parseRetryAfter('soon', now), undefined);
  assert.equal(parseRetryAfter(undefined, now), undefined);
  assert.equal((errorForHttpStatus(503, null, undefined, now) as RetryableError).retryAfterMs, undefined);
});
