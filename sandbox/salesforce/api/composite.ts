/**
 * Batch-style APIs. sObject Collections (≤200 records, allOrNone), Composite (≤25 subrequests,
 * `@{ref.path}` references, allOrNone rolls back every subrequest) and Composite Batch
 * (independent subrequests, haltOnError). Subrequests run through the same router, synchronously,
 * inside store transactions.
 */
import type { Ctx } from '../context.ts';
import { resultError, SfError, toSfError } from '../errors.ts';
import { normalizeId } from '../ids.ts';
import type { ApiRequest, ApiResponse, Router } from '../router.ts';
import { objectMeta, toApiRecord } from './records.ts';
import { upsertOne } from './sobjects.ts';

const ROLLED_BACK = {
  statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK',
  message: 'Record rolled back because not all records were valid and the request was using AllOrNone header',
  fields: [],
};
const CS = '/services/data/:v/composite/sobjects';

type Outcome = { ok: true; value: Record<string, unknown> } | { ok: false; error: SfError };

function collectionBody(body: unknown): { allOrNone: boolean; records: Record<string, unknown>[] } {
  if (!body || typeof body !== 'object' || !Array.isArray((body as { records?: unknown }).records)) {
    throw new SfError(
      'JSON_PARSER_ERROR',
      'Cannot deserialize request: expected { "allOrNone": boolean, "records": [ ... ] }',
    );
  }
  const b = body as { allOrNone?: unknown; records: unknown[] };
  if (b.records.length > 200)
    throw new SfError(
      'EXCEEDED_ID_LIMIT',
      'record limit reached. cannot submit more than 200 records into this call',
    );
  return {
    allOrNone: b.allOrNone === true,
    records: b.records.map((r) =>
      r && typeof r === 'object' && !Array.isArray(r) ? (r as Record<string, unknown>) : {},
    ),
  };
}

/** Run one operation per item, all-or-none or independently, and shape Collections results. */
function runAll<T>(
  ctx: Ctx,
  items: T[],
  allOrNone: boolean,
  op: (item: T) => Record<string, unknown>,
): Record<string, unknown>[] {
  const { store } = ctx.org;
  const outcomes: Outcome[] = [];
  const attempt = (item: T): Outcome => {
    try {
      return { ok: true, value: store.transaction(() => op(item)) };
    } catch (e) {
      return { ok: false, error: toSfError(e) };
    }
  };
  if (!allOrNone) {
    for (const item of items) outcomes.push(attempt(item));
  } else {
    try {
      store.transaction(() => {
        for (const item of items) {
          try {
            outcomes.push({ ok: true, value: op(item) });
          } catch (e) {
            outcomes.push({ ok: false, error: toSfError(e) });
          }
        }
        if (outcomes.some((o) => !o.ok)) throw new Error('rollback');
      });
    } catch {
      return outcomes.map((o) =>
        o.ok ? { success: false, errors: [ROLLED_BACK] } : { success: false, errors: [resultError(o.error)] },
      );
    }
  }
  return outcomes.map((o) =>
    o.ok ? { ...o.value, success: true, errors: [] } : { success: false, errors: [resultError(o.error)] },
  );
}

function typeOf(r: Record<string, unknown>): string {
  const t = (r.attributes as { type?: unknown } | undefined)?.type;
  if (typeof t !== 'string') throw new SfError('INVALID_TYPE', 'Must specify a type in attributes');
  return t;
}

