import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { fixturePeople, fixtureSecrets } from '../../../test/fixtures/pii.ts';
import { redactString, redactValue } from './redact.ts';

test('sensitive keys are redacted at any depth', () => {
  const p = fixturePeople[0];
  const out = JSON.stringify(
    redactValue({
      req: { headers: { authorization: `Bearer ${fixtureSecrets[0]}` } },
      contact: { FirstName: p.firstName, LastName: p.lastName, Email: p.email, MobilePhone: p.phone },
      client_secret: fixtureSecrets[1],
      list: [{ name: p.lastName }],
    }),
  );
  for (const v of [fixtureSecrets[0], fixtureSecrets[1], p.lastName, p.email, p.phone])
    assert.ok(!out.includes(v), `${v} leaked`);
});

test('e-mail addresses and phone numbers in free text are masked', () => {
  for (const p of fixturePeople) {
    const s = redactString(`lookup for ${p.phoneNational} / ${p.phone} failed, mail ${p.email}`);
    assert.ok(!s.includes(p.email) && !s.includes(p.phone) && !s.includes(p.phoneNational), s);
  }
});

test('dates, UUIDs, Salesforce IDs and counts survive redaction', () => {
  const s =
    'at 2026-11-21T09:48:00.000Z job 550e8400-e29b-41d4-a716-446655440000 contact 0035e00000AbCdEAAZ took 1234 ms, 42 rows';
  assert.equal(redactString(s), s);
});

test('errors keep their type and are redacted', () => {
  const e = new Error(`no contact for ${fixturePeople[1].email}`);
  const out = redactValue(e) as { type: string; message: string };
  assert.equal(out.type, 'Error');
  assert.ok(!out.message.includes(fixturePeople[1].email));
});

test('redaction never throws on any value and masks any US number in text', () => {
  fc.assert(
    fc.property(fc.anything(), (v) => {
      redactValue(v);
    }),
  );
  fc.assert(
    fc.property(fc.stringMatching(/^\+1[2-9]\d{9}$/), (phone) => {
      assert.ok(!redactString(`caller ${phone} waiting`).includes(phone));
    }),
  );
});
