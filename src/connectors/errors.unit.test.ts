import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PermanentError, RetryableError } from '../platform/jobs/index.ts';
import { createTtlCache } from './genesys/cache.ts';
import { mapGenesysError } from './genesys/errors.ts';
import { bucketLimits } from './genesys/vendor.ts';
import { mapSalesforceError } from './salesforce/errors.ts';

const sfError = (errorCode: string, message = 'm', data?: unknown) =>
  Object.assign(new Error(message), { name: errorCode, errorCode, data });

void test('salesforce mapping table', () => {
  const cases: [unknown, number | undefined, 'retry' | 'perm', string | undefined][] = [
    [sfError('MALFORMED_QUERY'), 400, 'perm', 'MALFORMED_QUERY'],
    [sfError('INVALID_FIELD'), 400, 'perm', 'INVALID_FIELD'],
    [sfError('REQUIRED_FIELD_MISSING'), 400, 'perm', 'REQUIRED_FIELD_MISSING'],
    [sfError('UNABLE_TO_LOCK_ROW'), 400, 'retry', 'UNABLE_TO_LOCK_ROW'],
    [sfError('REQUEST_LIMIT_EXCEEDED'), 403, 'retry', 'REQUEST_LIMIT_EXCEEDED'],
    [sfError('SERVER_UNAVAILABLE'), 503, 'retry', 'SERVER_UNAVAILABLE'],
    [sfError('ERROR_HTTP_502'), undefined, 'retry', 'ERROR_HTTP_502'],
    [new Error('Unable to refresh session due to: 401 persists'), 401, 'retry', 'INVALID_SESSION_ID'],
    [Object.assign(new TypeError('fetch failed'), {}), undefined, 'retry', 'NETWORK_ERROR'],
    [
      sfError('MULTIPLE_CHOICES', 'Multiple records found', ['/x/003A', '/x/003B']),
      300,
      'perm',
      'MULTIPLE_CHOICES',
    ],
  ];
  for (const [err, status, kind, code] of cases) {
    const e = mapSalesforceError(err, { operation: 'op', status, now: 0 });
    assert.ok(kind === 'retry' ? e instanceof RetryableError : e instanceof PermanentError, String(code));
    assert.equal(e.code, code);
  }
  const limit = mapSalesforceError(sfError('REQUEST_LIMIT_EXCEEDED'), { operation: 'q', status: 403 });
  assert.ok(limit instanceof RetryableError && (limit.retryAfterMs ?? 0) >= 60_000);
  const dup = mapSalesforceError(sfError('MULTIPLE_CHOICES', 'x', ['/a/003A', '/a/003B']), {
    operation: 'u',
  });
  assert.match(dup.message, /003A, 003B/);
});

void test('genesys mapping table', () => {
  const e429 = mapGenesysError(
    {
      status: 429,
      headers: { 'retry-after': '7' },
      body: { code: 'too.many.requests.retry.after', message: 'x' },
    },
    'op',
  );
  assert.ok(e429 instanceof RetryableError);
  assert.equal(e429.retryAfterMs, 7000);
  assert.ok(mapGenesysError({ status: 429, headers: {}, body: null }, 'op') instanceof RetryableError);
  assert.ok(mapGenesysError({ status: 503, body: {} }, 'op') instanceof RetryableError);
  assert.ok(mapGenesysError({ status: 409, body: {} }, 'op') instanceof RetryableError);
  assert.ok(mapGenesysError({ status: 400, body: { code: 'bad.request' } }, 'op') instanceof PermanentError);
  assert.ok(mapGenesysError({ status: 404, body: 'text' }, 'op') instanceof PermanentError);
  assert.ok(mapGenesysError("Missing the required parameter 'userId'", 'op') instanceof PermanentError);
  assert.ok(mapGenesysError(new Error('socket hang up'), 'op') instanceof RetryableError);
});

void test('bucket shape never lets a minute exceed the limit', () => {
  for (const perMinute of [1, 10, 60, 300, 1000]) {
    const { capacity, refillPerSecond, reserve } = bucketLimits(perMinute);
    assert.ok(capacity >= 1 && capacity + refillPerSecond * 60 <= Math.max(perMinute, 1));
    assert.ok(reserve >= 0 && reserve < capacity, 'the priority reserve leaves ordinary calls a token');
  }
});

void test('ttl cache: expires, and is bounded (least recently used goes first)', () => {
  let now = 0;
  const c = createTtlCache<number>({ ttlMs: 10, maxEntries: 2, now: () => now });
  c.set('a', 1);
  c.set('b', 2);
  assert.equal(c.get('a'), 1);
  c.set('c', 3);
  assert.equal(c.get('b'), undefined, 'b was least recently used');
  assert.equal(c.size, 2);
  now = 11;
  assert.equal(c.get('a'), undefined);
});
