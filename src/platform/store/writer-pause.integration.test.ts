import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { createPauseCell, yieldToCheckpoint, type PauseCell } from './writer-pause.ts';

/** A checkpoint thread that asks for a pause, "restarts" for ~50 ms, and reports whether it was granted. */
function checkpointer(cell: PauseCell, done: Int32Array, waitMs: number): Worker {
  const code = `(async () => {
    const { workerData, parentPort } = await import('node:worker_threads');
    const { withWriterPaused } = await import(workerData.module);
    const granted = withWriterPaused(workerData.cell, workerData.waitMs, () => {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
      Atomics.store(workerData.done, 0, 1);
    });
    parentPort.postMessage({ granted, cellAfter: Atomics.load(workerData.cell, 0) });
  })();`;
  const module = new URL('./writer-pause.ts', import.meta.url).href;
  return new Worker(code, { eval: true, workerData: { cell, done, waitMs, module } });
}

test('WAL restart pause: the writer grants it between transactions and resumes only once the restart is done', async () => {
  const cell = createPauseCell();
  const done = new Int32Array(new SharedArrayBuffer(4));
  assert.equal(yieldToCheckpoint(cell), undefined, 'nothing asked: no pause');
  const worker = checkpointer(cell, done, 5_000);
  const reported = once(worker, 'message');
  // The writer between two transactions, again and again, until the checkpointer asks.
  let pause: Promise<void> | undefined;
  while ((pause = yieldToCheckpoint(cell)) === undefined) await new Promise((r) => setImmediate(r));
  await pause;
  assert.equal(Atomics.load(done, 0), 1, 'the writer resumed before the restart ended');
  assert.deepEqual((await reported)[0], { granted: true, cellAfter: 0 });
  assert.equal(yieldToCheckpoint(cell), undefined);
});

test('WAL restart pause: a writer that never passes between transactions does not hold the restart up', async () => {
  const cell = createPauseCell();
  const done = new Int32Array(new SharedArrayBuffer(4));
  const worker = checkpointer(cell, done, 30);
  const [result] = (await once(worker, 'message')) as [{ granted: boolean; cellAfter: number }];
  assert.deepEqual(result, { granted: false, cellAfter: 0 });
  assert.equal(Atomics.load(done, 0), 1, 'the restart ran anyway');
  assert.equal(yieldToCheckpoint(cell), undefined, 'the withdrawn request is not granted later');
});

test('WAL restart pause: a process with nothing else to do waits for the pause to end instead of exiting', () => {
  // The checkpointer asked and never ends the pause: the writer resumes after its bound (100 ms).
  const script = `
    const { createPauseCell, yieldToCheckpoint } = await import(${JSON.stringify(new URL('./writer-pause.ts', import.meta.url).href)});
    const cell = createPauseCell();
    Atomics.store(cell, 0, 1);
    await yieldToCheckpoint(cell, 100);
    console.log('resumed');`;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(child.stderr, '');
  assert.equal(child.status, 0);
  assert.equal(child.stdout.trim(), 'resumed');
});
