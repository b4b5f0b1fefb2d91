/**
 * The Salesforce connector: a jsforce `Connection` authorized with client credentials (our own
 * `refreshFn` re-authorizes on 401, jsforce's default only knows refresh tokens), and typed
 * operations over it. Every call counts in the outbound metrics and fails with
 * `RetryableError` / `PermanentError` carrying the HTTP status and Salesforce `errorCode`.
 *
 * @example
 *   const sf = createSalesforceConnector({ loginUrl, clientId, clientSecret, log, metrics });
 *   const { records } = await sf.query<{ Id: string }>(soql`SELECT Id FROM Contact WHERE Phone = ${e164}`);
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { performance } from 'node:perf_hooks';
import jsforce, { type Connection } from 'jsforce';
import { CORRELATION_HEADER, correlationHeaders } from '../../platform/trace/context.ts';
import type { Logger } from '../../platform/log/logger.ts';
import type { Metrics } from '../../platform/metrics/registry.ts';
import { invalidInput, VendorPermanentError, VendorRetryableError } from '../errors.ts';
import { mapSalesforceError, type RecordError } from './errors.ts';
import { SoqlQuery, SoslQuery, isValidIdentifier } from './soql.ts';
import { subscribeStreaming, type StreamingEvent, type SalesforceSubscription } from './streaming.ts';
import { salesforceVendor as vendor } from './vendor.ts';

export interface SalesforceConnectorOptions {
  loginUrl: string;
  clientId: string;
  clientSecret: string;
  /** Default `salesforceVendor.defaultApiVersion`. */
  apiVersion?: string | undefined;
  log: Logger;
  metrics?: Pick<Metrics, 'outbound'> | undefined;
}

/** A record as Salesforce returns it; narrow with the type parameter of each operation. */
export interface SObjectRecord {
  Id?: string;
  attributes?: { type: string; url: string };
  [field: string]: unknown;
}

export interface QueryOptions {
  /** `/queryAll`: include deleted and archived records. */
  all?: boolean;
  /** Fail (PermanentError `TOO_MANY_RECORDS`) rather than load more than this; default 50,000. */
  maxRecords?: number;
  /** Requested page size (200–2,000); the server may choose smaller pages. */
  pageSize?: number;
}

export interface QueryResult<T> {
  records: T[];
  totalSize: number;
}

export interface QueryPage<T> {
  records: T[];
  totalSize: number;
  /** 0-based page number. */
  index: number;
  done: boolean;
}

export interface SaveResult {
  id: string | null;
  success: boolean;
  errors: RecordError[];
  /** Upserts only: whether the record was inserted. */
  created?: boolean;
}

export interface CompositeSubrequest {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** `/services/data/vXX.X/…`, or relative to the version root (`sobjects/Contact`). */
  url: string;
  referenceId: string;
  body?: unknown;
  httpHeaders?: Record<string, string>;
}

export interface CompositeSubresponse<T = unknown> {
  referenceId: string;
  httpStatusCode: number;
  httpHeaders: Record<string, string>;
  /** The subrequest's body: a record, a save result, or `[{ errorCode, message }]` on failure. */
  body: T;
}

export interface CollectionOptions {
  /** Applies per chunk of 200: chunks already committed stay committed. Default false. */
  allOrNone?: boolean;
}

export interface LimitInfo {
  apiUsage?: { used: number; limit: number };
}

