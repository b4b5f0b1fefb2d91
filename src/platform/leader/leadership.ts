/**
 * The hub's leadership registry: features declare their single-owner tasks once, at composition
 * time; the hub starts the elections with its workers and releases them on shutdown.
 *
 * ```ts
 * hub.leadership.runWhileLeader('presence-feed', async () => {
 *   const feed = await subscribePresence();
 *   return () => feed.close();
 * });
 * ```
 */
import type { Logger } from 'pino';
import type { Clock } from '../jobs/types.ts';
import type { Store } from '../store/index.ts';
import { createLeaderElection, defaultHolderId, type LeaderElection } from './election.ts';
import { runWhileLeader, type LeaderStart } from './run-while-leader.ts';

export interface LeadershipOptions {
  store: Store;
  log: Logger;
  /** Lease TTL for every name (default 15 s: a dead leader is replaced within 20 s). */
  ttlMs?: number;
  clock?: Clock;
  /** Same holder id for every name of this process (default host:pid:random). */
  holderId?: string;
}

export interface Leadership {
  readonly holderId: string;
  /** The election for `name` (created on first use). */
  election(name: string): LeaderElection;
  /** Runs `start` while this process leads `name`; see {@link runWhileLeader}. */
  runWhileLeader(name: string, start: LeaderStart, opts?: { retryMs?: number }): void;
  /** Starts every election (and any registered later). */
  start(): Promise<void>;
  /** Stops every task and releases every lease. */
  stop(): Promise<void>;
  status(): Array<{ name: string; leader: boolean }>;
}

export function createLeadership(options: LeadershipOptions): Leadership {
  const holderId = options.holderId ?? defaultHolderId();
  const ttlMs = options.ttlMs ?? 15_000;
  const elections = new Map<string, LeaderElection>();
  let started = false;

  const leadership: Leadership = {
    holderId,
    election(name) {
      let e = elections.get(name);
      if (e === undefined) {
        e = createLeaderElection({
          store: options.store,
          log: options.log,
          name,
          ttlMs,
          holderId,
          ...(options.clock ? { clock: options.clock } : {}),
        });
        elections.set(name, e);
        if (started) void e.start();
      }
      return e;
    },
    runWhileLeader(name, start, opts = {}) {
      runWhileLeader(leadership.election(name), start, {
        log: options.log,
        ...(opts.retryMs === undefined ? {} : { retryMs: opts.retryMs }),
      });
    },
    async start() {
      started = true;
      await Promise.all([...elections.values()].map((e) => e.start()));
    },
    async stop() {
      started = false;
      await Promise.all([...elections.values()].map((e) => e.stop()));
    },
    status: () => [...elections.values()].map((e) => ({ name: e.name, leader: e.isLeader() })),
  };
  return leadership;
}
