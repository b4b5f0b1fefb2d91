import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { fixturePeople, fixtureSecrets } from '../../../test/fixtures/pii.ts';
import { startHarness, type Harness } from './test-harness.ts';

const [alice, bob] = fixturePeople;
const T0 = Date.parse('2026-03-14T10:00:00Z');

interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A loopback endpoint whose behaviour each test sets per path. */
async function endpoint(): Promise<{
  url: string;
  received: Received[];
  on: Map<string, (n: number) => { status: number; body?: unknown; delayMs?: number }>;
  close(): Promise<void>;
}> {
  const received: Received[] = [];
  const on = new Map<string, (n: number) => { status: number; body?: unknown; delayMs?: number }>();
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const path = req.url ?? '/';
      received.push({ path, headers: req.headers, body });
      const n = received.filter((r) => r.path === path).length;
      const plan = on.get(path)?.(n) ?? { status: 200, body: {} };
      const send = () => {
        if (res.destroyed) return;
        res.writeHead(plan.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(plan.body ?? {}));
      };
      if (plan.delayMs) setTimeout(send, plan.delayMs).unref();
      else send();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    on,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

void describe('inbound flow data action', () => {
  let h: Harness;
  let ep: Awaited<ReturnType<typeof endpoint>>;
  before(async () => {
    h = await startHarness();
    ep = await endpoint();
  });
  after(async () => {
    await h.close();
    await ep.close();
  });

  const start = async (ani: string) => {
    const r = await h.api('POST', '/__sandbox/conversations', { ani, queueId: h.queues[0]!.id, at: T0 });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body;
  };

  void it('posts { phoneNumber } with the configured auth and sets attributes from the output (success path)', async () => {
    ep.on.set('/lookup', () => ({
      status: 200,
      body: {
        success: true,
        contactId: '003xx000003SG',
        firstName: alice.firstName,
        lastName: alice.lastName,
        accountId: '001xx000002Edc',
        accountName: 'Acme Corp',
        tier: 'Premium',
      },
    }));
    const cfg = await h.api('PUT', '/__sandbox/conversations/config/flow', {
      enabled: true,
      url: `${ep.url}/lookup`,
      auth: { type: 'basic', username: 'genesys', password: fixtureSecrets[0] },
      timeoutSeconds: 5,
    });
    assert.equal(cfg.status, 200);
    assert.equal(cfg.body.auth.password, '***');
    const c = await start(alice.phone);
    const req = ep.received.at(-1)!;
    assert.deepEqual(JSON.parse(req.body), { phoneNumber: alice.phone });
    assert.equal(
      req.headers.authorization,
      `Basic ${Buffer.from(`genesys:${fixtureSecrets[0]}`).toString('base64')}`,
    );

    const got = await h.api('GET', `/api/v2/conversations/${c.id}`);
    const customer = got.body.participants.find((p: { purpose: string }) => p.purpose === 'customer');
    assert.deepEqual(customer.attributes, {
      screenpop_path: 'success',
      contact_id: '003xx000003SG',
      contact_name: `${alice.firstName} ${alice.lastName}`,
      account_id: '001xx000002Edc',
      account_name: 'Acme Corp',
      customer_tier: 'Premium',
    });
    assert.ok(got.body.participants.some((p: { purpose: string }) => p.purpose === 'ivr'));
    // Attributes travel with the call to the agent.
    await h.api('POST', `/__sandbox/conversations/${c.id}/answer`, {
      userId: h.users[0]!.id,
      at: T0 + 1_000,
    });
    const answered = await h.api('GET', `/api/v2/conversations/${c.id}`);
    assert.equal(
      answered.body.participants.find((p: { purpose: string }) => p.purpose === 'agent').attributes
        .contact_id,
      '003xx000003SG',
    );
  });

  void it('takes the failure path on a 5xx and the timeout path when the endpoint is slower than timeoutSeconds', async () => {
    ep.on.set('/broken', () => ({ status: 503 }));
    await h.api('PUT', '/__sandbox/conversations/config/flow', {
      url: `${ep.url}/broken`,
      auth: { type: 'header', name: 'x-api-key', value: fixtureSecrets[2] },
    });
    const failed = await start(bob.phone);
    assert.equal(ep.received.at(-1)!.headers['x-api-key'], fixtureSecrets[2]);
    assert.deepEqual(
      failed.participants.find((p: { purpose: string }) => p.purpose === 'customer').attributes,
      { screenpop_path: 'failure' },
    );
    assert.equal(failed.flow.path, 'failure');

    ep.on.set('/slow', () => ({ status: 200, body: { contactId: 'late' }, delayMs: 3_000 }));
    await h.api('PUT', '/__sandbox/conversations/config/flow', { url: `${ep.url}/slow`, timeoutSeconds: 1 });
    const slow = await start(bob.phone);
    assert.equal(slow.flow.path, 'timeout');
    const got = await h.api('GET', `/api/v2/conversations/${slow.id}`);
    assert.deepEqual(
      got.body.participants.find((p: { purpose: string }) => p.purpose === 'customer').attributes,
      { screenpop_path: 'timeout' },
    );
  });

  void it('rejects bad flow configuration', async () => {
    for (const bad of [
      { timeoutSeconds: 0 },
      { timeoutSeconds: 61 },
      { url: 'ftp://x' },
      { auth: { type: 'basic' } },
      { nope: 1 },
      [1],
    ]) {
      const r = await h.api('PUT', '/__sandbox/conversations/config/flow', bad);
      assert.equal(r.status, 400, JSON.stringify(bad));
      assert.equal(r.body.error.code, 'bad_request');
    }
  });
});

void describe('conversation-end deliveries', () => {
  let h: Harness;
  let ep: Awaited<ReturnType<typeof endpoint>>;
  const whKey = Buffer.from('0123456789abcdef0123456789abcdef');
  const whsec = `whsec_${whKey.toString('base64')}`;
  before(async () => {
    h = await startHarness();
    ep = await endpoint();
    const r = await h.api('PUT', '/__sandbox/conversations/config/deliveries', {
      targets: [
        {
          id: 'seed-webhook',
          kind: 'genesys-webhook',
          url: `${ep.url}/webhook/call-ended`,
          secret: fixtureSecrets[1],
          retryDelaysMs: [10],
        },
        {
          id: 'support-result',
          kind: 'support-result',
          url: `${ep.url}/customers/supportResult`,
          basicAuth: { username: 'gc', password: fixtureSecrets[0] },
          retryDelaysMs: [10],
        },
        { id: 'std', kind: 'standard-webhooks', url: `${ep.url}/std`, secret: whsec, retryDelaysMs: [10] },
      ],
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
  });
  after(async () => {
    await h.close();
    await ep.close();
  });

  async function handledCall() {
    const c = (
      await h.api('POST', '/__sandbox/conversations', { ani: alice.phone, queueId: h.queues[0]!.id, at: T0 })
    ).body;
    await h.api('POST', `/__sandbox/conversations/${c.id}/answer`, {
      userId: h.users[0]!.id,
      at: T0 + 3_000,
    });
    await h.api('POST', `/__sandbox/conversations/${c.id}/disconnect`, { at: T0 + 630_000 });
    await h.api('POST', `/__sandbox/conversations/${c.id}/wrapup`, {
      code: h.wrapupCodes[1]!.id,
      at: T0 + 660_000,
    });
    await h.api('POST', '/__sandbox/conversations/deliveries/settle');
    return c.id as string;
  }

  void it('signs each kind so an independent verifier accepts it', async () => {
    const id = await handledCall();
    const seed = ep.received.find((r) => r.path === '/webhook/call-ended')!;
    const ts = String(seed.headers['x-genesys-webhook-timestamp']);
    const expected = createHmac('sha256', fixtureSecrets[1]).update(`${ts}.${seed.body}`).digest('base64');
    assert.equal(seed.headers['x-genesys-webhook-signature'], expected);
    const payload = JSON.parse(seed.body);
    assert.equal(payload.conversationId, id);
    assert.equal(payload.interactionId, id);
    assert.equal(payload.conversationType, 'phone');
    assert.equal(payload.callerId, alice.phone);
    assert.equal(payload.direction, 'INBOUND');
    assert.equal(payload.durationSeconds, 630);
    assert.equal(payload.agentId, h.users[0]!.id);
    assert.equal(payload.agentName, h.users[0]!.name);
    assert.equal(payload.queueName, 'Support');
    assert.equal(typeof payload.recordingId, 'string');

    const sr = ep.received.find((r) => r.path === '/customers/supportResult')!;
    assert.equal(
      sr.headers.authorization,
      `Basic ${Buffer.from(`gc:${fixtureSecrets[0]}`).toString('base64')}`,
    );
    assert.deepEqual(JSON.parse(sr.body), {
      conversationId: id,
      eventTime: new Date(T0 + 660_000).toISOString(),
      direction: 'inbound',
      mediaType: 'voice',
      ani: alice.phone,
      wrapupCode: h.wrapupCodes[1]!.id,
      userId: h.users[0]!.id,
    });

    const std = ep.received.find((r) => r.path === '/std')!;
    const msgId = String(std.headers['webhook-id']);
    const stdTs = String(std.headers['webhook-timestamp']);
    const mac = createHmac('sha256', whKey).update(`${msgId}.${stdTs}.${std.body}`).digest();
    const sigs = String(std.headers['webhook-signature']).split(' ');
    assert.ok(
      sigs.some((s) => s.startsWith('v1,') && timingSafeEqual(Buffer.from(s.slice(3), 'base64'), mac)),
      'standard webhooks signature verifies',
    );
    assert.equal(JSON.parse(std.body).data.conversationId, id);

    const log = await h.api('GET', `/__sandbox/conversations/deliveries?conversationId=${id}`);
    assert.deepEqual(
      log.body.deliveries
        .map((d: { targetId: string; outcome: string }) => `${d.targetId}:${d.outcome}`)
        .sort(),
      ['seed-webhook:delivered', 'std:delivered', 'support-result:delivered'],
    );
  });

  void it('retries 5xx up to 3 attempts and stops at the first success or a 4xx', async () => {
    ep.received.length = 0;
    ep.on.set('/webhook/call-ended', () => ({ status: 500 }));
    ep.on.set('/std', (n) => ({ status: n < 2 ? 503 : 204 }));
    ep.on.set('/customers/supportResult', () => ({ status: 400 }));
    const id = await handledCall();
    assert.equal(ep.received.filter((r) => r.path === '/webhook/call-ended').length, 3);
    assert.equal(ep.received.filter((r) => r.path === '/std').length, 2);
    assert.equal(ep.received.filter((r) => r.path === '/customers/supportResult').length, 1);
    const log = (await h.api('GET', `/__sandbox/conversations/deliveries?conversationId=${id}`)).body
      .deliveries as { targetId: string; attempt: number; outcome: string; status: number }[];
    assert.deepEqual(
      log.filter((d) => d.targetId === 'seed-webhook').map((d) => [d.attempt, d.status, d.outcome]),
      [
        [1, 500, 'retrying'],
        [2, 500, 'retrying'],
        [3, 500, 'failed'],
      ],
    );
    assert.deepEqual(
      log.filter((d) => d.targetId === 'std').map((d) => d.outcome),
      ['retrying', 'delivered'],
    );
    // The same message id on every attempt, so receivers can de-duplicate.
    const ids = new Set(ep.received.filter((r) => r.path === '/std').map((r) => r.headers['webhook-id']));
    assert.equal(ids.size, 1);
    assert.deepEqual(
      log.filter((d) => d.targetId === 'support-result').map((d) => d.outcome),
      ['failed'],
    );
  });

  void it('rejects bad target configuration', async () => {
    for (const targets of [
      [{ kind: 'nope', url: 'http://x' }],
      [{ kind: 'genesys-webhook', url: 'http://x' }],
      [{ kind: 'standard-webhooks', url: 'http://x', secret: 'not-whsec' }],
      [{ kind: 'support-result', url: 'x' }],
      [{ kind: 'support-result', url: 'http://x', maxAttempts: 0 }],
    ]) {
      const r = await h.api('PUT', '/__sandbox/conversations/config/deliveries', { targets });
      assert.equal(r.status, 400, JSON.stringify(targets));
    }
    assert.equal(
      (await h.api('GET', '/__sandbox/conversations/config/deliveries')).body.targets.length,
      3,
      'unchanged',
    );
  });
});
