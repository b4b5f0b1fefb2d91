/**
 * The back-office connector (seed 002): `communication-history-manager` and its customer
 * directory. Plain `fetch` with a timeout; failures become the jobs' `RetryableError` /
 * `PermanentError` (5xx, 408, 429 and network errors retry; `Retry-After` honoured). A 409 on
 * `POST /communicationRecords` means "already logged" and is returned, not thrown.
 */
import { performance } from 'node:perf_hooks';
import { errorForHttpStatus, RetryableError } from '../../platform/jobs/index.ts';
import type { Metrics } from '../../platform/metrics/registry.ts';
import { correlationHeaders } from '../../platform/trace/context.ts';

export interface BackofficeCustomer {
  id: string;
  firstName?: string;
  lastName?: string;
  email?: string | null;
  phone?: string | null;
}

export interface StoredCommunicationRecord {
  id: string;
  interactionId: string;
  customerId: string | null;
  [field: string]: unknown;
}

export interface BackofficeConnector {
  /** `created` false when the back office answered 409 (a record for this interaction and customer exists). */
  createRecord(record: object, signal?: AbortSignal): Promise<{ created: boolean; id: string | undefined }>;
  findRecords(
    filter: { interactionId: string; customerId?: string | null },
    signal?: AbortSignal,
  ): Promise<StoredCommunicationRecord[]>;
  findCustomers(
    filter: { phone?: string; email?: string },
    signal?: AbortSignal,
  ): Promise<BackofficeCustomer[]>;
}

export interface BackofficeConnectorOptions {
  baseUrl: string;
  timeoutMs?: number;
  metrics?: Pick<Metrics, 'outbound'> | undefined;
  fetch?: typeof fetch;
}

export function createBackofficeConnector(opts: BackofficeConnectorOptions): BackofficeConnector {
  const base = opts.baseUrl.replace(/\/$/, '');
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const doFetch = opts.fetch ?? fetch;

  async function call(
    method: string,
    path: string,
    body: unknown,
    signal: AbortSignal | undefined,
  ): Promise<Response> {
    const started = performance.now();
    const timeout = AbortSignal.timeout(timeoutMs);
    let res: Response;
    try {
      res = await doFetch(`${base}${path}`, {
        method,
        headers: {
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...correlationHeaders(),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
    } catch (err) {
      opts.metrics?.outbound('backoffice', 'network_error', performance.now() - started);
      throw new RetryableError(`backoffice ${method} ${path.split('?')[0] ?? ''}: ${(err as Error).name}`, {
        cause: err,
      });
    }
    opts.metrics?.outbound('backoffice', res.status, performance.now() - started);
    return res;
  }

  async function fail(res: Response, what: string): Promise<never> {
    let detail = '';
    try {
      const b = (await res.json()) as { field?: unknown; message?: unknown };
      // The field name only: messages may echo personal data.
      if (typeof b.field === 'string') detail = ` (field ${b.field})`;
    } catch {
      /* not JSON */
    }
    throw errorForHttpStatus(
      res.status,
      res.headers.get('retry-after'),
      `backoffice ${what}: HTTP ${res.status}${detail}`,
    );
  }

  return {
    async createRecord(record, signal) {
      const res = await call('POST', '/communicationRecords', record, signal);
      if (res.status === 409) {
        await res.body?.cancel();
        return { created: false, id: undefined };
      }
      if (!res.ok) return fail(res, 'createRecord');
      const stored = (await res.json()) as { id?: string };
      return { created: true, id: stored.id };
    },
    async findRecords(filter, signal) {
      const q = new URLSearchParams({ interactionId: filter.interactionId });
      if (filter.customerId) q.set('customerId', filter.customerId);
      const res = await call('GET', `/communicationRecords?${q.toString()}`, undefined, signal);
      if (!res.ok) return fail(res, 'findRecords');
      const all = (await res.json()) as StoredCommunicationRecord[];
      // customerId null cannot be a query parameter: filter here.
      return filter.customerId === null ? all.filter((r) => r.customerId === null) : all;
    },
    async findCustomers(filter, signal) {
      const q = new URLSearchParams();
      if (filter.phone) q.set('phone', filter.phone);
      if (filter.email) q.set('email', filter.email);
      if ([...q.keys()].length === 0) return [];
      const res = await call('GET', `/customers?${q.toString()}`, undefined, signal);
      if (res.status === 404) return [];
      if (!res.ok) return fail(res, 'findCustomers');
      return (await res.json()) as BackofficeCustomer[];
    },
  };
}
