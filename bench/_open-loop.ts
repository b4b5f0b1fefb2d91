/**
 * Open-loop HTTP load at a fixed request rate, from a separate process (so the generator does not
 * steal the server's event loop), with per-request latency in fractional milliseconds.
 *
 * Why not autocannon's `overallRate`: it reports whole-millisecond percentiles and paces its
 * connections closed-loop, so at 1,000 req/s its own pacing dominates a sub-millisecond route's p99.
 * Here request i is due at start + i / rate whatever the earlier ones are doing (open loop: a slow
 * server does not slow the offered load); keep-alive sockets are capped at `connections`, and a
 * request waiting for a free socket counts that wait in its latency. Latency runs from the moment
 * the request is issued (`process.hrtime`) to the end of its response body; how late the generator's
 * own timer issued requests is reported separately (`lateP99Ms`), so it is not charged to the server.
 */
import { spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import type { RequestFactory } from './_load.ts';

export interface OpenLoopOptions {
  url: string;
  method?: 'GET' | 'POST';
  /** One body, or several sent in turn (request i carries body i mod n). */
  body?: string | readonly string[];
  headers?: Record<string, string>;
  /** Requests per second, fixed. */
  rate: number;
  durationSeconds: number;
  /** Keep-alive sockets at most (default 50). */
  connections?: number;
}

export interface OpenLoopResult {
  requestsPerSecond: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  p999Ms: number;
  maxMs: number;
  /** How late the generator issued requests against their schedule (its own lag, not the server's). */
  lateP99Ms: number;
  total: number;
  errors: number;
  non2xx: number;
}

/** A request factory for `_load.ts`'s `perRequest` (autocannon): the given bodies in turn. */
export function bodiesInTurn(bodies: readonly string[]): RequestFactory {
  let i = 0;
  return () => ({ body: bodies[i++ % bodies.length] ?? '', headers: {} });
}

/** Runs the load in a child process and returns its figures. */
export async function runOpenLoop(opts: OpenLoopOptions): Promise<OpenLoopResult> {
  const child = spawn(process.execPath, [import.meta.filename, JSON.stringify(opts)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise((resolve) => child.on('exit', resolve));
  if (code !== 0) throw new Error(`open-loop generator exited with ${String(code)}`);
  return JSON.parse(out) as OpenLoopResult;
}

/** Nearest-rank percentile of an ascending list, rounded to µs. */
function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return Math.round((sorted[i] ?? 0) * 1000) / 1000;
}

async function generate(opts: OpenLoopOptions): Promise<OpenLoopResult> {
  const target = new URL(opts.url);
  const agent = new Agent({ keepAlive: true, maxSockets: opts.connections ?? 50 });
  const bodies = (typeof opts.body === 'string' ? [opts.body] : (opts.body ?? [])).map((b) => Buffer.from(b));
  const headers = { 'content-type': 'application/json', ...opts.headers };
  const total = Math.round(opts.rate * opts.durationSeconds);
  const latencies: number[] = [];
  const late: number[] = [];
  let errors = 0;
  let non2xx = 0;
  let sent = 0;
  let pending = 0;
  let done: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (done = resolve));

  const fire = (i: number) => {
    const body = bodies[i % Math.max(1, bodies.length)];
    const t0 = process.hrtime.bigint();
    pending++;
    let settled = false;
    // Once per request, whichever of the response's end or an error comes first.
    const settle = (ok: boolean, status?: number) => {
      if (settled) return;
      settled = true;
      if (ok) latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      else errors++;
      if (status !== undefined && (status < 200 || status >= 300)) non2xx++;
      if (--pending === 0 && sent === total) done();
    };
    const req = request(
      {
        agent,
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: opts.method ?? 'GET',
        headers: body ? { ...headers, 'content-length': body.length } : headers,
      },
      (res) => {
        res.on('data', () => undefined);
        res.on('end', () => settle(true, res.statusCode));
        res.on('error', () => settle(false));
      },
    );
    req.on('error', () => settle(false));
    req.end(body);
  };

  const start = process.hrtime.bigint();
  const intervalNs = 1e9 / opts.rate;
  // A 1 ms tick issues every request that has come due; a busy-wait would starve the server on a small machine.
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = process.hrtime.bigint();
      while (sent < total && Number(now - start) >= sent * intervalNs) {
        late.push((Number(now - start) - sent * intervalNs) / 1e6);
        fire(sent++);
      }
      if (sent < total) setTimeout(tick, 1);
      else resolve();
    };
    tick();
  });
  if (pending > 0) await finished;
  const elapsedS = Number(process.hrtime.bigint() - start) / 1e9;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  late.sort((a, b) => a - b);
  return {
    requestsPerSecond: Math.round(latencies.length / elapsedS),
    p50Ms: percentile(latencies, 50),
    p90Ms: percentile(latencies, 90),
    p99Ms: percentile(latencies, 99),
    p999Ms: percentile(latencies, 99.9),
    maxMs: percentile(latencies, 100),
    lateP99Ms: percentile(late, 99),
    total: latencies.length,
    errors,
    non2xx,
  };
}

if (process.argv[1] === import.meta.filename && process.argv[2]) {
  process.stdout.write(JSON.stringify(await generate(JSON.parse(process.argv[2]) as OpenLoopOptions)));
}