export function registerComposite(router: Router, ctx: Ctx): void {
  const { store } = ctx.org;

  router.add('POST', CS, (req) => {
    const { allOrNone, records } = collectionBody(req.body);
    return {
      status: 200,
      body: runAll(ctx, records, allOrNone, (r) => {
        if ('Id' in r || 'id' in r) throw new SfError('INVALID_FIELD', 'Cannot specify Id in an insert call');
        return { id: store.insert(objectMeta(ctx, typeOf(r)).name, r).Id };
      }),
    };
  });

  router.add('PATCH', CS, (req) => {
    const { allOrNone, records } = collectionBody(req.body);
    return {
      status: 200,
      body: runAll(ctx, records, allOrNone, (r) => {
        const id = typeof r.Id === 'string' ? normalizeId(r.Id) : undefined;
        if (!id) throw new SfError('MALFORMED_ID', `Id in update: ${String(r.Id)}`, { fields: ['Id'] });
        const { Id: _id, ...fields } = r;
        store.update(objectMeta(ctx, typeOf(r)).name, id, fields);
        return { id };
      }),
    };
  });

  router.add('PATCH', `${CS}/:obj/:field`, (req) => {
    const meta = objectMeta(ctx, req.params.obj);
    const { allOrNone, records } = collectionBody(req.body);
    const field = req.params.field ?? '';
    return {
      status: 200,
      body: runAll(ctx, records, allOrNone, (r) => {
        const key = Object.keys(r).find((k) => k.toLowerCase() === field.toLowerCase());
        const value = key ? r[key] : undefined;
        if (typeof value !== 'string' && typeof value !== 'number')
          throw new SfError('REQUIRED_FIELD_MISSING', `Required fields are missing: [${field}]`, {
            fields: [field],
          });
        const res = upsertOne(ctx, meta, field, String(value), r);
        return { id: res.id, created: res.created };
      }),
    };
  });

  router.add('DELETE', CS, (req) => {
    const ids = (req.query.get('ids') ?? '').split(',').filter(Boolean);
    if (ids.length === 0) throw new SfError('MALFORMED_QUERY', 'ids parameter is required');
    if (ids.length > 200)
      throw new SfError(
        'EXCEEDED_ID_LIMIT',
        'record limit reached. cannot submit more than 200 records into this call',
      );
    return {
      status: 200,
      body: runAll(ctx, ids, req.query.get('allOrNone') === 'true', (raw) => {
        const id = normalizeId(raw);
        if (!id) throw new SfError('MALFORMED_ID', `malformed id ${raw}`);
        store.delete(id);
        return { id };
      }),
    };
  });

  router.add('GET', `${CS}/:obj`, (req) => {
    const meta = objectMeta(ctx, req.params.obj);
    const ids = (req.query.get('ids') ?? '').split(',').filter(Boolean);
    const fields = (req.query.get('fields') ?? 'Id').split(',').filter(Boolean);
    return {
      status: 200,
      body: ids.map((raw) => {
        const id = normalizeId(raw);
        const rec = id ? store.get(id) : undefined;
        return rec && id?.startsWith(meta.keyPrefix) ? toApiRecord(meta, rec, req.version, fields) : null;
      }),
    };
  });

  router.add('POST', '/services/data/:v/composite', (req) => compositeRequest(router, ctx, req));
  router.add('POST', '/services/data/:v/composite/batch', (req) => batchRequest(router, req));
}

interface SubRequest {
  method: string;
  url: string;
  referenceId: string;
  body?: unknown;
}

/** `@{ref.path}` → the value at that path of an earlier subrequest's response body. */
function resolveRefs(value: unknown, results: Map<string, unknown>): unknown {
  if (typeof value === 'string') {
    return value.replace(
      /@\{([A-Za-z0-9_]+)((?:\.[A-Za-z0-9_]+|\[\d+\])*)\}/g,
      (whole, ref: string, path: string) => {
        if (!results.has(ref))
          throw new SfError(
            'PROCESSING_HALTED',
            `Invalid reference specified. No value for ${ref}${path} found in ${ref}. Provided referenceId ('${ref}') must start with a letter or a number, and it can contain only letters, numbers and underscores ('_').`,
          );
        let cur: unknown = results.get(ref);
        for (const step of path.match(/\.[A-Za-z0-9_]+|\[\d+\]/g) ?? []) {
          const key = step.startsWith('[') ? Number(step.slice(1, -1)) : step.slice(1);
          cur = cur && typeof cur === 'object' ? (cur as Record<string | number, unknown>)[key] : undefined;
        }
        if (cur === undefined)
          throw new SfError(
            'PROCESSING_HALTED',
            `Invalid reference specified. No value for ${ref}${path} found in ${ref}.`,
          );
        return typeof cur === 'string' || typeof cur === 'number' || typeof cur === 'boolean'
          ? String(cur)
          : whole;
      },
    );
  }
  if (Array.isArray(value)) return value.map((v) => resolveRefs(v, results));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveRefs(v, results)]));
  return value;
}

function dispatch(router: Router, req: ApiRequest, method: string, url: string, body: unknown): ApiResponse {
  const u = new URL(url.startsWith('/') ? url : `/services/data/${url}`, 'http://composite');
  try {
    return router.handle({
      method: method.toUpperCase(),
      path: u.pathname,
      query: u.searchParams,
      body,
      headers: req.headers,
    });
  } catch (e) {
    const err = toSfError(e);
    return {
      status: err.status,
      body: [
        { message: err.message, errorCode: err.errorCode, ...(err.fields ? { fields: err.fields } : {}) },
      ],
    };
  }
}

