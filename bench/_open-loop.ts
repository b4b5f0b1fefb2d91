/**
 * Open-loop HTTP load at a fixed request rate, with per-request latency in fractional milliseconds,
 * from `loadgen/openloop.c` (built here with the system's C compiler on first use, into `.data/`).
 *
 * Why not autocannon's `overallRate`: it reports whole-millisecond percentiles and paces its
 * connections closed-loop. Why not a Node generator: on a 2-core machine its own event loop and GC
 * add milliseconds to the p99 it measures. Request i is due at start + i / rate whatever the server
 * does (open loop); keep-alive sockets are capped at `connections`. Latency runs from the request's
 * due time to the end of its response body, so a wait for a free socket and the generator's own
 * lateness count too (lateness is also reported apart, `lateP99Ms`).
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

const source = join(import.meta.dirname, 'loadgen', 'openloop.c');
const binary = join(import.meta.dirname, '..', '.data', 'bench', 'openloop');

/** The generator's binary, rebuilt when its source is newer. */
function generator(): string {
  const built = (() => {
    try {
      return statSync(binary).mtimeMs;
    } catch {
      return 0;
    }
  })();
  if (built < statSync(source).mtimeMs) {
    mkdirSync(join(binary, '..'), { recursive: true });
    try {
      execFileSync('cc', ['-O2', '-o', binary, source], { stdio: 'inherit' });
    } catch (err) {
      throw new Error(`building ${source} needs a C compiler (cc)`, { cause: err });
    }
  }
  return binary;
}

/** Runs the load in a child process and returns its figures. */
export async function runOpenLoop(opts: OpenLoopOptions): Promise<OpenLoopResult> {
  const target = new URL(opts.url);
  const dir = mkdtempSync(join(tmpdir(), 'pb-openloop-'));
  try {
    const bodies = typeof opts.body === 'string' ? [opts.body] : (opts.body ?? []);
    if (bodies.some((b) => b.includes('\n'))) throw new Error('open-loop bodies must be single-line JSON');
    const bodyFile = join(dir, 'bodies');
    writeFileSync(bodyFile, bodies.map((b) => `${b}\n`).join(''));
    const headers = Object.entries(opts.headers ?? {}).map(([k, v]) => `${k}: ${v}`);
    const child = spawn(
      generator(),
      [
        target.hostname === 'localhost' ? '127.0.0.1' : target.hostname,
        target.port,
        target.pathname,
        opts.method ?? 'GET',
        String(opts.rate),
        String(opts.durationSeconds),
        String(opts.connections ?? 50),
        bodies.length > 0 ? bodyFile : '-',
        ...headers,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise((resolve) => child.on('exit', resolve));
    if (code !== 0) throw new Error(`open-loop generator exited with ${String(code)}`);
    return JSON.parse(out) as OpenLoopResult;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
