/**
 * WAL checkpoints on a thread of their own. A checkpoint copies the WAL's pages into the database file
 * and syncs both: tens of milliseconds a second under load, which on the event loop stalled every
 * request in flight. Here a second connection runs `wal_checkpoint(PASSIVE)` every interval; PASSIVE
 * never blocks the writer (whatever it cannot copy yet waits for the next tick).
 */
import { DatabaseSync } from 'node:sqlite';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

interface CheckpointerOptions {
  path: string;
  intervalMs: number;
}

/** Marks the worker's data, so this module runs the loop only in the thread started for it. */
const ROLE = 'patchbay-sqlite-checkpointer';

/** Starts the checkpoint thread; `stop()` ends it (its connection closes before the writer's). */
export async function startCheckpointer(options: CheckpointerOptions): Promise<{ stop(): Promise<void> }> {
  const worker = new Worker(new URL(import.meta.url), { workerData: { role: ROLE, ...options } });
  await new Promise<void>((resolve, reject) => {
    worker.once('online', resolve);
    worker.once('error', reject);
  });
  // Running, it does not keep the process alive (a store left open must not hang a CLI command).
  worker.unref();
  return {
    async stop() {
      const exited = new Promise((resolve) => worker.once('exit', resolve));
      worker.ref(); // the process waits for the thread to close its connection
      worker.postMessage('stop');
      await exited;
    },
  };
}

const data = workerData as (CheckpointerOptions & { role?: string }) | null;
if (!isMainThread && parentPort !== null && data?.role === ROLE) {
  const { path, intervalMs } = data;
  const db = new DatabaseSync(path);
  db.exec('PRAGMA busy_timeout = 1000');
  const timer = setInterval(() => {
    try {
      db.exec('PRAGMA wal_checkpoint(PASSIVE)');
    } catch {
      // Busy now (a writer is resetting the WAL, a backup is running): the next tick tries again.
    }
  }, intervalMs);
  parentPort.on('message', () => {
    clearInterval(timer);
    db.close();
    parentPort?.close();
  });
}