function compositeRequest(router: Router, ctx: Ctx, req: ApiRequest): ApiResponse {
  const body = req.body as { allOrNone?: unknown; compositeRequest?: unknown } | undefined;
  if (!body || !Array.isArray(body.compositeRequest))
    throw new SfError('JSON_PARSER_ERROR', 'Cannot deserialize request: compositeRequest is required');
  const subs = body.compositeRequest as SubRequest[];
  if (subs.length > 25)
    throw new SfError('LIMIT_EXCEEDED', `Exceeded max size limit of 25 with request size ${subs.length}`);
  const allOrNone = body.allOrNone === true;
  const results = new Map<string, unknown>();
  const out: {
    body: unknown;
    httpHeaders: Record<string, string>;
    httpStatusCode: number;
    referenceId: string;
  }[] = [];
  let failed = false;
  const run = () => {
    for (const s of subs) {
      if (
        !s ||
        typeof s.method !== 'string' ||
        typeof s.url !== 'string' ||
        typeof s.referenceId !== 'string'
      ) {
        throw new SfError('JSON_PARSER_ERROR', 'Each subrequest needs method, url and referenceId');
      }
      if (failed && allOrNone) {
        out.push({
          body: [
            {
              errorCode: 'PROCESSING_HALTED',
              message:
                'The transaction was rolled back since another operation in the same transaction failed.',
            },
          ],
          httpHeaders: {},
          httpStatusCode: 400,
          referenceId: s.referenceId,
        });
        continue;
      }
      let res: ApiResponse;
      try {
        const url = resolveRefs(s.url, results) as string;
        const subBody = resolveRefs(s.body, results);
        res = ctx.org.store.transaction(() => {
          const r = dispatch(router, req, s.method, url, subBody);
          if (r.status >= 400 && allOrNone) throw Object.assign(new Error('rollback'), { response: r });
          return r;
        });
      } catch (e) {
        res = (e as { response?: ApiResponse }).response ?? {
          status: 400,
          body: [{ errorCode: toSfError(e).errorCode, message: toSfError(e).message }],
        };
      }
      if (res.status >= 400) failed = true;
      else results.set(s.referenceId, res.body);
      out.push({
        body: res.body ?? null,
        httpHeaders: res.headers ?? {},
        httpStatusCode: res.status,
        referenceId: s.referenceId,
      });
    }
    if (failed && allOrNone) throw new Error('rollback');
  };
  try {
    ctx.org.store.transaction(run);
  } catch (e) {
    if (e instanceof SfError) throw e;
    // Every subrequest that had succeeded was rolled back with the failed one.
    for (const o of out) {
      if (o.httpStatusCode < 400) {
        o.httpStatusCode = 400;
        o.body = [
          {
            errorCode: 'PROCESSING_HALTED',
            message:
              'The transaction was rolled back since another operation in the same transaction failed.',
          },
        ];
        o.httpHeaders = {};
      }
    }
  }
  return { status: 200, body: { compositeResponse: out } };
}

function batchRequest(router: Router, req: ApiRequest): ApiResponse {
  const body = req.body as { batchRequests?: unknown; haltOnError?: unknown } | undefined;
  if (!body || !Array.isArray(body.batchRequests))
    throw new SfError('JSON_PARSER_ERROR', 'Cannot deserialize request: batchRequests is required');
  const subs = body.batchRequests as { method?: unknown; url?: unknown; richInput?: unknown }[];
  if (subs.length > 25)
    throw new SfError('LIMIT_EXCEEDED', `Exceeded max size limit of 25 with request size ${subs.length}`);
  let halted = false;
  let hasErrors = false;
  const results = subs.map((s) => {
    if (halted)
      return {
        statusCode: 412,
        result: [{ errorCode: 'BATCH_PROCESSING_HALTED', message: 'Batch processing halted per request' }],
      };
    const url = typeof s.url === 'string' ? s.url.replace(/^\/?services\/data\//, '') : '';
    const r = dispatch(router, req, typeof s.method === 'string' ? s.method : 'GET', url, s.richInput);
    if (r.status >= 400) {
      hasErrors = true;
      if (body.haltOnError === true) halted = true;
    }
    return { statusCode: r.status, result: r.body ?? null };
  });
  return { status: 200, body: { hasErrors, results } };
}
