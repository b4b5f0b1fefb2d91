/**
 * The Genesys Cloud connector over the official SDK (`purecloud-platform-client-v2`), with its
 * own `ApiClient` (several hubs can run in one process), client-credentials login renewed before
 * `tokenExpiryTime` and after a 401, extended responses (to read `Retry-After`), and a database
 * token bucket `genesys:<clientId>` taken before every request so that all replicas together
 * stay under the per-client rate limit.
 *
 * Operations live in one file per area (users.ts, external-contacts.ts, …), each a function of
 * `GenesysCore`; add a file and spread it below to add operations.
 */
import { performance } from 'node:perf_hooks';
import platformClient from 'purecloud-platform-client-v2';
import { createTokenBucket } from '../../platform/jobs/index.ts';
import type { Clock } from '../../platform/jobs/index.ts';
import type { Logger } from '../../platform/log/logger.ts';
import type { Metrics } from '../../platform/metrics/registry.ts';
import type { Store } from '../../platform/store/index.ts';
import { correlationHeaders } from '../../platform/trace/index.ts';
import { VendorPermanentError, VendorRetryableError } from '../errors.ts';
import { analyticsOperations } from './analytics.ts';
import { conversationOperations } from './conversations.ts';
import type { GenesysCore, SdkApiClient } from './core.ts';
import { mapGenesysError, isExtendedFailure } from './errors.ts';
import { externalContactOperations } from './external-contacts.ts';
import { gdprOperations } from './gdpr.ts';
import { notificationOperations } from './notifications.ts';
import { presenceOperations } from './presence.ts';
import { userOperations } from './users.ts';
import { bucketLimits, genesysVendor as vendor } from './vendor.ts';

export interface GenesysConnectorOptions {
  /** `https://api.mypurecloud.com` (any region) or the sandbox's `http://127.0.0.1:<port>`. */
  apiUrl: string;
  /** Defaults to the API host's login counterpart; must share the host with apiUrl for http gateways. */
  loginUrl?: string | undefined;
  clientId: string;
  clientSecret: string;
  /** Holds the shared token bucket. */
  store: Store;
  log: Logger;
  metrics?: Pick<Metrics, 'outbound'> | undefined;
  /** Requests per minute for this OAuth client across all replicas (default 300). */
  rateLimitPerMinute?: number | undefined;
  clock?: Clock;
}

/** Every operation, over one core (ordinary or priority). */
export type GenesysOperations = GenesysCore &
  ReturnType<typeof userOperations> &
  ReturnType<typeof conversationOperations> &
  ReturnType<typeof externalContactOperations> &
  ReturnType<typeof analyticsOperations> &
  ReturnType<typeof presenceOperations> &
  ReturnType<typeof notificationOperations> &
  ReturnType<typeof gdprOperations>;

function operations(core: GenesysCore): GenesysOperations {
  return {
    ...core,
    ...userOperations(core),
    ...conversationOperations(core),
    ...externalContactOperations(core),
    ...analyticsOperations(core),
    ...presenceOperations(core),
    ...notificationOperations(core),
    ...gdprOperations(core),
  };
}

export type GenesysConnector = GenesysOperations & {
  /**
   * The same operations, taking their tokens with priority: they may spend the bucket's reserve,
   * which ordinary calls leave alone. For a leader's real-time feed (its setup on takeover must
   * not queue behind bulk jobs that keep the bucket empty); its volume must stay small.
   */
  priority: GenesysOperations;
  /** Log in now (otherwise the first call does). */
  login(): Promise<void>;
  /** Aborts calls waiting for a rate-limit token; later calls fail. */
  close(): Promise<void>;
};

interface Extended {
  status: number;
  body: unknown;
}

const ApiClientClass = (platformClient as unknown as { ApiClientClass: new () => SdkApiClient })
  .ApiClientClass;

/** Points an SDK client at a URL: `setEnvironment` for real `api.<env>` hosts, `setGateway` otherwise. */
export function configureSdkTarget(client: SdkApiClient, apiUrl: string, loginUrl: string | undefined): void {
  const api = new URL(apiUrl);
  if (api.protocol === 'https:' && api.hostname.startsWith(vendor.apiHostPrefix) && !api.port) {
    client.setEnvironment(api.hostname.slice(vendor.apiHostPrefix.length));
    return;
  }
  const login = loginUrl ? new URL(loginUrl) : api;
  if (login.host !== api.host)
    throw new Error('GENESYS_LOGIN_URL must share the host of GENESYS_API_URL when a gateway is used');
  const protocol = api.protocol.replace(/:$/, '') as 'http';
  client.setGateway({
    host: api.hostname,
    protocol,
    port: Number(api.port || (protocol === 'http' ? 80 : 443)),
    path_params_login: login.pathname.replace(/\/$/, ''),
    path_params_api: api.pathname.replace(/\/$/, ''),
  });
}

