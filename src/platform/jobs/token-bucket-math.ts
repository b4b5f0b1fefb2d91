/** Token-bucket arithmetic, pure: the database module only loads and stores the state. */

export interface BucketState {
  tokens: number;
  /** Epoch ms of the last refill. */
  updatedAt: number;
}

export interface BucketLimits {
  capacity: number;
  refillPerSecond: number;
  /**
   * Tokens kept for priority takes (default 0): an ordinary take leaves at least this many in the
   * bucket, a priority take may spend them. Bulk work running the bucket dry then cannot starve
   * latency-sensitive calls (a leader's stream setup): they find the reserve, and the reserve is
   * refilled before ordinary takes succeed again. The total rate is unchanged.
   */
  reserve?: number;
}

export type TakeResult = { ok: true } | { ok: false; waitMs: number };

/** Adds the tokens earned since updatedAt, up to capacity. A clock behind updatedAt earns nothing. */
export function refill(state: BucketState, limits: BucketLimits, now: number): BucketState {
  const elapsed = Math.max(0, now - state.updatedAt);
  const tokens = Math.min(limits.capacity, state.tokens + (elapsed * limits.refillPerSecond) / 1000);
  return { tokens, updatedAt: Math.max(now, state.updatedAt) };
}

/**
 * Takes n tokens if available (an ordinary take must leave the reserve in the bucket, a priority take
 * need not); otherwise says how long until they will be (Infinity if never).
 */
export function take(
  state: BucketState,
  limits: BucketLimits,
  n: number,
  now: number,
  priority = false,
): { state: BucketState; result: TakeResult } {
  const keep = priority ? 0 : (limits.reserve ?? 0);
  if (!(n > 0) || n + keep > limits.capacity)
    throw new RangeError(`cannot take ${n} tokens from a bucket of ${limits.capacity} (reserve ${keep})`);
  const current = refill(state, limits, now);
  if (current.tokens - keep >= n)
    return { state: { ...current, tokens: current.tokens - n }, result: { ok: true } };
  const missing = n + keep - current.tokens;
  const waitMs =
    limits.refillPerSecond > 0
      ? Math.ceil((missing * 1000) / limits.refillPerSecond)
      : Number.POSITIVE_INFINITY;
  return { state: current, result: { ok: false, waitMs } };
}
