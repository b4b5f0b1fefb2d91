import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkTopics, expandTopic, isKnownTopic, parseTopicList } from './topics.ts';

describe('notification topics', () => {
  it('knows the topic families the emulator serves', () => {
    for (const t of [
      'v2.users.u1.presence',
      'v2.users.u1.conversations',
      'v2.detail.events.conversation.c1.customer.end',
      'v2.detail.events.conversation.c1.user.end',
      'v2.detail.events.conversation.c1.acw',
      'v2.routing.queues.q1.conversations',
    ])
      assert.ok(isKnownTopic(t), t);
    for (const t of [
      'v2.users.u1',
      'v2.users.*.presence.x',
      'v2.detail.events.conversation.c1.customer',
      'presence',
    ])
      assert.ok(!isKnownTopic(t), t);
  });

  it('expands the compact form and splits accepted from rejected, without duplicates', () => {
    assert.deepEqual(expandTopic('v2.users.u1?presence&routingStatus'), [
      'v2.users.u1.presence',
      'v2.users.u1.routingStatus',
    ]);
    const parsed = parseTopicList([
      { id: 'v2.users.u1?presence' },
      { id: 'v2.users.u1.presence' },
      { id: 'v2.bogus' },
    ]);
    assert.ok(parsed.ok);
    assert.deepEqual(checkTopics(parsed.topics), {
      accepted: ['v2.users.u1.presence'],
      rejected: [{ id: 'v2.bogus', reason: 'Topic v2.bogus is not a valid topic' }],
    });
    assert.equal(parseTopicList({ id: 'x' }).ok, false);
    assert.equal(parseTopicList([{ id: '' }]).ok, false);
  });
});
