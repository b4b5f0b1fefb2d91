import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  emptySubject,
  keyedHash,
  mentions,
  mergeSubjects,
  subjectNeedles,
} from '../../platform/privacy/index.ts';
import { fixturePeople } from '../../../test/fixtures/pii.ts';
import { maskEmail, maskName, maskPhone, maskRecord } from './masking.ts';
import { decideRetention, type RetentionContext } from './retention-decide.ts';

const [p] = fixturePeople;
const DAY = 86_400_000;

test('needles cover every spelling of the number and are case-insensitive', () => {
  const s = mergeSubjects(emptySubject(), {
    phones: [p.phone],
    emails: [p.email.toUpperCase()],
    names: [`${p.firstName}  ${p.lastName}`],
  });
  const needles = subjectNeedles(s);
  assert.ok(mentions(`{"ani":"tel:${p.phone}"}`, needles));
  assert.ok(mentions(`call from ${p.phoneNational}`, needles));
  assert.ok(mentions(`digits ${p.phone.slice(2)}`, needles));
  assert.ok(mentions(`mail ${p.email}`, needles));
  assert.ok(mentions(`${p.firstName.toUpperCase()} ${p.lastName}`, needles));
  assert.ok(!mentions('an unrelated body +14155550999', needles));
});

test('keyed hashes depend on the key and normalise case', () => {
  assert.equal(keyedHash('k', 'A@B.ORG'), keyedHash('k', 'a@b.org'));
  assert.notEqual(keyedHash('k', 'a@b.org'), keyedHash('other', 'a@b.org'));
  assert.match(keyedHash('k', 'a@b.org'), /^[0-9a-f]{64}$/);
});

test('masking: names, e-mails (with a keyed hash), phones to the last 4 digits, free text', () => {
  assert.equal(maskName('Marguerite Okonkwo-Vance'), 'M*** O***');
  assert.equal(maskEmail(p.email), 'm***@example.org');
  assert.equal(maskPhone(p.phoneNational), '***0142');
  const masked = maskRecord(
    {
      first_name: p.firstName,
      last_name: p.lastName,
      email: p.email,
      phone_key: p.phone,
      body: JSON.stringify({ callerId: p.phone, note: `write to ${p.email}` }),
      tier: 'Gold',
    },
    'key',
  ) as Record<string, string>;
  const text = JSON.stringify(masked);
  for (const v of [p.firstName, p.lastName, p.email, p.phone, p.phone.slice(2)])
    assert.ok(!text.includes(v), v);
  assert.equal(masked.emailHash, keyedHash('key', p.email));
  assert.equal(masked.tier, 'Gold');
  assert.ok(text.includes('0142'));
});

test('retention: legal hold beats erasure and age; erased subjects go; old recordings go per media type', () => {
  const now = Date.UTC(2030, 0, 1);
  const ctx: RetentionContext = {
    now,
    policy: { defaultDays: 2557, byMedia: { screen: 365 } },
    heldConversations: new Set(['held']),
    heldSubjects: new Set(['h-held']),
    erasedSubjects: new Set(['h-erased', 'h-held']),
  };
  const r = (o: Partial<Parameters<typeof decideRetention>[0]>) =>
    decideRetention({ conversationId: 'c', media: 'audio', start: now - DAY, subjectHashes: [], ...o }, ctx);
  assert.equal(r({ conversationId: 'held', start: now - 9 * 365 * DAY }), 'keep-legal-hold');
  assert.equal(r({ subjectHashes: ['h-held'] }), 'keep-legal-hold');
  assert.equal(r({ subjectHashes: ['h-erased'] }), 'delete-erased-subject');
  assert.equal(r({ start: now - 2558 * DAY }), 'delete-expired');
  assert.equal(r({ start: now - 2556 * DAY }), 'keep');
  assert.equal(r({ media: 'screen', start: now - 400 * DAY }), 'delete-expired');
});
