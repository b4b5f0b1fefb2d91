/**
 * `POST /api/v2/conversations/emails` and the participant attribute search on the full Genesys
 * sandbox, through the official SDK (`postConversationsEmails`,
 * `postConversationsParticipantsAttributesSearch`) pointed at it with `setGateway`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import platformClient from 'purecloud-platform-client-v2';
import { startGenesysSandbox, type GenesysSandbox } from '../index.ts';

type VendorError = { status: number; code: string; message: string; contextId: string; errors: unknown[] };

void describe('ACD e-mail conversations created through the API', () => {
  let gc: GenesysSandbox;
  const client = platformClient.ApiClient.instance;
  const conversations = new platformClient.ConversationsApi();
  let queueId: string;
  let skillIds: string[];

  before(async () => {
    gc = await startGenesysSandbox({ rateLimitPerMinute: 1000, seed: { skills: ['English', 'Billing'] } });
    client.setGateway(gc.sdkGateway);
    client.setReturnExtendedResponses(false);
    await client.loginClientCredentialsGrant(gc.clientId, gc.clientSecret);
    queueId = gc.ctx.directory.queues()[0]!.id;
    skillIds = [...gc.directory.skills.values()].map((s) => s.id);
    assert.equal(skillIds.length, 2);
  });
  after(async () => gc.close());

  it('creates an inbound e-mail waiting in the queue with skills and attributes', async () => {
    const created = await conversations.postConversationsEmails({
      queueId,
      provider: 'Patchbay',
      skillIds,
      priority: 5,
      direction: 'INBOUND',
      fromAddress: 'customer@example.invalid',
      toAddress: 'support@example.invalid',
      subject: 'Invoice question',
      textBody: 'Hello',
      attributes: { SF_URLPop: 'https://sf.example/lightning/r/Case/500X/view', SF_CaseId: '500X' },
    });
    assert.ok(created.id);
    const acd = created.participants?.find((p) => p.purpose === 'acd');
    assert.equal(acd?.queue?.id, queueId);
    assert.equal(acd?.state, 'connected');
    assert.deepEqual(
      acd?.conversationRoutingData?.skills?.map((s) => s.id),
      skillIds,
    );
    assert.equal(acd?.conversationRoutingData?.priority, 5);
    assert.equal(
      created.participants?.find((p) => p.purpose === 'customer')?.address,
      'customer@example.invalid',
    );

    // The attributes are on the conversation as GET /api/v2/conversations/{id} shows it.
    const conv = await conversations.getConversation(created.id);
    const customer = conv.participants.find((p) => p.purpose === 'customer');
    assert.equal(customer?.attributes?.SF_CaseId, '500X');
    assert.equal(customer?.attributes?.SF_URLPop, 'https://sf.example/lightning/r/Case/500X/view');
    const offer = conv.participants.find((p) => p.purpose === 'acd');
    assert.equal(offer?.queueId, queueId);
    assert.equal(offer?.attributes?.SF_CaseId, '500X');
    assert.equal(customer?.emails?.[0]?.subject, 'Invoice question');

    // The e-mail view answers it too; it is active (waiting in the queue) among the sandbox's conversations.
    const email = await conversations.getConversationsEmail(created.id);
    assert.equal(email.id, created.id);
    const listed = (
      (await (await fetch(`${gc.url}/__sandbox/conversations?state=active`)).json()) as {
        conversations: { id: string; mediaType: string }[];
      }
    ).conversations.find((c) => c.id === created.id);
    assert.equal(listed?.mediaType, 'email');
  });

  it('finds conversations by participant attribute (EXACT), and nothing for another value', async () => {
    const a = await conversations.postConversationsEmails({
      queueId,
      provider: 'Patchbay',
      fromAddress: 'a@example.invalid',
      attributes: { Patchbay_EntryId: 'entry-a' },
    });
    await conversations.postConversationsEmails({
      queueId,
      provider: 'Patchbay',
      fromAddress: 'b@example.invalid',
      attributes: { Patchbay_EntryId: 'entry-b' },
    });
    const found = (await conversations.postConversationsParticipantsAttributesSearch({
      query: [{ type: 'EXACT', fields: ['attributes.Patchbay_EntryId'], value: 'entry-a' }],
    })) as { results: { conversationId: string; participantId: string }[] };
    assert.deepEqual([...new Set(found.results.map((r) => r.conversationId))], [a.id]);
    const none = (await conversations.postConversationsParticipantsAttributesSearch({
      query: [{ type: 'EXACT', fields: ['attributes.Patchbay_EntryId'], value: 'entry-c' }],
    })) as { results: unknown[] };
    assert.deepEqual(none.results, []);
  });

  it('answers bad requests with 400 in the vendor shape and creates nothing', async () => {
    const before = gc.requests({ pathPrefix: '/api/v2/conversations/emails', method: 'POST' }).length;
    const count = () =>
      fetch(`${gc.url}/__sandbox/conversations`)
        .then((r) => r.json())
        .then((l) => (l as { conversations: unknown[] }).conversations.length);
    const n0 = await count();
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ queueId, fromAddress: 'x@example.invalid' }, /provider is required/],
      [{ provider: 'Patchbay', fromAddress: 'x@example.invalid' }, /queueId or flowId is required/],
      [{ provider: 'Patchbay', queueId: 'nope', fromAddress: 'x@example.invalid' }, /Queue nope not found/],
      [
        { provider: 'Patchbay', queueId, fromAddress: 'x@example.invalid', skillIds: ['nope'] },
        /Skill nope not found/,
      ],
      [
        { provider: 'Patchbay', queueId, fromAddress: 'x@example.invalid', skillIds: 'x' },
        /skillIds must be/,
      ],
      [
        { provider: 'Patchbay', queueId, fromAddress: 'x@example.invalid', attributes: { n: 1 } },
        /Attribute n must be a string/,
      ],
      [{ provider: 'Patchbay', queueId }, /fromAddress is required/],
      [
        { provider: 'Patchbay', queueId, fromAddress: 'x@example.invalid', direction: 'SIDEWAYS' },
        /direction must be/,
      ],
      [
        { provider: 'Patchbay', queueId, fromAddress: 'x@example.invalid', priority: 'high' },
        /priority must be an integer/,
      ],
      [{ provider: 7, queueId, fromAddress: 'x@example.invalid' }, /provider must be a string/],
    ];
    for (const [body, message] of cases) {
      await assert.rejects(conversations.postConversationsEmails(body as never), (e: VendorError) => {
        assert.equal(e.status, 400, JSON.stringify(body));
        assert.equal(e.code, 'bad.request');
        assert.match(e.message, message);
        assert.ok(e.contextId);
        assert.deepEqual(e.errors, []);
        return true;
      });
    }
    assert.equal(
      gc.requests({ pathPrefix: '/api/v2/conversations/emails', method: 'POST' }).length - before,
      cases.length,
    );
    assert.equal(await count(), n0, 'no conversation was created');
    await assert.rejects(
      conversations.postConversationsParticipantsAttributesSearch({
        query: [{ type: 'CONTAINS', fields: ['attributes.x'], value: 'y' }],
      }),
      (e: VendorError) => e.status === 400 && e.code === 'bad.request',
    );
  });
});
