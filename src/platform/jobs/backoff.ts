/**
 * The retry schedule (DESIGN §3): 3 s, 9 s, 27 s, then every 5 min until the job's max age, with
 * jitter "to prevent the thundering herd" when many jobs failed together (e.g. an API outage).
 */
import { PermanentError, RetryableError } from './errors.ts';

export const FIRST_RETRY_DELAYS_MS: readonly number[] = [3_000, 9_000, 27_000];
export const STEADY_RETRY_DELAY_MS = 5 * 60_000;
export const DEFAULT_MAX_AGE_MS = 72 * 3_600_000;
/** ±15 % around the schedule. */
export const JITTER = 0.15;

/** The un-jittered delay after the `attempt`-th try failed (1-based). */
export function baseRetryDelayMs(attempt: number): number {
  return FIRST_RETRY_DELAYS_MS[attempt - 1] ?? STEADY_RETRY_DELAY_MS;
}

/** ms × (1 ± JITTER), with random() in [0, 1). */
export function jittered(ms: number, random: () => number = Math.random): number {
  return Math.round(ms * (1 + JITTER * (2 * random() - 1)));
}

/** A server's Retry-After is a floor: jitter only adds to it. */
export function jitteredRetryAfter(ms: number, random: () => number = Math.random): number {
  return Math.round(ms * (1 + JITTER * random()));
}

export type FailureDecision =
  { action: 'retry'; runAt: number; delayMs: number } | { action: 'park'; reason: 'permanent' | 'max-age' };

export interface FailureInput {
  error: Error;
  /** The attempt that failed, 1-based. */
  attempt: number;
  now: number;
  /** When the job's age started: created_at, or replayed_at after a replay. */
  ageFrom: number;
  maxAgeMs: number;
  random?: () => number;
}

/** Retry or park: permanent errors park at once; a retry that would fall beyond max age parks instead. */
export function decideFailure(input: FailureInput): FailureDecision {
  if (input.error instanceof PermanentError) return { action: 'park', reason: 'permanent' };
  const retryAfter = input.error instanceof RetryableError ? input.error.retryAfterMs : undefined;
  const delayMs =
    retryAfter !== undefined
      ? jitteredRetryAfter(retryAfter, input.random)
      : jittered(baseRetryDelayMs(input.attempt), input.random);
  const runAt = input.now + delayMs;
  if (runAt > input.ageFrom + input.maxAgeMs) return { action: 'park', reason: 'max-age' };
  return { action: 'retry', runAt, delayMs };
}
