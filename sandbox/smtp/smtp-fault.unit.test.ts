import { test } from 'node:test';
import assert from 'node:assert/strict';
import { takeFault, validateSmtpFault } from './smtp-fault.ts';
import { renderInbox } from './page.ts';
import type { StoredMessage } from './mail-store.ts';

void test('a fault with times fails that many transactions at its stage, then clears', () => {
  const v = validateSmtpFault({ stage: 'rcpt', code: 451, times: 2 });
  assert.ok(v.ok);
  let f = v.ok ? v.fault : undefined;
  assert.equal(takeFault(f, 'mail').fail, undefined, 'other stages pass');
  const first = takeFault(f, 'rcpt');
  assert.equal(first.fail?.code, 451);
  f = first.next;
  const second = takeFault(f, 'rcpt');
  assert.equal(second.fail?.code, 451);
  assert.equal(second.next, undefined);
  assert.equal(takeFault(second.next, 'rcpt').fail, undefined);
});

void test('a fault without times stays until cleared and gets a standard message', () => {
  const v = validateSmtpFault({ stage: 'connect', code: 421 });
  assert.ok(v.ok);
  if (!v.ok) return;
  assert.match(v.fault.message, /Service not available/);
  const t = takeFault(v.fault, 'connect');
  assert.equal(t.next, v.fault);
});

void test('invalid faults are refused with a reason', () => {
  for (const bad of [
    null,
    [],
    { code: 250 },
    { code: 451, stage: 'helo' },
    { code: 451, times: 0 },
    { code: 451, message: 'a\r\nb' },
    { code: 451, extra: 1 },
  ]) {
    assert.equal(validateSmtpFault(bad).ok, false, JSON.stringify(bad));
  }
  assert.equal(validateSmtpFault({ code: 550 }).ok, true, 'stage defaults to mail');
});

void test('the inbox page escapes header values', () => {
  const m = {
    id: '1',
    receivedAt: '2026-01-01T00:00:00.000Z',
    from: ['<script>@x.org'],
    to: [],
    subject: '<img src=x onerror=alert(1)>',
    attachments: [],
  } as unknown as StoredMessage;
  const html = renderInbox([m]);
  assert.ok(!html.includes('<img src=x'));
  assert.ok(html.includes('&lt;img src=x onerror=alert(1)&gt;'));
});
