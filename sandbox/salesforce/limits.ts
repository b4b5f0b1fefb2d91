/**
 * API usage: the rolling 24-hour daily allocation reported in `Sforce-Limit-Info` and `/limits`,
 * and the cap on concurrent long-running requests. Both answer 403 REQUEST_LIMIT_EXCEEDED when hit.
 */
import { SfError } from './errors.ts';

export interface LimitsConfig {
  /** Daily API request allocation (Enterprise: 100,000 + licences; Developer Edition: 15,000). */
  dailyApiRequests?: number;
  /** Concurrent requests running ≥ `longRequestMs` allowed before refusing (25; 5 in dev/trial orgs). */
  maxConcurrentLong?: number;
  longRequestMs?: number;
}

const WINDOW = 24 * 3600_000;

export class Limits {
  max: number;
  maxConcurrentLong: number;
  longRequestMs: number;
  private calls: number[] = [];
  private head = 0;
  private readonly inflight = new Map<object, number>();
  private readonly now: () => number;

  constructor(now: () => number, cfg: LimitsConfig = {}) {
    this.now = now;
    this.max = cfg.dailyApiRequests ?? 100_000;
    this.maxConcurrentLong = cfg.maxConcurrentLong ?? 25;
    this.longRequestMs = cfg.longRequestMs ?? 20_000;
  }

  used(): number {
    const cutoff = this.now() - WINDOW;
    while (this.head < this.calls.length && (this.calls[this.head] ?? 0) <= cutoff) this.head++;
    if (this.head > 10_000) {
      this.calls = this.calls.slice(this.head);
      this.head = 0;
    }
    return this.calls.length - this.head;
  }

  /** Count one API call, or refuse it when the allocation is spent. */
  consume(): void {
    if (this.used() >= this.max)
      throw new SfError('REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.', { status: 403 });
    this.calls.push(this.now());
  }

  /** Pretend `n` calls were already made in the window (control for tests of exhaustion). */
  setUsed(n: number): void {
    const t = this.now();
    this.calls = Array.from({ length: Math.max(0, Math.floor(n)) }, () => t);
    this.head = 0;
  }

  begin(key: object): void {
    const t = this.now();
    let long = 0;
    for (const start of this.inflight.values()) if (t - start >= this.longRequestMs) long++;
    if (long >= this.maxConcurrentLong)
      throw new SfError('REQUEST_LIMIT_EXCEEDED', 'ConcurrentPerOrgLongTxn Limit exceeded.', { status: 403 });
    this.inflight.set(key, t);
  }

  end(key: object): void {
    this.inflight.delete(key);
  }

  header(): string {
    return `api-usage=${this.used()}/${this.max}`;
  }
}
