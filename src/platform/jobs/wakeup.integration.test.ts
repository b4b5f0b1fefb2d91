import assert from 'node:assert/strict';
import { testEachDialect } from '../../../test/support/databases.ts';
import '../../../test/support/job-kinds.ts';
import { testLogger } from '../../../test/support/logger.ts';
import { createQueue } from './queue.ts';

testEachDialect(
  'a job enqueued in this process runs at once, not at the next timer poll',
  async (_t, { store }) => {
    let ran: () => void = () => {};
    const done = new Promise<void>((resolve) => (ran = resolve));
    // A poll interval far longer than the test: only the in-process wake-up can start the job.
    const queue = createQueue({ store, log: testLogger('jobs-wakeup'), pollIntervalMs: 3_600_000 }).define(
      'test.flaky',
      {
        handler: async () => {
          ran();
          return { ok: true };
        },
      },
    );
    queue.start();
    try {
      await new Promise((r) => setTimeout(r, 50)); // let the start-up poll find nothing
      const { id } = await store.durable((trx) => queue.enqueue(trx, 'test.flaky', { failWith: 'none' }));
      const outcome = await Promise.race([
        done.then(() => 'ran'),
        new Promise((r) => setTimeout(() => r('not woken'), 10_000)),
      ]);
      assert.equal(outcome, 'ran');
      for (let i = 0; i < 100 && (await queue.get(id))?.state !== 'completed'; i++)
        await new Promise((r) => setTimeout(r, 20));
      assert.equal((await queue.get(id))?.state, 'completed');
    } finally {
      await queue.stop({ deadlineMs: 1_000 });
    }
  },
);
