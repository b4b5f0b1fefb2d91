/**
 * Bulk calls in flight together: at 300 requests/min a token comes every 200 ms while one call takes
 * its latency plus our bookkeeping, so calls sent one after the other leave the rate limit unused.
 * The pipeline keeps up to `limit` tasks running; each still takes its own token from the shared
 * bucket (the connector does), so the limit is never exceeded.
 *
 * `submit` waits for a free slot (back-pressure: the run does not read ahead of its writes by more
 * than `limit` batches). The first failure stops it: no new task starts, and the next `submit` or
 * `drain` throws that error. `settled()` waits for the tasks submitted so far without throwing.
 */
export interface Pipeline {
  submit(task: () => Promise<void>): Promise<void>;
  /** Resolves when every task submitted so far has finished (failed or not). */
  settled(): Promise<void>;
  /** Waits for every task, then throws the first failure if any. */
  drain(): Promise<void>;
  /** Throws the first failure if any. */
  check(): void;
}

export function createPipeline(limit: number): Pipeline {
  const running = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;
  const check = () => {
    if (failure) throw failure.error;
  };
  const settled = async () => {
    await Promise.all([...running]);
  };
  return {
    async submit(task) {
      check();
      while (running.size >= Math.max(1, limit)) {
        await Promise.race(running);
        check();
      }
      const p: Promise<void> = task()
        .catch((error: unknown) => {
          failure ??= { error };
        })
        .finally(() => running.delete(p));
      running.add(p);
    },
    settled,
    async drain() {
      await settled();
      check();
    },
    check,
  };
}

/**
 * Items waiting to fill a bulk batch, carried across the parts of a run, so 1,000 edits are 10 calls
 * however they fall into parts (the floor). `earliest()` is the smallest position (Salesforce
 * `SystemModstamp`) still waiting: the watermark must not move past it.
 */
export interface Batcher<T> {
  add(items: readonly T[]): Promise<void>;
  /** Sends what waits (a last, partial batch). */
  flush(): Promise<void>;
  earliest(): number | undefined;
}

export function createBatcher<T>(
  size: number,
  send: (batch: T[]) => Promise<void>,
  position: (item: T) => number,
): Batcher<T> {
  const n = Math.max(1, Math.floor(size));
  const waiting: T[] = [];
  return {
    async add(items) {
      waiting.push(...items);
      while (waiting.length >= n) await send(waiting.splice(0, n));
    },
    async flush() {
      if (waiting.length > 0) await send(waiting.splice(0));
    },
    earliest() {
      let min: number | undefined;
      for (const item of waiting) {
        const p = position(item);
        if (min === undefined || p < min) min = p;
      }
      return min;
    },
  };
}
