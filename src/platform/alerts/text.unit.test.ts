import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatDuration, noticeText, type AlertNotice } from './text.ts';
import { webhookBody } from './sinks.ts';

const t0 = Date.UTC(2030, 0, 1);
const alert = {
  id: '7',
  condition: 'salesforce.unreachable',
  severity: 'critical' as const,
  message: 'Salesforce API <down> & failing',
  count: 1000,
  openedAt: t0,
};

test('durations read like a person would say them', () => {
  assert.equal(formatDuration(45_000), '45 s');
  assert.equal(formatDuration(10 * 60_000), '10 min');
  assert.equal(formatDuration(65 * 60_000), '1 h 5 min');
  assert.equal(formatDuration(2 * 3_600_000), '2 h');
  assert.equal(formatDuration(26 * 3_600_000), '1 d 2 h');
});

test('raised, reminder and resolved texts; Slack control characters are escaped', () => {
  const raised: AlertNotice = { event: 'raised', alert: { ...alert, count: 1 }, at: t0 };
  assert.equal(
    noticeText(raised),
    ':rotating_light: [CRITICAL] salesforce.unreachable: Salesforce API &lt;down&gt; &amp; failing',
  );
  assert.match(
    noticeText({ event: 'reminder', alert, at: t0 + 65 * 60_000 }),
    /still open after 1 h 5 min \(raised 1,000 times\)/,
  );
  const resolved: AlertNotice = {
    event: 'resolved',
    alert: { ...alert, resolvedAt: t0 + 600_000, resolveMessage: 'Salesforce answers again' },
    at: t0 + 600_000,
  };
  assert.equal(
    noticeText(resolved),
    ':white_check_mark: [RESOLVED] salesforce.unreachable: Salesforce answers again (open 10 min, raised 1,000 times)',
  );
});

test('the webhook body is Slack-compatible: a text field, plus the structured notice', () => {
  const n: AlertNotice = { event: 'raised', alert, at: t0 };
  const body = webhookBody(n);
  assert.equal(typeof body.text, 'string');
  assert.deepEqual(body.patchbay, n);
});
