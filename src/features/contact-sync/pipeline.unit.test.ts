import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createBatcher, createPipeline } from './pipeline.ts';

const tick = () => new Promise<void>((r) => setImmediate(r));

void test('at most `limit` tasks run together; every task runs once', async () => {
  const p = createPipeline(3);
  let running = 0;
  let peak = 0;
  const done: number[] = [];
  for (let i = 0; i < 10; i++)
    await p.submit(async () => {
      running++;
      peak = Math.max(peak, running);
      for (let k = 0; k < 1 + (i % 4); k++) await tick();
      running--;
      done.push(i);
    });
  await p.drain();
  assert.equal(peak, 3);
  assert.deepEqual(
    done.sort((a, b) => a - b),
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  );
});

void test('the first failure stops new tasks and is thrown by the next submit or drain', async () => {
  const p = createPipeline(2);
  const started: number[] = [];
  await p.submit(async () => {
    started.push(0);
    await tick();
    throw new Error('batch 0 failed');
  });
  await p.submit(async () => {
    started.push(1);
    await tick();
    await tick();
  });
  // Both slots are taken: this submit waits, sees the failure and does not start task 2.
  await assert.rejects(
    p.submit(async () => {
      started.push(2);
    }),
    /batch 0 failed/,
  );
  await p.settled(); // does not throw, waits for task 1
  await assert.rejects(p.drain(), /batch 0 failed/);
  assert.deepEqual(started, [0, 1]);
});

void test('the batcher sends full batches across adds, the rest on flush, and knows the earliest waiting', async () => {
  const sent: number[][] = [];
  const b = createBatcher(
    3,
    async (batch: number[]) => {
      sent.push(batch);
    },
    (x) => x,
  );
  await b.add([1, 2]);
  assert.deepEqual(sent, []);
  assert.equal(b.earliest(), 1);
  await b.add([3, 4, 5, 6, 7]);
  assert.deepEqual(sent, [
    [1, 2, 3],
    [4, 5, 6],
  ]);
  assert.equal(b.earliest(), 7);
  await b.flush();
  assert.deepEqual(sent.at(-1), [7]);
  assert.equal(b.earliest(), undefined);
  await b.flush();
  assert.equal(sent.length, 3);
});
