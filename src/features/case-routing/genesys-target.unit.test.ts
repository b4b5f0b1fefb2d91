import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { GenesysConnector } from '../../connectors/genesys/client.ts';
import { genesysEmailTarget } from './genesys-target.ts';

/** A connector whose SDK classes are replaced by recorders (the API shapes under test). */
function fakeConnector() {
  const calls: { name: string; args: unknown[] }[] = [];
  const apis: Record<string, Record<string, (...a: unknown[]) => Promise<unknown>>> = {
    RoutingApi: {
      getRoutingQueues: async (o) => ({
        entities: [
          { id: 'q-support-2', name: 'Support 2' },
          { id: 'q-support', name: 'Support' },
        ].filter((q) => q.name.startsWith((o as { name: string }).name)),
      }),
      getRoutingSkills: async (o) => ({
        entities: (o as { name: string }).name === 'English' ? [{ id: 's-en', name: 'English' }] : [],
      }),
    },
    ConversationsApi: {
      postConversationsEmails: async () => ({ id: 'conv-1' }),
      postConversationDisconnect: async () => '',
      postConversationsParticipantsAttributesSearch: async (b) =>
        JSON.stringify(b).includes('"a0E1"')
          ? { types: ['participants'], results: [{ conversationId: 'conv-1', participantId: 'p-1' }] }
          : { types: ['participants'], results: [] },
    },
  };
  const gc = {
    call: async <T>(name: string, fn: () => Promise<T>) =>
      fn().then((r) => (calls.push({ name, args: [] }), r)),
    api: (Cls: { name: string }) =>
      new Proxy(
        {},
        {
          get:
            (_t, method: string) =>
            async (...args: unknown[]) => {
              calls.push({ name: `${Cls.name}.${method}`, args });
              return apis[Cls.name]![method]!(...args);
            },
        },
      ),
  } as unknown as GenesysConnector;
  return { gc, calls };
}

void test('creates an inbound ACD e-mail in the exactly named queue with skill IDs and the screen pop', async () => {
  const { gc, calls } = fakeConnector();
  const t = genesysEmailTarget(gc);
  const id = await t.createEmail({
    entryId: 'a0E1',
    caseId: '500X',
    queueName: 'Support',
    skills: ['English'],
    subject: 'Help',
    fromAddress: 'someone@example.invalid',
    screenPopUrl: 'https://sf/lightning/r/Case/500X/view',
  });
  assert.equal(id, 'conv-1');
  const body = calls.find((c) => c.name === 'ConversationsApi.postConversationsEmails')?.args[0];
  assert.deepEqual(body, {
    queueId: 'q-support',
    provider: 'Patchbay',
    skillIds: ['s-en'],
    direction: 'INBOUND',
    subject: 'Help',
    fromAddress: 'someone@example.invalid',
    textBody: 'Salesforce case 500X: https://sf/lightning/r/Case/500X/view',
    attributes: {
      SF_URLPop: 'https://sf/lightning/r/Case/500X/view',
      SF_CaseId: '500X',
      Patchbay_EntryId: 'a0E1',
    },
  });
  await t.disconnect('conv-1');
  assert.deepEqual(calls.find((c) => c.name === 'ConversationsApi.postConversationDisconnect')?.args, [
    'conv-1',
  ]);
});

void test('unknown queue or skill is a permanent error (the entry is marked, not retried)', async () => {
  const { gc } = fakeConnector();
  const t = genesysEmailTarget(gc);
  const base = { entryId: 'a0E5', caseId: '5', subject: '', fromAddress: '', screenPopUrl: '' };
  await assert.rejects(t.createEmail({ ...base, queueName: 'Nope', skills: [] }), /no queue named "Nope"/);
  await assert.rejects(
    t.createEmail({ ...base, queueName: 'Support', skills: ['Klingon'] }),
    /no skill named/,
  );
});

void test('finds the conversation of an entry by its Patchbay_EntryId attribute (EXACT search)', async () => {
  const { gc, calls } = fakeConnector();
  const t = genesysEmailTarget(gc);
  assert.equal(await t.findEmail('a0E1'), 'conv-1');
  assert.equal(await t.findEmail('a0E9'), undefined);
  assert.deepEqual(
    calls.find((c) => c.name === 'ConversationsApi.postConversationsParticipantsAttributesSearch')?.args[0],
    { query: [{ type: 'EXACT', fields: ['attributes.Patchbay_EntryId'], value: 'a0E1' }] },
  );
});
