/** A bounded log of the requests an emulator received, for assertions in tests and benchmarks. */
export interface LoggedRequest {
  seq: number;
  at: number;
  method: string;
  path: string;
  query: string;
  status: number;
  durationMs: number;
  /** Lower-cased header names to values, with Authorization masked. */
  headers: Record<string, string>;
  /** Raw request body as text (truncated), for checks such as "the SOQL was not altered". */
  body: string;
  /** Identity of the caller as the emulator saw it (OAuth client id), when known. */
  clientId?: string;
}

export class RequestLog {
  private readonly entries: LoggedRequest[] = [];
  private seq = 0;
  private readonly capacity: number;
  constructor(capacity = 50_000) {
    this.capacity = capacity;
  }

  add(entry: Omit<LoggedRequest, 'seq'>): void {
    this.entries.push({ ...entry, seq: ++this.seq });
    if (this.entries.length > this.capacity) this.entries.splice(0, this.entries.length - this.capacity);
  }

  list(filter: { pathPrefix?: string; method?: string; sinceSeq?: number } = {}): LoggedRequest[] {
    return this.entries.filter(
      (e) =>
        (filter.pathPrefix === undefined || e.path.startsWith(filter.pathPrefix)) &&
        (filter.method === undefined || e.method === filter.method.toUpperCase()) &&
        (filter.sinceSeq === undefined || e.seq > filter.sinceSeq),
    );
  }

  clear(): void {
    this.entries.length = 0;
  }
}