export interface SalesforceConnector {
  readonly apiVersion: string;
  /** The authorized jsforce connection (logs in on first use), for what the typed operations lack. */
  connection(): Promise<Connection>;
  query<T = SObjectRecord>(q: SoqlQuery, opts?: QueryOptions): Promise<QueryResult<T>>;
  /** Streams a large result page by page; `onPage` runs before the next page is fetched. */
  queryPages<T = SObjectRecord>(
    q: SoqlQuery,
    onPage: (page: QueryPage<T>) => void | Promise<void>,
    opts?: Omit<QueryOptions, 'maxRecords'>,
  ): Promise<{ totalSize: number; pages: number }>;
  search<T = SObjectRecord>(q: SoslQuery): Promise<T[]>;
  retrieve<T = SObjectRecord>(object: string, id: string, fields?: readonly string[]): Promise<T>;
  create(object: string, fields: Record<string, unknown>): Promise<{ id: string }>;
  update(object: string, id: string, fields: Record<string, unknown>): Promise<void>;
  remove(object: string, id: string): Promise<void>;
  /** Upsert by external ID: `{ created }` tells insert from update; several matches → PermanentError `MULTIPLE_CHOICES`. */
  upsert(
    object: string,
    extIdField: string,
    value: string,
    fields: Record<string, unknown>,
  ): Promise<{ id: string; created: boolean }>;
  /** One Composite call (≤ 25 subrequests, `@{ref.field}` references allowed). */
  composite<T = unknown>(
    subrequests: readonly CompositeSubrequest[],
    opts?: { allOrNone?: boolean },
  ): Promise<CompositeSubresponse<T>[]>;
  /** sObject Collections, chunked by 200; results in input order. */
  collections: {
    create(
      object: string,
      records: readonly Record<string, unknown>[],
      opts?: CollectionOptions,
    ): Promise<SaveResult[]>;
    update(
      object: string,
      records: readonly SObjectRecord[],
      opts?: CollectionOptions,
    ): Promise<SaveResult[]>;
    upsert(
      object: string,
      extIdField: string,
      records: readonly Record<string, unknown>[],
      opts?: CollectionOptions,
    ): Promise<SaveResult[]>;
    remove(ids: readonly string[], opts?: CollectionOptions): Promise<SaveResult[]>;
  };
  /**
   * SOAP `emptyRecycleBin`, chunked by 200: deletes records in the recycle bin for good; one result
   * per ID in input order (an ID not in the bin is a per-ID error, not a failure of the call).
   */
  emptyRecycleBin(ids: readonly string[]): Promise<SaveResult[]>;
  /** CDC (`/data/ContactChangeEvent`) or PushTopic (`/topic/Name`) with replay; resolves once subscribed. */
  subscribe<T = unknown>(
    channel: string,
    opts: { replayId?: number },
    onEvent: (event: StreamingEvent<T>) => void | Promise<void>,
  ): Promise<SalesforceSubscription>;
  /** API usage from the last `Sforce-Limit-Info` header (no request). */
  limitInfo(): LimitInfo;
  /** `GET /limits`: every org limit with Max and Remaining. */
  limits(): Promise<Record<string, { Max: number; Remaining: number }>>;
  close(): Promise<void>;
}

interface CallState {
  status?: number;
  retryAfter?: string;
}

interface HttpResponseLike {
  statusCode: number;
  headers: Record<string, string | undefined>;
}

type Transport = { httpRequest(req: unknown, options?: Record<string, unknown>): Promise<HttpResponseLike> };