export function createGenesysConnector(opts: GenesysConnectorOptions): GenesysConnector {
  const log = opts.log.child({ connector: 'genesys' });
  const now = () => opts.clock?.now() ?? Date.now();
  const client = new ApiClientClass();
  client.setReturnExtendedResponses(true);
  configureSdkTarget(client, opts.apiUrl, opts.loginUrl);
  const perMinute = opts.rateLimitPerMinute ?? vendor.rateLimitPerMinute;
  const bucket = createTokenBucket(opts.store, {
    name: `genesys:${opts.clientId}`,
    ...bucketLimits(perMinute),
    ...(opts.clock ? { clock: opts.clock } : {}),
  });
  const abort = new AbortController();
  /** A token from the shared bucket; `close()` ends the wait at once. */
  const takeToken = (priority = false) => bucket.acquire(1, abort.signal, { priority });
  const apis = new Map<unknown, unknown>();
  let expiresAt = 0;
  let loggingIn: Promise<void> | undefined;

  function login(): Promise<void> {
    loggingIn ??= (async () => {
      // Priority: every call, a feed's setup included, waits for the login.
      await takeToken(true);
      const started = performance.now();
      try {
        const auth = await client.loginClientCredentialsGrant(opts.clientId, opts.clientSecret);
        expiresAt = auth.tokenExpiryTime ?? 0;
        opts.metrics?.outbound(vendor.name, 200, performance.now() - started);
        log.debug('genesys logged in (client credentials)');
      } catch (e) {
        // The HTTP client's error holds the request headers (Basic credentials): read only the status.
        const status = (e as { response?: { status?: unknown } }).response?.status;
        const reason = (e as { response?: { data?: { error?: unknown } } }).response?.data?.error;
        opts.metrics?.outbound(
          vendor.name,
          typeof status === 'number' ? status : 'network_error',
          performance.now() - started,
        );
        log.warn({ status, reason: typeof reason === 'string' ? reason : undefined }, 'genesys login failed');
        throw new VendorRetryableError(
          `genesys login failed${typeof reason === 'string' ? `: ${reason}` : typeof status === 'number' ? `: HTTP ${status}` : ': network error'}`,
          {
            vendor: 'genesys',
            operation: 'login',
            status: typeof status === 'number' ? status : undefined,
            code: typeof reason === 'string' ? reason : 'LOGIN_FAILED',
            retryAfterMs: 60_000,
          },
        );
      }
    })().finally(() => {
      loggingIn = undefined;
    });
    return loggingIn;
  }

  async function ensureToken(): Promise<void> {
    if (expiresAt - vendor.tokenRefreshMarginMs <= Date.now()) await login();
  }

  async function call<T>(
    name: string,
    fn: () => Promise<T>,
    callOpts: { priority?: boolean } = {},
  ): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      if (abort.signal.aborted)
        throw new VendorPermanentError(`genesys ${name}: connector closed`, {
          vendor: 'genesys',
          operation: name,
        });
      await ensureToken();
      try {
        await takeToken(callOpts.priority === true);
      } catch {
        throw new VendorRetryableError(`genesys ${name}: connector closed while waiting for the rate limit`, {
          vendor: 'genesys',
          operation: name,
        });
      }
      const started = performance.now();
      try {
        const res = (await traced(fn)) as unknown as Extended;
        opts.metrics?.outbound(vendor.name, res.status, performance.now() - started);
        return res.body as T;
      } catch (err) {
        if (isExtendedFailure(err))
          opts.metrics?.outbound(vendor.name, err.status, performance.now() - started);
        else if (typeof err !== 'string' && !(err instanceof TypeError))
          opts.metrics?.outbound(vendor.name, 'network_error', performance.now() - started);
        if (isExtendedFailure(err) && err.status === 401 && attempt === 0) {
          log.info({ operation: name }, 'genesys token rejected; logging in again');
          expiresAt = 0;
          continue;
        }
        const mapped = mapGenesysError(err, name, now());
        log.warn(
          {
            operation: name,
            status: mapped.status,
            code: mapped.code,
            correlationId: mapped.correlationId,
            retryAfterMs: mapped instanceof VendorRetryableError ? mapped.retryAfterMs : undefined,
          },
          'genesys call failed',
        );
        throw mapped;
      }
    }
  }

  /**
   * Runs one SDK call with the current correlation ID (`x-correlation-id`) added to the client's
   * default headers. The SDK copies them synchronously when the call is made (`callApi`), so setting
   * them just around the call tags exactly this request; concurrent calls each set their own.
   */
  function traced<T>(fn: () => Promise<T>): Promise<T> {
    const extra = correlationHeaders();
    if (Object.keys(extra).length === 0) return fn();
    const base = client.getDefaultHeaders();
    client.setDefaultHeaders({ ...base, ...extra });
    try {
      return fn();
    } finally {
      client.setDefaultHeaders(base);
    }
  }

  function api<A>(ApiClass: new (c?: SdkApiClient) => A): A {
    let instance = apis.get(ApiClass) as A | undefined;
    if (!instance) {
      instance = new ApiClass(client);
      apis.set(ApiClass, instance);
    }
    return instance;
  }

  const core: GenesysCore = { call, api, log, now };
  const priorityCore: GenesysCore = {
    ...core,
    call: (name, fn, callOpts) => call(name, fn, { ...callOpts, priority: true }),
  };
  return {
    ...operations(core),
    priority: operations(priorityCore),
    login,
    async close() {
      abort.abort();
    },
  };
}
