/**
 * Two hub replicas on one PostgreSQL, routing-table changes over Change Data Capture: only the
 * leader subscribes, every case is routed exactly once, and when the leader stops the other
 * replica takes the stream over from the stored replay ID.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { startCicSandbox, type CicSandbox } from '../../../sandbox/cic/index.ts';
import { startSalesforceSandbox, type SalesforceSandbox } from '../../../sandbox/salesforce/index.ts';
import { unavailableReason, withTestDatabase } from '../../../test/support/databases.ts';
import { startTestHub, type TestHub } from '../../../test/support/hub.ts';

let sf: SalesforceSandbox;
let cic: CicSandbox;

before(async () => {
  sf = await startSalesforceSandbox();
  cic = await startCicSandbox();
  sf.store.insert('Interaction_Routing_Queue__c', {
    Salesforce_Queue_Name__c: 'Support Queue',
    CIC_Workgroup_Name__c: 'Support',
  });
});
after(async () => {
  await cic?.close();
  await sf?.close();
});

async function until(what: string, fn: () => boolean | Promise<boolean>, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const emailToCase = async (): Promise<string> => {
  const res = await fetch(`${sf.url}/__sandbox/email-to-case`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ queue: 'Support Queue', fromAddress: 'c@example.invalid', subject: 's' }),
  });
  return ((await res.json()) as { caseId: string }).caseId;
};
const entriesOf = (caseId: string) =>
  [...sf.store.scan(sf.store.meta('ININ_Object_Routing_Queue__c'))].filter((e) => e.Case__c === caseId);
const processed = (caseId: string) => {
  const e = entriesOf(caseId);
  return e.length === 1 && e[0]!.Processed__c === true;
};
const interactionsOf = (caseId: string) =>
  [...cic.state.interactions.values()].filter((i) => i.caseId === caseId);

void test('two replicas, CDC: one subscriber, each case routed once, takeover when the leader stops', async (t) => {
  const reason = unavailableReason('postgres');
  if (reason !== undefined) return t.skip(reason);
  await withTestDatabase('postgres', async (db) => {
    const env = {
      DATABASE_URL: db.config.databaseUrl as string,
      CASE_ROUTING_ENABLED: 'true',
      CASE_ROUTING_STREAM: 'cdc',
      PATCHBAY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      PATCHBAY_JOBS_POLL_MS: '50',
      PATCHBAY_LEADER_TTL_SECONDS: '3',
    };
    const hubs: TestHub[] = [await startTestHub({ env }), await startTestHub({ env })];
    try {
      const put = (path: string, body: unknown) =>
        fetch(`${hubs[0]!.url}${path}`, {
          method: 'PUT',
          headers: { authorization: `Bearer ${hubs[0]!.apiKey}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
      assert.equal(
        (
          await put('/routing/credentials/cic', {
            server: cic.primaryUrl,
            switchoverServer: cic.switchoverUrl,
            userId: 'sors',
            password: 'sors-sandbox-password',
          })
        ).status,
        204,
      );
      assert.equal(
        (
          await put('/routing/credentials/salesforce', {
            loginUrl: sf.url,
            clientId: sf.clientId,
            clientSecret: sf.clientSecret,
          })
        ).status,
        204,
      );
      const leaders = () =>
        hubs.filter((h) =>
          h.hub.leadership.status().some((s) => s.name === 'case-routing-stream' && s.leader),
        );
      const streaming = async (h: TestHub) =>
        ((await (await fetch(`${h.url}/routing/heartbeat`)).json()) as { streaming: boolean }).streaming;
      await until(
        'a streaming leader',
        async () => leaders().length === 1 && (await streaming(leaders()[0]!)),
      );
      const leader = leaders()[0]!;
      const other = hubs.find((h) => h !== leader)!;
      assert.equal(await streaming(other), false, 'the other replica does not subscribe');

      const first: string[] = [];
      for (let k = 0; k < 15; k++) first.push(await emailToCase());
      for (const c of first) await until('routed', () => processed(c));

      await leader.stop();
      const second: string[] = [];
      for (let k = 0; k < 10; k++) second.push(await emailToCase());
      await until('takeover', async () => leaders().length === 1 && leaders()[0] === other);
      for (const c of second) await until('routed after takeover', () => processed(c));
      for (const c of [...first, ...second]) assert.equal(interactionsOf(c).length, 1, `case ${c}`);
    } finally {
      for (const h of hubs) await h.stop();
    }
  });
});
