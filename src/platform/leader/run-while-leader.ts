/**
 * Long-running work that exactly one replica may do at a time (the presence feed, the case-routing
 * stream): started when this process becomes leader, stopped when it stops being leader.
 */
import type { Logger } from 'pino';
import { coerceError } from '../jobs/errors.ts';
import type { LeaderElection } from './election.ts';

/** Stops what the start function started. */
export type LeaderStop = () => void | Promise<void>;
/**
 * Starts the work; resolves with its stop function. A failure is logged and retried while still
 * leader. `signal` aborts when leadership is lost (or the task stopped) before the start finished:
 * a start should give up then (e.g. pass it to its requests).
 */
export type LeaderStart = (signal: AbortSignal) => LeaderStop | Promise<LeaderStop>;

export interface LeaderTaskOptions {
  log: Logger;
  /** Pause before a failed start is tried again, while still leader (default 5 s). */
  retryMs?: number;
  /**
   * How long a cancelled start may take to give up before the stop goes ahead without it (default
   * 5 s): a start that hangs must not block `election.stop()`, hence shutdown. If it completes
   * later, its stop function runs at once.
   */
  cancelGraceMs?: number;
}

const ABANDONED = Symbol('abandoned');

/** `started`, or ABANDONED once `signal` has been aborted for `graceMs` without it settling. */
function unlessAbandoned<T>(
  started: Promise<T>,
  signal: AbortSignal,
  graceMs: number,
): Promise<T | typeof ABANDONED> {
  return new Promise((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const clear = () => clearTimeout(timer);
    started.then(clear, clear);
    started.then(resolve, reject);
    const onAbort = () => {
      timer = setTimeout(() => resolve(ABANDONED), graceMs);
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Runs `start` whenever `election` is won and its stop function whenever it is lost (or stopped).
 * Transitions are serialized: a stop never overlaps its start; a loss aborts a start in progress and
 * waits at most `cancelGraceMs` for it. Returns an unsubscribe; `election.stop()` already awaits the
 * stop function.
 */
export function runWhileLeader(
  election: LeaderElection,
  start: LeaderStart,
  opts: LeaderTaskOptions,
): () => void {
  const log = opts.log.child({ leadership: election.name });
  const retryMs = opts.retryMs ?? 5_000;
  const cancelGraceMs = opts.cancelGraceMs ?? 5_000;
  let stopFn: LeaderStop | undefined;
  let retry: NodeJS.Timeout | undefined;
  let starting: AbortController | undefined;
  let chain: Promise<void> = Promise.resolve();
  const enqueue = (step: () => Promise<void>): Promise<void> => (chain = chain.then(step));

  async function runStop(fn: LeaderStop): Promise<void> {
    try {
      await fn();
      log.info('leader task stopped');
    } catch (e) {
      log.error({ err: coerceError(e) }, 'leader task failed to stop cleanly');
    }
  }

  async function begin(): Promise<void> {
    if (stopFn !== undefined) return;
    if (!election.isLeader()) {
      // The lease looked expired by the clock (a slow renewal) without a change being announced: if
      // the renewal then succeeds no event follows, so look again instead of giving up. A real loss
      // announces `false`, whose `end()` clears this timer.
      retry = setTimeout(() => void enqueue(begin), retryMs);
      return;
    }
    const controller = new AbortController();
    starting = controller;
    const started = Promise.resolve().then(() => start(controller.signal));
    try {
      const fn = await unlessAbandoned(started, controller.signal, cancelGraceMs);
      if (fn === ABANDONED) {
        log.warn({ cancelGraceMs }, 'leader task start ignored its cancellation; stopping without it');
        // Whatever it started is stopped as soon as it is known.
        started.then(runStop, () => undefined);
        return;
      }
      stopFn = fn;
      log.info('leader task started');
    } catch (e) {
      if (controller.signal.aborted) return; // cancelled by a loss: the queued end() follows
      log.error({ err: coerceError(e), retryMs }, 'leader task failed to start; will retry while leader');
      retry = setTimeout(() => void enqueue(begin), retryMs);
    } finally {
      starting = undefined;
    }
  }

  async function end(): Promise<void> {
    if (retry !== undefined) clearTimeout(retry);
    retry = undefined;
    const fn = stopFn;
    stopFn = undefined;
    if (fn !== undefined) await runStop(fn);
  }

  /** Aborts a start in progress at once (not when its turn in the chain comes), then queues the stop. */
  const stopping = (): Promise<void> => {
    starting?.abort();
    return enqueue(end);
  };

  const unsubscribe = election.onChange((leader) => (leader ? enqueue(begin) : stopping()));
  if (election.isLeader()) void enqueue(begin);
  return () => {
    unsubscribe();
    void stopping();
  };
}
