import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mergeCallLog, SAVE_LOG_EVENTS, taskFromCallLog, validateSaveLog } from './merge.ts';

void test('the seven event names of seed 003; anything else is refused', () => {
  assert.deepEqual(
    [...SAVE_LOG_EVENTS],
    [
      'interactionChanged',
      'interactionDisconnected',
      'interactionChangedAfterDisconnect',
      'interactionACWCompleted',
      'interactionRemoved',
      'openCallLog',
      'appDisconnected',
    ],
  );
  for (const eventName of SAVE_LOG_EVENTS)
    assert.equal(validateSaveLog({ eventName, interaction: { id: 'i-1' }, callLog: {} }).ok, true);
  const v = validateSaveLog({ eventName: 'interactionExploded', interaction: { id: 'i-1' }, callLog: {} });
  assert.ok(!v.ok && v.field === 'eventName');
  const w = validateSaveLog({ eventName: 'openCallLog', interaction: {}, callLog: {} });
  assert.ok(!w.ok && w.field === 'interaction.id');
});

void test('deltas merge: present keys replace, null clears, absent keys stay; read-only fields never pass', () => {
  let log = mergeCallLog({}, { Subject: 'Call', Description: 'first' });
  log = mergeCallLog(log, { Description: 'notes', CallDurationInSeconds: 42 });
  log = mergeCallLog(log, {
    CallDisposition: 'Resolved',
    Id: '00T000000000001',
    LastActivityDate: '2026-01-01',
  });
  log = mergeCallLog(log, { subject: 'Call with Ann' });
  assert.deepEqual(log, {
    Description: 'notes',
    CallDurationInSeconds: 42,
    CallDisposition: 'Resolved',
    subject: 'Call with Ann',
  });
  assert.deepEqual(mergeCallLog(log, { Description: null }).Description, null);
});

void test('the Task: merged fields plus CallObject, subtype and defaults', () => {
  const t = taskFromCallLog(
    'i-1',
    { Description: 'notes', Status: null },
    { isDisconnected: true, name: 'Ann Lee', direction: 'Inbound' },
  );
  assert.deepEqual(t, {
    Description: 'notes',
    CallObject: 'i-1',
    TaskSubtype: 'Call',
    Subject: 'Call with Ann Lee',
    Status: 'Completed',
    CallType: 'Inbound',
  });
});
