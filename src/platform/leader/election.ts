/**
 * Leader election over a database lease: at most one holder per name across processes and replicas.
 *
 * Glossary
 * - **lease**: the row `leases(name, holder, expires_at)`. The holder renews it every `ttlMs / 3`; once
 *   `expires_at` has passed, any candidate may take it over (see `sql.ts`, one atomic upsert).
 * - **candidate**: a process running an election for a name; it polls at the same interval, so a dead
 *   leader is replaced within `ttlMs + ttlMs / 3`.
 * - **step down**: a leader whose renewal fails keeps leading only until its known expiry, never past
 *   it, so two processes never both believe they lead (given clocks in sync, as for job leases).
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { systemClock } from '../jobs/clock.ts';
import { coerceError } from '../jobs/errors.ts';
import type { Clock } from '../jobs/types.ts';
import type { Store } from '../store/index.ts';
import { acquireOrRenew, releaseLease } from './sql.ts';

export interface LeaderElectionOptions {
  store: Store;
  /** What is led, e.g. `presence-feed`. One leader per name. */
  name: string;
  /** How long a lease lasts without renewal; a dead leader is replaced after at most this (+ one interval). */
  ttlMs: number;
  clock?: Clock;
  log: Logger;
  /** Identifies this candidate in `leases.holder` (default host:pid:random). */
  holderId?: string;
  /** Renewal and polling interval (default ttlMs / 3). */
  intervalMs?: number;
}

export type LeaderListener = (leader: boolean) => void | Promise<void>;

export interface LeaderElection {
  readonly name: string;
  readonly holderId: string;
  /** Makes a first attempt (resolved once it is known whether we lead), then keeps renewing/polling. */
  start(): Promise<void>;
  /** Stops polling, releases the lease if held (a successor takes over at its next poll) and awaits the listeners. */
  stop(): Promise<void>;
  /** True while we hold an unexpired lease. */
  isLeader(): boolean;
  /** Called with true when we become leader and false when we stop being it; returns an unsubscribe. */
  onChange(fn: LeaderListener): () => void;
  /** One acquire-or-renew attempt now; for tests with a fake clock (start() calls it on a timer). */
  tick(): Promise<boolean>;
}

export function defaultHolderId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
}

export function createLeaderElection(options: LeaderElectionOptions): LeaderElection {
  const { store, name, ttlMs } = options;
  if (!Number.isFinite(ttlMs) || ttlMs < 30) throw new RangeError('ttlMs must be at least 30');
  const clock = options.clock ?? systemClock;
  const holderId = options.holderId ?? defaultHolderId();
  const intervalMs = options.intervalMs ?? Math.max(10, Math.floor(ttlMs / 3));
  const log = options.log.child({ leadership: name, holder: holderId });
  const listeners = new Set<LeaderListener>();
  let leader = false;
  let expiresAt = 0;
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let inFlight: Promise<boolean> | undefined;

  function notify(next: boolean): Promise<void> {
    return Promise.all(
      [...listeners].map(async (fn) => {
        try {
          await fn(next);
        } catch (e) {
          log.error({ err: coerceError(e) }, 'leadership listener failed');
        }
      }),
    ).then(() => undefined);
  }

  function set(next: boolean): Promise<void> {
    if (next === leader) return Promise.resolve();
    leader = next;
    log.info(next ? 'became leader' : 'no longer leader');
    return notify(next);
  }

  async function attempt(): Promise<boolean> {
    const now = clock.now();
    let until: number | undefined;
    try {
      until = await acquireOrRenew(store.db, { name, holder: holderId, now, ttlMs });
    } catch (e) {
      // The database is unreachable: we may still lead until our last known expiry, not beyond.
      log.warn({ err: coerceError(e) }, 'lease renewal failed');
      until = leader && now < expiresAt ? expiresAt : undefined;
    }
    if (until !== undefined) expiresAt = until;
    void set(until !== undefined);
    return leader;
  }

  function tick(): Promise<boolean> {
    inFlight ??= attempt().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  }

  function schedule(): void {
    timer = setTimeout(() => {
      void tick().finally(() => {
        if (running) schedule();
      });
    }, intervalMs);
  }

  return {
    name,
    holderId,
    async start() {
      if (running) return;
      running = true;
      await tick();
      if (running) schedule();
    },
    async stop() {
      running = false;
      if (timer !== undefined) clearTimeout(timer);
      if (inFlight !== undefined) await inFlight.catch(() => false);
      if (!leader) return;
      try {
        await releaseLease(store.db, name, holderId);
      } catch (e) {
        log.warn({ err: coerceError(e) }, 'lease release failed; it expires on its own');
      }
      await set(false);
    },
    isLeader: () => leader && clock.now() < expiresAt,
    onChange(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    tick,
  };
}
