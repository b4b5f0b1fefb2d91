import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { CountryCode } from 'libphonenumber-js';
import { normalizePhone, phoneKey } from './normalize.ts';

const cases: Array<{ region: CountryCode; e164: string; forms: string[] }> = [
  {
    region: 'US',
    e164: '+14155550142',
    forms: [
      '+14155550142',
      '+1 415 555 0142',
      '(415) 555-0142',
      '415-555-0142',
      '415.555.0142',
      '4155550142',
      '1-415-555-0142',
      'tel:+1-415-555-0142',
      'tel:+14155550142;ext=12',
      '0014155550142',
      '+1 (415) 555-0142 x204',
      '  +1 415 555 0142  ',
    ],
  },
  {
    region: 'GB',
    e164: '+442079460321',
    forms: [
      '+442079460321',
      '020 7946 0321',
      '(020) 7946-0321',
      '0044 20 7946 0321',
      '+44 (0)20 7946 0321',
      'tel:+44-20-7946-0321',
    ],
  },
  {
    region: 'FR',
    e164: '+33123456789',
    forms: ['+33123456789', '01 23 45 67 89', '01.23.45.67.89', '0033 1 23 45 67 89', '+33 (0)1 23 45 67 89'],
  },
  {
    region: 'DE',
    e164: '+493012345678',
    forms: ['+49 30 12345678', '030 12345678', '030-123 456 78', '0049 30 12345678'],
  },
];

test('every common format of a number normalises to the same E.164 key, in several regions', () => {
  for (const c of cases) {
    for (const form of c.forms) assert.equal(phoneKey(form, c.region), c.e164, `${form} (${c.region})`);
  }
});

test('a number in international form has the same key whatever the default region', () => {
  for (const c of cases)
    for (const region of ['US', 'GB', 'FR', 'DE'] as const) assert.equal(phoneKey(c.e164, region), c.e164);
});

test('extensions are kept apart from the key', () => {
  const r = normalizePhone('+1 415 555 0142 ext. 204', 'US');
  assert.deepEqual(r, { ok: true, e164: '+14155550142', extension: '204', valid: true });
});

test('junk, empty and injection attempts are rejected, never thrown', () => {
  for (const junk of [
    '',
    '   ',
    'abc',
    '12',
    "' OR Name != '",
    '+1 415 555 0142 OR 1=1; DROP',
    'x'.repeat(10_000),
    '{FIND}',
    '\u0000\u0001',
  ]) {
    const r = normalizePhone(junk, 'US');
    assert.equal(r.ok, false, JSON.stringify(junk.slice(0, 40)));
  }
  for (const v of [null, undefined, 42, {}, []])
    assert.deepEqual(normalizePhone(v), { ok: false, reason: 'invalid' });
});

test('property: any string, any region → a result, and every key is E.164', () => {
  fc.assert(
    fc.property(
      fc.string({ maxLength: 80 }),
      fc.constantFrom<CountryCode>('US', 'GB', 'FR', 'DE', 'AU', 'IN'),
      (s, region) => {
        const r = normalizePhone(s, region);
        if (r.ok) assert.match(r.e164, /^\+[1-9]\d{1,14}$/);
      },
    ),
    { numRuns: 2000 },
  );
});

test('property: separators and a tel: prefix never change the key of a US number', () => {
  fc.assert(
    fc.property(
      fc.stringMatching(/^[2-9]\d{2}[2-9]\d{6}$/),
      fc.constantFrom(' ', '-', '.', ''),
      fc.boolean(),
      (digits, sep, tel) => {
        const formatted = `${tel ? 'tel:+1' : '+1'}${sep}${digits.slice(0, 3)}${sep}${digits.slice(3, 6)}${sep}${digits.slice(6)}`;
        assert.equal(phoneKey(formatted, 'US'), phoneKey(`+1${digits}`, 'US'));
      },
    ),
  );
});

test('property: the North American fast path gives exactly what libphonenumber gives', () => {
  fc.assert(
    fc.property(
      fc.stringMatching(/^[2-9]\d{2}[2-9]\d{6}$/),
      fc.boolean(),
      fc.constantFrom<CountryCode>('US', 'CA', 'GB', 'DE'),
      (digits, tel, region) => {
        const input = `${tel ? 'tel:' : ''}+1${digits}`;
        const full = normalizePhone(input, region);
        assert.ok(full.ok, input);
        assert.equal(phoneKey(input, region), full.e164);
      },
    ),
    { numRuns: 5000 },
  );
  // Outside the plan's shape (area code or exchange starting with 0/1, wrong length): the full parser.
  for (const input of ['+10125550100', '+12121550100', '+1212555010', '+121255501000']) {
    const full = normalizePhone(input);
    assert.equal(phoneKey(input), full.ok ? full.e164 : undefined);
  }
});
