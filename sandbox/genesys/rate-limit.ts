/**
 * A fixed one-minute window per key (an access token), as the platform counts
 * `client.credentials.token.rate.per.minute`. Pure: the caller passes the clock.
 */
export interface RateDecision {
  allowed: boolean;
  /** Requests counted in the current window, this one included. */
  count: number;
  limit: number;
  /** Seconds until the window resets (at least 1), for `inin-ratelimit-reset` and `Retry-After`. */
  resetSeconds: number;
}

export class RateWindow {
  private readonly windows = new Map<string, { start: number; count: number }>();
  limit: number;
  private readonly windowMs: number;
  constructor(limit: number, windowMs = 60_000) {
    this.limit = limit;
    this.windowMs = windowMs;
  }

  hit(key: string, now: number): RateDecision {
    let w = this.windows.get(key);
    if (w === undefined || now - w.start >= this.windowMs) {
      w = { start: now, count: 0 };
      this.windows.set(key, w);
      // Keep the map from growing with dead tokens: drop windows that have long ended.
      if (this.windows.size > 10_000) this.prune(now);
    }
    const resetSeconds = Math.max(1, Math.ceil((w.start + this.windowMs - now) / 1000));
    if (w.count >= this.limit) return { allowed: false, count: w.count, limit: this.limit, resetSeconds };
    w.count += 1;
    return { allowed: true, count: w.count, limit: this.limit, resetSeconds };
  }

  clear(): void {
    this.windows.clear();
  }

  private prune(now: number): void {
    for (const [k, w] of this.windows) if (now - w.start >= this.windowMs) this.windows.delete(k);
  }
}
