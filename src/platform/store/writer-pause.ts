/**
 * A WAL restart without a stalled event loop. The checkpoint thread's RESTART must hold the write
 * lock while it copies what is left of the WAL. Taken by force, it makes the writer's next BEGIN
 * sleep in SQLite's busy handler — 1, 2, 5, 10 ms steps, the whole event loop with it — and makes
 * the checkpointer itself retry on the same steps while the frames to copy pile up. Instead the
 * checkpointer asks, the writer pauses between two transactions (awaiting, so requests are still
 * read and queue up for the next batch), and resumes the moment the restart is done.
 *
 * One shared 32-bit cell: OPEN → REQUESTED (checkpointer) → GRANTED (writer) → OPEN (checkpointer).
 * Either side gives up after a bound, so neither can wait on the other forever: a writer that never
 * passes between transactions (idle, or in a long one) gets the forced restart as before.
 */
const OPEN = 0;
const REQUESTED = 1;
const GRANTED = 2;

export type PauseCell = Int32Array;

export function createPauseCell(): PauseCell {
  return new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
}

/**
 * The writer, between transactions: if the checkpointer asked, grants the pause and returns a promise
 * that settles once it is over (at the latest after `maxMs`); otherwise undefined, at no cost.
 */
export function yieldToCheckpoint(cell: PauseCell, maxMs = 1_000): Promise<void> | undefined {
  if (Atomics.load(cell, 0) !== REQUESTED) return undefined;
  if (Atomics.compareExchange(cell, 0, REQUESTED, GRANTED) !== REQUESTED) return undefined;
  Atomics.notify(cell, 0);
  const waited = Atomics.waitAsync(cell, 0, GRANTED, maxMs);
  if (!waited.async) return undefined;
  // Atomics.waitAsync does not keep Node's event loop alive: a process with nothing else pending (a
  // CLI command, a hub draining its last batches on shutdown) would exit here, its queued writes
  // abandoned. The timer holds the loop open for the pause's bound.
  const keepAlive = setTimeout(() => {}, maxMs);
  return waited.value.then(() => clearTimeout(keepAlive));
}

/**
 * The checkpointer: asks for a pause, waits up to `waitMs` for it, then runs `fn` either way (so the
 * restart happens even when the writer does not answer) and ends the pause. True if it was granted.
 */
export function withWriterPaused(cell: PauseCell, waitMs: number, fn: () => void): boolean {
  Atomics.store(cell, 0, REQUESTED);
  Atomics.wait(cell, 0, REQUESTED, waitMs);
  // Withdraw the request, unless the writer granted it meanwhile.
  const granted = Atomics.compareExchange(cell, 0, REQUESTED, OPEN) === GRANTED;
  try {
    fn();
  } finally {
    if (granted) {
      Atomics.store(cell, 0, OPEN);
      Atomics.notify(cell, 0);
    }
  }
  return granted;
}
