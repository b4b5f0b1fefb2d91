import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Connection } from 'jsforce';
import { StreamingExtension } from 'jsforce/lib/api/streaming.js';
import { startSalesforceSandbox, type SalesforceSandbox } from './index.ts';
import { jsforceClient } from '../../test/support/jsforce.ts';

let sb: SalesforceSandbox;
let conn: Connection;

before(async () => {
  sb = await startSalesforceSandbox();
  conn = await jsforceClient(sb.url, sb);
});
after(async () => sb.close());

interface CdcMessage {
  payload: {
    ChangeEventHeader: {
      changeType: string;
      recordIds: string[];
      entityName: string;
      changedFields: string[];
    };
    Title?: string;
  };
  event: { replayId: number };
}

const CHANNEL = '/data/ContactChangeEvent';

function subscriber(replayId: number) {
  const got: CdcMessage[] = [];
  const waiters: (() => void)[] = [];
  const replay = new StreamingExtension.Replay(CHANNEL, replayId);
  const client = conn.streaming.createClient([replay]) as ReturnType<typeof conn.streaming.createClient> & {
    disconnect(): void;
  };
  const sub = client.subscribe(CHANNEL, (m: CdcMessage) => {
    got.push(m);
    for (const w of waiters.splice(0)) w();
  });
  const until = async (n: number) => {
    while (got.length < n) await new Promise<void>((r) => waiters.push(r));
  };
  return { got, until, ready: sub, close: () => client.disconnect() };
}

void test('CDC with replay: receive one, disconnect, miss two, resume from the last replay ID and get exactly those two', async () => {
  const c = await conn.sobject('Contact').create({ LastName: 'Streamer' });
  const first = subscriber(-1);
  await first.ready;
  await conn.sobject('Contact').update({ Id: c.id!, Title: 'One' });
  await first.until(1);
  const seen = first.got[0]!;
  assert.equal(seen.payload.ChangeEventHeader.changeType, 'UPDATE');
  assert.deepEqual(seen.payload.ChangeEventHeader.recordIds, [c.id]);
  assert.ok(seen.payload.ChangeEventHeader.changedFields.includes('Title'));
  first.close();

  await conn.sobject('Contact').update({ Id: c.id!, Title: 'Two' });
  await conn.sobject('Contact').update({ Id: c.id!, Title: 'Three' });

  const second = subscriber(seen.event.replayId);
  await second.ready;
  await second.until(2);
  assert.deepEqual(
    second.got.map((m) => m.payload.Title),
    ['Two', 'Three'],
  );
  await conn.sobject('Contact').update({ Id: c.id!, Title: 'Four' });
  await second.until(3);
  assert.deepEqual(
    second.got.map((m) => m.payload.Title),
    ['Two', 'Three', 'Four'],
    'no duplicates, nothing missed',
  );
  second.close();
});

void test('PushTopic channel publishes matching records; a bad token gets 401::Authentication invalid', async () => {
  await conn.sobject('PushTopic').create({
    Name: 'VipContacts',
    Query: "SELECT Id, LastName FROM Contact WHERE Custom_Tier__c = 'Platinum'",
    ApiVersion: 65,
  });
  const got: { event: { type: string }; sobject: { LastName: string } }[] = [];
  let resolve: () => void = () => undefined;
  const arrived = new Promise<void>((r) => (resolve = r));
  const topicClient = conn.streaming.createClient([]) as ReturnType<typeof conn.streaming.createClient> & {
    disconnect(): void;
  };
  const sub = topicClient.subscribe('/topic/VipContacts', (m: (typeof got)[number]) => {
    got.push(m);
    resolve();
  });
  await sub;
  await conn.sobject('Contact').create({ LastName: 'Regular', Custom_Tier__c: 'Standard' });
  await conn.sobject('Contact').create({ LastName: 'Vip', Custom_Tier__c: 'Platinum' });
  await arrived;
  assert.deepEqual(
    got.map((m) => [m.event.type, m.sobject.LastName]),
    [['created', 'Vip']],
  );
  topicClient.disconnect();

  // A bad token, checked on the wire (a faye client stuck in a failed handshake keeps retrying).
  const res = await fetch(`${sb.url}/cometd/65.0`, {
    method: 'POST',
    headers: { authorization: 'OAuth invalid', 'content-type': 'application/json' },
    body: JSON.stringify([
      { channel: '/meta/handshake', version: '1.0', supportedConnectionTypes: ['long-polling'] },
    ]),
  });
  const [failure] = (await res.json()) as { error?: string; advice?: { reconnect: string } }[];
  assert.equal(failure?.error, '401::Authentication invalid');
  assert.equal(failure?.advice?.reconnect, 'none');
});
