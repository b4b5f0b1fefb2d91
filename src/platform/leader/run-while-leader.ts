/**
 * Long-running work that exactly one replica may do at a time (the presence feed, the case-routing
 * stream): started when this process becomes leader, stopped when it stops being leader.
 */
import type { Logger } from 'pino';
import { coerceError } from '../jobs/errors.ts';
import type { LeaderElection } from './election.ts';

/** Stops what the start function started. */
export type LeaderStop = () => void | Promise<void>;
/** Starts the work; resolves with its stop function. A failure is logged and retried while still leader. */
export type LeaderStart = () => LeaderStop | Promise<LeaderStop>;

export interface LeaderTaskOptions {
  log: Logger;
  /** Pause before a failed start is tried again, while still leader (default 5 s). */
  retryMs?: number;
}

/**
 * Runs `start` whenever `election` is won and its stop function whenever it is lost (or stopped).
 * Transitions are serialized: a stop never overlaps its start. Returns an unsubscribe; `election.stop()`
 * already awaits the stop function.
 */
export function runWhileLeader(
  election: LeaderElection,
  start: LeaderStart,
  opts: LeaderTaskOptions,
): () => void {
  const log = opts.log.child({ leadership: election.name });
  const retryMs = opts.retryMs ?? 5_000;
  let stopFn: LeaderStop | undefined;
  let retry: NodeJS.Timeout | undefined;
  let chain: Promise<void> = Promise.resolve();
  const enqueue = (step: () => Promise<void>): Promise<void> => (chain = chain.then(step));

  async function begin(): Promise<void> {
    if (stopFn !== undefined) return;
    if (!election.isLeader()) {
      // The lease looked expired by the clock (a slow renewal) without a change being announced: if
      // the renewal then succeeds no event follows, so look again instead of giving up. A real loss
      // announces `false`, whose `end()` clears this timer.
      retry = setTimeout(() => void enqueue(begin), retryMs);
      return;
    }
    try {
      stopFn = await start();
      log.info('leader task started');
    } catch (e) {
      log.error({ err: coerceError(e), retryMs }, 'leader task failed to start; will retry while leader');
      retry = setTimeout(() => void enqueue(begin), retryMs);
    }
  }

  async function end(): Promise<void> {
    if (retry !== undefined) clearTimeout(retry);
    retry = undefined;
    const fn = stopFn;
    stopFn = undefined;
    if (fn === undefined) return;
    try {
      await fn();
      log.info('leader task stopped');
    } catch (e) {
      log.error({ err: coerceError(e) }, 'leader task failed to stop cleanly');
    }
  }

  const unsubscribe = election.onChange((leader) => enqueue(leader ? begin : end));
  if (election.isLeader()) void enqueue(begin);
  return () => {
    unsubscribe();
    void enqueue(end);
  };
}
