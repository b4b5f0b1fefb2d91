import type { Clock } from './types.ts';

export const systemClock: Clock = { now: () => Date.now() };

export interface FakeClock extends Clock {
  set(ms: number): void;
  advance(ms: number): void;
}

/** A clock that moves only when told; for tests of backoff, leases and schedules. */
export function createFakeClock(startMs = Date.UTC(2030, 0, 1)): FakeClock {
  let t = startMs;
  return {
    now: () => t,
    set(ms) {
      t = ms;
    },
    advance(ms) {
      t += ms;
    },
  };
}
