/**
 * WAL checkpoints on a thread of their own. A checkpoint copies the WAL's pages into the database file
 * and syncs both: tens of milliseconds a second under load, which on the event loop stalled every
 * request in flight. Here a second connection runs `wal_checkpoint(PASSIVE)` every interval; PASSIVE
 * never blocks the writer (whatever it cannot copy yet waits for the next tick).
 *
 * PASSIVE alone lets the WAL grow without bound under a steady stream of commits: the WAL starts over
 * only when a writer finds it wholly copied, and a commit lands during every checkpoint ("checkpoint
 * starvation"; measured: +150 MB a second at the ingest floor). So once the WAL holds `restartAtBytes`,
 * the tick follows its PASSIVE with a RESTART checkpoint. RESTART waits for the writer's current
 * transaction and holds off the next one while it copies the little that PASSIVE left; the next commit
 * then writes from the start of the file again. This process's writer, asked through `pause`,
 * stands aside between two transactions for the 2–3 ms that takes (writer-pause.ts), once per
 * `restartAtBytes` of WAL; any other writer waits in SQLite's busy handler. The file keeps its largest size (about `restartAtBytes` plus one interval's
 * commits) and is overwritten in place: TRUNCATE, which empties it, measured 10–20 % slower at the
 * ingest floor, every flush then growing the file again.
 */
import { closeSync, fsyncSync, openSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { withWriterPaused, type PauseCell } from './writer-pause.ts';

interface CheckpointerOptions {
  path: string;
  intervalMs: number;
  /** WAL content (bytes) from which a tick also restarts the WAL. */
  restartAtBytes: number;
  /** Shared with this process's writer, which pauses between transactions for a restart (writer-pause.ts). */
  pause?: PauseCell | undefined;
}

/** How long a restart waits for the writer to pause before it takes the lock as before. */
const PAUSE_WAIT_MS = 20;

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
  const { path, intervalMs, restartAtBytes, pause } = data;
  const db = new DatabaseSync(path);
  db.exec('PRAGMA busy_timeout = 1000');
  const { page_size: pageSize } = db.prepare('PRAGMA page_size').get() as { page_size: number };
  const passive = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
  const restart = db.prepare('PRAGMA wal_checkpoint(RESTART)');
  const dbFile = openSync(path, 'r');
  const timer = setInterval(() => {
    try {
      // `log`: the frames in the WAL since it last started over; each is a page and a 24-byte header.
      const { log } = passive.get() as { log: number };
      if (log * (pageSize + 24) >= restartAtBytes) {
        // A PASSIVE that never reaches the WAL's end never syncs the database file, so the RESTART
        // would sync every page the PASSIVEs wrote since the last one, holding off the writer all
        // the while (measured: 15–17 ms a restart at the ingest floor). Synced here, outside any lock,
        // the RESTART syncs only the few pages it copies itself.
        fsyncSync(dbFile);
        if (pause === undefined) restart.get();
        else withWriterPaused(pause, PAUSE_WAIT_MS, () => restart.get());
      }
    } catch {
      // Busy now (a writer is resetting the WAL, a backup is running): the next tick tries again.
    }
  }, intervalMs);
  parentPort.on('message', () => {
    clearInterval(timer);
    closeSync(dbFile);
    db.close();
    parentPort?.close();
  });
}
