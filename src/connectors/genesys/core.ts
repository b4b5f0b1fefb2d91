/**
 * What every group of Genesys operations builds on: `call(name, fn)` (token, database rate
 * bucket, metrics, error mapping, one re-login on 401) and `api(ApiClass)` (SDK API classes
 * bound to this connector's own `ApiClient`). Operation files take a `GenesysCore`.
 */
import type platformClient from 'purecloud-platform-client-v2';
import type { Logger } from '../../platform/log/logger.ts';
import { invalidInput } from '../errors.ts';

export type SdkApiClient = typeof platformClient.ApiClient;

export interface GenesysCore {
  /**
   * Runs one SDK call: waits for a rate-limit token shared by every replica, logs in when needed,
   * records metrics, maps failures to RetryableError / PermanentError. Returns the response body
   * (the SDK's declared result type). `priority` may spend the bucket's reserve: for the few calls
   * a real-time feed needs (see the connector's `priority` view), never for bulk work.
   */
  call<T>(name: string, fn: () => Promise<T>, opts?: { priority?: boolean }): Promise<T>;
  /** An SDK API class bound to this connector's client, e.g. `api(platformClient.UsersApi)`. */
  api<A>(ApiClass: new (client?: SdkApiClient) => A): A;
  log: Logger;
  now: () => number;
}

/** Validates a path ID (user, contact, conversation…): a bad one never becomes a request. */
export function requireId(operation: string, value: unknown, what = 'id'): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 128 || /[/?#\s]/.test(value))
    throw invalidInput('genesys', operation, `${what} must be a non-empty identifier`);
  return value;
}
