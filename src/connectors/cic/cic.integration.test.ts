import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startCicSandbox, type CicSandbox } from '../../../sandbox/cic/index.ts';
import { testLogger } from '../../../test/support/logger.ts';
import { createCicConnector, type CicConnector } from './index.ts';

let cic: CicSandbox;
let conn: CicConnector;

before(async () => {
  cic = await startCicSandbox();
  conn = createCicConnector({
    primaryUrl: cic.primaryUrl,
    switchoverUrl: cic.switchoverUrl,
    userId: 'sors',
    password: 'sors-sandbox-password',
    log: testLogger('cic-connector'),
    pollMs: 20,
    primaryProbeMs: 100,
    createTimeoutMs: 3000,
  });
  await conn.connect();
});
after(async () => {
  await conn.close();
  await cic.close();
});

const interactionsOf = (caseId: string) =>
  [...cic.state.interactions.values()].filter((i) => i.caseId === caseId);

void test('creates an e-mail interaction with skills once; a second ensure returns the same one; disconnect', async () => {
  const a = await conn.ensureEmailInteraction({ caseId: '500A', workgroup: 'Billing', skills: 'Billing' });
  assert.equal(a.created, true);
  const b = await conn.ensureEmailInteraction({ caseId: '500A', workgroup: 'Billing', skills: 'Billing' });
  assert.deepEqual(b, { interactionId: a.interactionId, created: false });
  const [i] = interactionsOf('500A');
  assert.equal(interactionsOf('500A').length, 1);
  assert.equal(i?.workgroup, 'Billing');
  assert.deepEqual(i?.requiredSkills, ['Billing']);
  assert.equal(i?.assignedTo, 'agent.one');
  await conn.setAttributes(a.interactionId, { SF_URLPop: '/lightning/r/Case/500A/view' });
  assert.deepEqual(await conn.getAttributes(a.interactionId, ['SF_URLPop']), {
    SF_URLPop: '/lightning/r/Case/500A/view',
  });
  await conn.disconnect(a.interactionId);
  assert.equal(interactionsOf('500A')[0]?.state, 'E');
  await assert.rejects(
    conn.ensureEmailInteraction({ caseId: '500B', workgroup: 'Nope', skills: '' }),
    /does not exist/,
  );
});

for (const mode of ['503', 'refuse'] as const) {
  void test(`primary down (${mode}) mid-stream: every case created once via the switchover, then back to primary`, async () => {
    assert.equal(conn.status().server, 'primary');
    const before = conn.status().switchovers;
    const cases = Array.from({ length: 10 }, (_, k) => `500-${mode}-${k}`);
    const results = await Promise.all(
      cases.map(async (caseId, k) => {
        if (k === 4) cic.failPrimary(mode);
        return conn.ensureEmailInteraction({ caseId, workgroup: 'Support', skills: '' });
      }),
    );
    assert.equal(conn.status().server, 'switchover');
    assert.ok(conn.status().switchovers > before);
    for (const [k, caseId] of cases.entries()) {
      assert.equal(interactionsOf(caseId).length, 1, caseId);
      assert.equal(interactionsOf(caseId)[0]?.interactionId, results[k]?.interactionId);
    }
    cic.failPrimary(null);
    while (conn.status().server !== 'primary') await new Promise((r) => setTimeout(r, 50));
    const again = await conn.ensureEmailInteraction({
      caseId: `500-${mode}-after`,
      workgroup: 'Support',
      skills: '',
    });
    assert.equal(again.created, true);
  });
}
