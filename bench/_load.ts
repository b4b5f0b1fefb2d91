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
  /** Requests per second of each round (one entry unless run by `runAlternating`). */
  roundsPerSecond: number[];
}

/** Runs the load in a child process and returns its figures. */
export async function runLoad(opts: LoadOptions): Promise<LoadResult> {
  const [result] = await runAlternating([opts], 1);
  if (result === undefined) throw new Error('the load process returned no result');
  return result;
}

/**
 * Runs the phases in turn, `rounds` times over (a, b, a, b, …), in one load process, and returns
 * each phase's figures over all its rounds: requests per second over its total time, latency
 * percentiles from its rounds' merged histograms, and each round's rate in `roundsPerSecond`.
 * Why: on a shared VM the machine's speed drifts by a third within a minute (the no-op route did
 * 16–25k/s in runs a minute apart), so a path measured once, after its baseline, compares two
 * different machines. Alternating short rounds lets both see the same ones.
 */
export async function runAlternating(phases: LoadOptions[], rounds: number): Promise<LoadResult[]> {
  const child = spawn(process.execPath, [import.meta.filename, JSON.stringify({ phases, rounds })], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  if (code !== 0) throw new Error(`the load process exited with ${code}`);
  return JSON.parse(out) as LoadResult[];
}

/**
 * Idle time before each round but the first, so that no round starts with the previous one's
 * leftovers still running (the checkpoint of a durable round's WAL would slow the next no-op round
 * and flatter the ratio: measured, 0.50–0.53 back to back against 0.48–0.49 with 2 s pauses).
 * The checkpoint thread runs every second.
 */
const ROUND_PAUSE_MS = 1_500;

/** The phase's request factory, when it builds each request afresh. */
async function factoryOf(opts: LoadOptions): Promise<RequestFactory | undefined> {
  const per = opts.perRequest;
  if (per === undefined) return undefined;
  const mod = (await import(pathToFileURL(per.module).href)) as Record<
    string,
    (args: unknown) => RequestFactory
  >;
  const next = mod[per.name]?.(per.args);
  if (next === undefined) throw new Error(`${per.module} does not export a request factory ${per.name}`);
  return next;
}

/** One autocannon run of `opts`, its histograms left unmerged (autocannon's `skipAggregateResult`). */
async function runRound(opts: LoadOptions, next: RequestFactory | undefined): Promise<autocannon.Result> {
  return autocannon({
    url: opts.url,
    method: opts.method ?? 'GET',
    ...(opts.body !== undefined ? { body: opts.body } : {}),
    headers: { 'content-type': 'application/json', ...opts.headers },
    connections: opts.connections,
    duration: opts.durationSeconds,
    skipAggregateResult: true,
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
}

/** The fields of an unmerged run that `LoadResult` needs (autocannon's types describe merged ones). */
interface RawRound {
  totalCompletedRequests: number;
  duration: number;
  errors: number;
  non2xx: number;
}

/** autocannon's own merge of unmerged runs (untyped in @types/autocannon). */
const { aggregateResult: aggregate } = autocannon as unknown as {
  aggregateResult: (
    results: autocannon.Result[],
    opts: { url: string; connections: number },
  ) => autocannon.Result;
};

if (process.argv[2]) {
  const { phases, rounds } = JSON.parse(process.argv[2]) as { phases: LoadOptions[]; rounds: number };
  const factories = await Promise.all(phases.map(factoryOf));
  const runs: autocannon.Result[][] = phases.map(() => []);
  for (let round = 0; round < rounds; round++)
    for (const [i, opts] of phases.entries()) {
      if (round > 0 || i > 0) await new Promise((r) => setTimeout(r, ROUND_PAUSE_MS));
      runs[i]?.push(await runRound(opts, factories[i]));
    }
  const results = phases.map((opts, i): LoadResult => {
    const own = runs[i] ?? [];
    const raw = own as unknown as RawRound[];
    const merged = aggregate(own, { url: opts.url, connections: opts.connections });
    const sum = (f: (r: RawRound) => number) => raw.reduce((n, r) => n + f(r), 0);
    const total = sum((r) => r.totalCompletedRequests);
    return {
      requestsPerSecond: total / sum((r) => r.duration),
      p50Ms: merged.latency.p50,
      p99Ms: merged.latency.p99,
      total,
      errors: sum((r) => r.errors),
      non2xx: sum((r) => r.non2xx),
      roundsPerSecond: raw.map((r) => Math.round(r.totalCompletedRequests / r.duration)),
    };
  });
  process.stdout.write(JSON.stringify(results));
}

/** `value / baseline` to two decimals (0 when the baseline did nothing). */
export function ratioOf(value: number, baseline: number): number {
  return baseline > 0 ? Math.round((value / baseline) * 100) / 100 : 0;
}
