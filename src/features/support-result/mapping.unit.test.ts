import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validateCommunicationRecord } from '../../../sandbox/backoffice/communication-record.ts';
import {
  channelFor,
  communicationRecord,
  DEFAULT_TITLE,
  validateSupportInteraction,
  validateSupportResult,
  type SupportResult,
} from './mapping.ts';

const result: SupportResult = {
  conversationId: '5a1b2c3d-0000-4000-8000-000000000001',
  eventTime: '2026-03-14T10:10:30.000Z',
  direction: 'inbound',
  mediaType: 'voice',
  ani: '+15551234567',
  subject: 'Card blocked',
  wrapupCode: '5a1b2c3d-0000-4000-8000-0000000000aa',
  userId: '5a1b2c3d-0000-4000-8000-0000000000bb',
};
const enrichment = {
  customerId: '5a1b2c3d-0000-4000-8000-0000000000cc',
  agentName: 'Agent Smith',
  wrapupName: 'Resolved',
};

void test('seed 002 §3, row by row', () => {
  const r = communicationRecord(result, enrichment);
  assert.equal(r.direction, 'INBOUND'); // "inbound" → "INBOUND"
  assert.equal(communicationRecord({ ...result, direction: 'outbound' }, enrichment).direction, 'OUTBOUND');
  assert.equal(r.communicatedAt, result.eventTime); // supportResult.eventTime
  assert.equal(r.source, 'Call center'); // constant
  assert.equal(r.channel, 'VOICE'); // from mediaType
  assert.equal(r.domain, 'OTHER'); // constant
  assert.equal(r.customerId, enrichment.customerId); // from 2.3
  assert.equal(r.customerHandle, result.ani); // supportResult.ani
  assert.equal(r.interactionId, result.conversationId); // supportResult.conversationId
  assert.equal(r.bankUserId, null); // constant null
  assert.equal(r.bankUserName, 'Agent Smith'); // user.name (2.1)
  assert.equal(r.purpose, 'Resolved'); // wrapupCode.name (2.2)
  assert.equal(r.title, 'Card blocked'); // supportResult.subject
  assert.equal(r.body, ''); // empty string
  assert.deepEqual(Object.keys(r).sort(), [
    'bankUserId',
    'bankUserName',
    'body',
    'channel',
    'communicatedAt',
    'customerHandle',
    'customerId',
    'direction',
    'domain',
    'interactionId',
    'purpose',
    'source',
    'title',
  ]);
  // The back office emulator (the real contract's validation) accepts it as is.
  assert.equal(validateCommunicationRecord(r).ok, true);
});

void test('seed 002: channel for every mediaType, and anything else → OTHER', () => {
  const table: Array<[string, string]> = [
    ['callback', 'VOICE'],
    ['chat', 'CHAT'],
    ['cobrowse', 'OTHER'],
    ['email', 'EMAIL'],
    ['message', 'SMS'],
    ['screenshare', 'VIDEO'],
    ['screen share', 'VIDEO'],
    ['unknown', 'OTHER'],
    ['video', 'VIDEO'],
    ['voice', 'VOICE'],
    ['fax', 'OTHER'],
    ['', 'OTHER'],
    ['VOICE', 'OTHER'],
  ];
  for (const [mediaType, channel] of table) {
    assert.equal(channelFor(mediaType), channel, mediaType);
    const rec = communicationRecord({ ...result, mediaType }, enrichment);
    assert.equal(rec.channel, channel);
    assert.equal(validateCommunicationRecord(rec).ok, true, `back office accepts ${channel}`);
  }
});

void test('seed 002: title is the subject, or "Call center communication" when null, absent or empty', () => {
  assert.equal(communicationRecord({ ...result, subject: null }, enrichment).title, DEFAULT_TITLE);
  assert.equal(communicationRecord({ ...result, subject: '' }, enrichment).title, DEFAULT_TITLE);
  const { subject: _omit, ...noSubject } = result;
  assert.equal(communicationRecord(noSubject, enrichment).title, DEFAULT_TITLE);
  assert.equal(communicationRecord({ ...result, subject: ' ' }, enrichment).title, ' ');
});

void test('seed 002: no pairing → customerId null; unknown names → null', () => {
  const r = communicationRecord(result, { customerId: null, agentName: null, wrapupName: null });
  assert.equal(r.customerId, null);
  assert.equal(r.bankUserName, null);
  assert.equal(r.purpose, null);
  assert.equal(validateCommunicationRecord(r).ok, true);
});

void test('supportResult validation names the field; unknown direction is refused at receipt', () => {
  const bad = (patch: Record<string, unknown>) => validateSupportResult({ ...result, ...patch });
  assert.equal(validateSupportResult(result).ok, true);
  for (const [patch, field] of [
    [{ direction: 'sideways' }, 'direction'],
    [{ direction: 'INBOUND' }, 'direction'],
    [{ direction: undefined }, 'direction'],
    [{ conversationId: 'conversation-111' }, 'conversationId'],
    [{ eventTime: 'yesterday' }, 'eventTime'],
    [{ eventTime: '2026-03-14T10:10:30' }, 'eventTime'],
    [{ mediaType: 3 }, 'mediaType'],
    [{ ani: null }, 'ani'],
    [{ subject: 5 }, 'subject'],
    [{ wrapupCode: 'resolved' }, 'wrapupCode'],
    [{ userId: undefined }, 'userId'],
  ] as const) {
    const v = bad(patch);
    assert.equal(v.ok, false, JSON.stringify(patch));
    if (!v.ok) {
      assert.equal(v.field, field);
      assert.match(v.message, new RegExp(`^${field}:`));
    }
  }
  assert.equal(validateSupportResult([]).ok, false);
  const withNull = validateSupportResult({ ...result, subject: null });
  assert.ok(withNull.ok && withNull.value.subject === null);
});

void test('supportInteraction validation: both UUIDs required', () => {
  assert.equal(
    validateSupportInteraction({ customerId: enrichment.customerId, interactionId: result.conversationId })
      .ok,
    true,
  );
  const v = validateSupportInteraction({ customerId: 'c-1', interactionId: result.conversationId });
  assert.ok(!v.ok && v.field === 'customerId');
  const w = validateSupportInteraction({ customerId: enrichment.customerId });
  assert.ok(!w.ok && w.field === 'interactionId');
});
