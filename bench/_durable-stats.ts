/**
 * What the SQLite store did during one measured phase: the average group-commit batch, the
 * average WAL flush and the time spent waiting for the write lock (store.durableStats). Nothing on
 * PostgreSQL.
 */
import type { Store } from '../src/platform/store/index.ts';

export function measureDurable(store: Store): () => Record<string, number> {
  const before = store.durableStats();
  return () => {
    const after = store.durableStats();
    if (before === undefined || after === undefined) return {};
    const commits = after.commits - before.commits;
    const flushes = after.flushes - before.flushes;
    return {
      sqlite_avg_batch: commits > 0 ? Math.round(((after.calls - before.calls) / commits) * 10) / 10 : 0,
      sqlite_avg_flush_ms:
        flushes > 0 ? Math.round(((after.flushSeconds - before.flushSeconds) / flushes) * 1e5) / 100 : 0,
      sqlite_lock_wait_ms: Math.round((after.lockWaitSeconds - before.lockWaitSeconds) * 1000),
    };
  };
}