export function createSalesforceConnector(opts: SalesforceConnectorOptions): SalesforceConnector {
  const apiVersion = opts.apiVersion ?? vendor.defaultApiVersion;
  const log = opts.log.child({ connector: 'salesforce' });
  const metrics = opts.metrics;
  const calls = new AsyncLocalStorage<CallState>();
  let usage: LimitInfo = {};
  const refreshes: number[] = [];

  const conn: Connection = new jsforce.Connection({
    loginUrl: opts.loginUrl,
    instanceUrl: opts.loginUrl,
    version: apiVersion,
    oauth2: { loginUrl: opts.loginUrl, clientId: opts.clientId, clientSecret: opts.clientSecret },
    // Client credentials have no refresh token: re-authorize, but never loop on a 401 that a new
    // token does not cure (jsforce would retry forever).
    refreshFn: (_c, callback) => {
      const now = Date.now();
      while (refreshes.length > 0 && (refreshes[0] ?? 0) < now - vendor.refreshWindowMs) refreshes.shift();
      if (refreshes.length >= vendor.maxRefreshesPerWindow) {
        callback(new Error('401 persists after re-authorizing'));
        return;
      }
      refreshes.push(now);
      log.info('salesforce session expired; re-authorizing');
      login().then(
        () => callback(undefined, conn.accessToken ?? undefined),
        (e: unknown) => callback(e instanceof Error ? e : new Error('login failed')),
      );
    },
  });

  // Every HTTP request of this connection: metrics, the status for error mapping, API usage,
  // and jsforce's own retry bounded by the vendor description.
  const transport = (conn as unknown as { _transport: Transport })._transport;
  const send = transport.httpRequest.bind(transport);
  transport.httpRequest = (req, options = {}) => {
    const started = performance.now();
    const call = calls.getStore();
    // The interaction's trace, when the call is made for a traced job (platform/trace).
    const traced = correlationHeaders();
    if (CORRELATION_HEADER in traced && req !== null && typeof req === 'object') {
      const r = req as { headers?: Record<string, string> };
      r.headers = { ...r.headers, ...traced };
    }
    const pending = send(req, { ...options, retry: { ...vendor.transportRetry } });
    pending.then(
      (res) => {
        metrics?.outbound(vendor.name, res.statusCode, performance.now() - started);
        if (call) {
          call.status = res.statusCode;
          const ra = res.headers['retry-after'];
          if (ra !== undefined) call.retryAfter = ra;
        }
        const m = /api-usage=(\d+)\/(\d+)/.exec(res.headers[vendor.limitHeader] ?? '');
        if (m) usage = { apiUsage: { used: Number(m[1]), limit: Number(m[2]) } };
      },
      () => metrics?.outbound(vendor.name, 'network_error', performance.now() - started),
    );
    return pending;
  };

  let loggingIn: Promise<void> | undefined;
  function login(): Promise<void> {
    loggingIn ??= (async () => {
      const started = performance.now();
      try {
        await conn.authorize({ grant_type: 'client_credentials' });
        metrics?.outbound(vendor.name, 200, performance.now() - started);
        log.debug('salesforce authorized (client credentials)');
      } catch (e) {
        const reason = (e as { name?: string }).name ?? 'Error';
        const network = /fetch failed|ECONN/i.test((e as Error).message ?? '');
        metrics?.outbound(vendor.name, network ? 'network_error' : 400, performance.now() - started);
        log.warn({ reason }, 'salesforce login failed');
        throw new VendorRetryableError(`salesforce login failed: ${network ? 'network error' : reason}`, {
          vendor: 'salesforce',
          operation: 'login',
          status: network ? undefined : 401,
          code: network ? 'NETWORK_ERROR' : 'LOGIN_FAILED',
          retryAfterMs: 60_000,
        });
      }
    })().finally(() => {
      loggingIn = undefined;
    });
    return loggingIn;
  }

  async function connection(): Promise<Connection> {
    if (!conn.accessToken) await login();
    return conn;
  }

  /** Runs one operation: error mapping with the last response's status; logs code, never data. */
  async function run<T>(operation: string, fn: (call: CallState) => Promise<T>): Promise<T> {
    const call: CallState = {};
    try {
      return await calls.run(call, () => fn(call));
    } catch (err) {
      const mapped = mapSalesforceError(err, {
        operation,
        status: call.status,
        retryAfter: call.retryAfter,
      });
      log.warn(
        {
          operation,
          status: mapped.status,
          code: mapped.code,
          retryable: mapped instanceof VendorRetryableError,
        },
        'salesforce call failed',
      );
      throw mapped;
    }
  }

  async function request<T>(req: {
    method: string;
    url: string;
    body?: unknown;
    headers?: Record<string, string>;
  }): Promise<T> {
    const c = await connection();
    return c.request<T>({
      method: req.method as 'GET',
      url: req.url,
      ...(req.body === undefined ? {} : { body: JSON.stringify(req.body) }),
      headers: { 'content-type': 'application/json', ...req.headers },
    });
  }

  const name = (operation: string, kind: string, value: string) => {
    if (typeof value !== 'string' || !isValidIdentifier(value))
      throw invalidInput('salesforce', operation, `${kind} is not a valid Salesforce name`);
    return value;
  };
  const recordId = (operation: string, id: string) => {
    if (typeof id !== 'string' || !vendor.idPattern.test(id))
      throw invalidInput('salesforce', operation, 'not a Salesforce record ID');
    return id;
  };
  const plainObject = (operation: string, fields: unknown) => {
    if (fields === null || typeof fields !== 'object' || Array.isArray(fields))
      throw invalidInput('salesforce', operation, 'fields must be an object');
    return fields as Record<string, unknown>;
  };
  const base = `/services/data/v${apiVersion}`;

  async function queryPages<T>(
    q: SoqlQuery,
    onPage: (page: QueryPage<T>) => void | Promise<void>,
    o: Omit<QueryOptions, 'maxRecords'> & { maxRecords?: number } = {},
  ): Promise<{ totalSize: number; pages: number }> {
    if (!(q instanceof SoqlQuery))
      throw invalidInput('salesforce', 'query', 'queries must be built with soql``');
    const headers: Record<string, string> = {};
    if (o.pageSize !== undefined) {
      const size = Math.min(
        vendor.query.maxPageSize,
        Math.max(vendor.query.minPageSize, Math.trunc(o.pageSize)),
      );
      headers[vendor.query.optionsHeader] = `batchSize=${size}`;
    }
    let url: string | undefined = `${base}/${o.all ? 'queryAll' : 'query'}?q=${encodeURIComponent(q.text)}`;
    let index = 0;
    let totalSize = 0;
    while (url !== undefined) {
      const pageUrl: string = url;
      const res = await run('query', () =>
        request<{ totalSize: number; done: boolean; records: T[]; nextRecordsUrl?: string }>({
          method: 'GET',
          url: pageUrl,
          headers,
        }),
      );
      totalSize = res.totalSize;
      if (index === 0 && o.maxRecords !== undefined && res.totalSize > o.maxRecords)
        throw new VendorPermanentError(
          `salesforce query: ${res.totalSize} records match, more than maxRecords ${o.maxRecords}; use queryPages`,
          { vendor: 'salesforce', operation: 'query', code: 'TOO_MANY_RECORDS' },
        );
      const done = res.done || !res.nextRecordsUrl;
      await onPage({ records: res.records, totalSize, index, done });
      index++;
      url = done ? undefined : res.nextRecordsUrl;
    }
    return { totalSize, pages: index };
  }

  async function chunked<T>(
    items: readonly T[],
    fn: (chunk: T[]) => Promise<SaveResult[]>,
  ): Promise<SaveResult[]> {
    const out: SaveResult[] = [];
    for (let i = 0; i < items.length; i += vendor.batch.collections)
      out.push(...(await fn(items.slice(i, i + vendor.batch.collections))));
    return out;
  }

  const streams = new Set<SalesforceSubscription>();

  return {
    apiVersion,
    connection,
    async query<T>(q: SoqlQuery, o: QueryOptions = {}) {
      const records: T[] = [];
      const { totalSize } = await queryPages<T>(q, (p) => void records.push(...p.records), {
        ...o,
        maxRecords: o.maxRecords ?? vendor.query.defaultMaxRecords,
      });
      return { records, totalSize };
    },
    queryPages,
    async search<T>(q: SoslQuery) {
      if (!(q instanceof SoslQuery))
        throw invalidInput('salesforce', 'search', 'searches must be built with sosl``');
      const res = await run('search', () =>
        request<{ searchRecords?: T[] }>({
          method: 'GET',
          url: `${base}/search?q=${encodeURIComponent(q.text)}`,
        }),
      );
      return res.searchRecords ?? [];
    },
    async retrieve<T>(object: string, id: string, fields?: readonly string[]) {
      name('retrieve', 'object', object);
      recordId('retrieve', id);
      for (const f of fields ?? []) name('retrieve', 'field', f);
      const qs = fields && fields.length > 0 ? `?fields=${fields.join(',')}` : '';
      return run('retrieve', () =>
        request<T>({ method: 'GET', url: `${base}/sobjects/${object}/${id}${qs}` }),
      );
    },
    async create(object, fields) {
      name('create', 'object', object);
      const body = plainObject('create', fields);
      const res = await run('create', () =>
        request<{ id: string }>({ method: 'POST', url: `${base}/sobjects/${object}`, body }),
      );
      return { id: res.id };
    },
    async update(object, id, fields) {
      name('update', 'object', object);
      recordId('update', id);
      const body = plainObject('update', fields);
      await run('update', () => request({ method: 'PATCH', url: `${base}/sobjects/${object}/${id}`, body }));
    },
    async remove(object, id) {
      name('remove', 'object', object);
      recordId('remove', id);
      await run('remove', () => request({ method: 'DELETE', url: `${base}/sobjects/${object}/${id}` }));
    },
    async upsert(object, extIdField, value, fields) {
      name('upsert', 'object', object);
      name('upsert', 'external ID field', extIdField);
      if (typeof value !== 'string' || value === '' || value.length > 255)
        throw invalidInput('salesforce', 'upsert', 'external ID value must be 1–255 characters');
      const body = plainObject('upsert', fields);
      return run('upsert', async (call) => {
        const res = await request<{ id?: string; created?: boolean } | undefined>({
          method: 'PATCH',
          url: `${base}/sobjects/${object}/${extIdField}/${encodeURIComponent(value)}`,
          body,
        });
        const created = res?.created ?? call.status === 201;
        if (!res?.id)
          throw new VendorPermanentError(
            'salesforce upsert: no record ID in the answer (API version < 46?)',
            {
              vendor: 'salesforce',
              operation: 'upsert',
              status: call.status,
            },
          );
        return { id: res.id, created };
      });
    },
    async composite<T>(subrequests: readonly CompositeSubrequest[], o: { allOrNone?: boolean } = {}) {
      if (
        !Array.isArray(subrequests) ||
        subrequests.length === 0 ||
        subrequests.length > vendor.batch.composite
      )
        throw invalidInput(
          'salesforce',
          'composite',
          `composite takes 1–${vendor.batch.composite} subrequests`,
        );
      const compositeRequest = subrequests.map((s) => ({
        ...s,
        url: s.url.startsWith('/') ? s.url : `${base}/${s.url}`,
      }));
      const res = await run('composite', () =>
        request<{ compositeResponse: CompositeSubresponse<T>[] }>({
          method: 'POST',
          url: `${base}/composite`,
          body: { allOrNone: o.allOrNone ?? false, compositeRequest },
        }),
      );
      return res.compositeResponse;
    },
    collections: {
      async create(object, records, o = {}) {
        name('collections.create', 'object', object);
        return chunked(records, (chunk) =>
          run('collections.create', () =>
            request<SaveResult[]>({
              method: 'POST',
              url: `${base}/composite/sobjects`,
              body: {
                allOrNone: o.allOrNone ?? false,
                records: chunk.map((r) => ({
                  ...plainObject('collections.create', r),
                  attributes: { type: object },
                })),
              },
            }),
          ),
        );
      },
      async update(object, records, o = {}) {
        name('collections.update', 'object', object);
        for (const r of records)
          recordId('collections.update', plainObject('collections.update', r).Id as string);
        return chunked(records, (chunk) =>
          run('collections.update', () =>
            request<SaveResult[]>({
              method: 'PATCH',
              url: `${base}/composite/sobjects`,
              body: {
                allOrNone: o.allOrNone ?? false,
                records: chunk.map((r) => ({ ...r, attributes: { type: object } })),
              },
            }),
          ),
        );
      },
      async upsert(object, extIdField, records, o = {}) {
        name('collections.upsert', 'object', object);
        name('collections.upsert', 'external ID field', extIdField);
        return chunked(records, (chunk) =>
          run('collections.upsert', () =>
            request<SaveResult[]>({
              method: 'PATCH',
              url: `${base}/composite/sobjects/${object}/${extIdField}`,
              body: {
                allOrNone: o.allOrNone ?? false,
                records: chunk.map((r) => ({
                  ...plainObject('collections.upsert', r),
                  attributes: { type: object },
                })),
              },
            }),
          ),
        );
      },
      async remove(ids, o = {}) {
        for (const id of ids) recordId('collections.remove', id);
        return chunked(ids, (chunk) =>
          run('collections.remove', () =>
            request<SaveResult[]>({
              method: 'DELETE',
              url: `${base}/composite/sobjects?ids=${chunk.join(',')}&allOrNone=${o.allOrNone ?? false}`,
            }),
          ),
        );
      },
    },
    async emptyRecycleBin(ids) {
      for (const id of ids) recordId('emptyRecycleBin', id);
      return chunked(ids, (chunk) =>
        run('emptyRecycleBin', async (call) => {
          const c = await connection();
          try {
            // jsforce types the answer as one result; it is one per ID.
            const res = (await c.soap.emptyRecycleBin(chunk)) as unknown as Array<{
              id?: string | null;
              success: boolean;
              errors?: Array<{ statusCode: string; message: string; fields?: string[] | null }>;
            }>;
            return res.map((r, i) => ({
              id: r.id ?? chunk[i] ?? null,
              success: r.success,
              errors: (r.errors ?? []).map((e) => ({
                statusCode: e.statusCode,
                message: e.message,
                fields: e.fields ?? [],
              })),
            }));
          } catch (err) {
            // SOAP faults are always HTTP 500: the fault code ("sf:INSUFFICIENT_ACCESS") decides, not the status.
            const code = (err as { errorCode?: unknown }).errorCode;
            if (typeof code === 'string' && code.startsWith('sf:')) {
              delete call.status;
              (err as { errorCode: string }).errorCode = code.slice(3);
            }
            throw err;
          }
        }),
      );
    },
    async subscribe<T>(
      channel: string,
      o: { replayId?: number },
      onEvent: (event: StreamingEvent<T>) => void | Promise<void>,
    ) {
      if (typeof channel !== 'string' || !/^\/(data|topic|event)\/[A-Za-z0-9_]+$/.test(channel))
        throw invalidInput('salesforce', 'subscribe', 'channel must look like /data/X, /topic/X or /event/X');
      await connection();
      const sub = await subscribeStreaming<T>({
        conn,
        channel,
        replayId: o.replayId ?? -1,
        onEvent,
        reauthorize: login,
        log,
        onClose: () => streams.delete(sub),
      });
      streams.add(sub);
      return sub;
    },
    limitInfo: () => usage,
    async limits() {
      return run('limits', () =>
        request<Record<string, { Max: number; Remaining: number }>>({ method: 'GET', url: `${base}/limits` }),
      );
    },
    async close() {
      for (const s of [...streams]) s.unsubscribe();
    },
  };
}
