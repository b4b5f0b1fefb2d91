/**
 * HTTP load from a separate process (so the load generator does not steal the server's event
 * loop): autocannon with fixed connections, or a fixed request rate. Prints one JSON object.
 * Every request is the same unless `perRequest` names a factory that builds each one afresh
 * (e.g. a new signed body, which a fixed body could not be: the hub would dedupe or refuse it).
 */
import { spawn } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import autocannon from 'autocannon';

/** Builds one request's body and extra headers; called by the load process for every request. */
export type RequestFactory = () => { body: string; headers: Record<string, string> };

export interface LoadOptions {
  url: string;
  method?: 'GET' | 'POST';
  body?: string;
  headers?: Record<string, string>;
  connections: number;
  durationSeconds: number;
  /** Fixed total request rate (requests/s); unlimited when absent. */
  rate?: number;
  /**
   * A fresh body and headers per request: `module` (a file path) exports `name`, a function of
   * `args` (JSON) returning a RequestFactory. Replaces `body`; `headers` still apply.
   */
  perRequest?: { module: string; name: string; args?: unknown };
}

export interface LoadResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  total: number;
  errors: number;
  non2xx: number;
}

/** Runs the load in a child process and returns its figures. */
export async function runLoad(opts: LoadOptions): Promise<LoadResult> {
  const child = spawn(process.execPath, [import.meta.filename, JSON.stringify(opts)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  await new Promise((resolve) => child.on('exit', resolve));
  return JSON.parse(out) as LoadResult;
}

if (process.argv[2]) {
  const opts = JSON.parse(process.argv[2]) as LoadOptions;
  const per = opts.perRequest;
  const next = per
    ? ((await import(pathToFileURL(per.module).href)) as Record<string, (args: unknown) => RequestFactory>)[
        per.name
      ]?.(per.args)
    : undefined;
  if (per && !next) throw new Error(`${per.module} does not export a request factory ${per.name}`);
  const result = await autocannon({
    url: opts.url,
    method: opts.method ?? 'GET',
    ...(opts.body !== undefined ? { body: opts.body } : {}),
    headers: { 'content-type': 'application/json', ...opts.headers },
    connections: opts.connections,
    duration: opts.durationSeconds,
    ...(opts.rate ? { overallRate: opts.rate } : {}),
    ...(next
      ? {
          requests: [
            {
              setupRequest: (req) => {
                const r = next();
                return { ...req, body: r.body, headers: { ...req.headers, ...r.headers } };
              },
            },
          ],
        }
      : {}),
  });
  const r: LoadResult = {
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    total: result.requests.total,
    errors: result.errors,
    non2xx: result.non2xx,
  };
  process.stdout.write(JSON.stringify(r));
}
