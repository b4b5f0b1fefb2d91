import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { CountryCode } from 'libphonenumber-js';
import { defaultMirrorOptions, rowFromRecord } from '../sf-mirror/model.ts';
import { normalizePhone } from '../../platform/phone/normalize.ts';
import { dataActionDefinitions, inboundFlowYaml } from './artifacts.ts';
import { dataActionGuard } from './auth.ts';
import { LruTtlCache } from './cache.ts';
import { failedOutput, foundOutput } from './contract.ts';

/** One number per region, written the ways callers' systems and CRM users write it. */
const samples: Array<{ region: CountryCode; e164: string; forms: string[] }> = [
  {
    region: 'US',
    e164: '+14155550142',
    forms: [
      '+14155550142',
      '(415) 555-0142',
      '415.555.0142',
      '415-555-0142 x12',
      'tel:+1-415-555-0142',
      '001 415 555 0142',
      '+1 415 555 0142 ext. 7',
      '1 (415) 555-0142',
    ],
  },
  {
    region: 'GB',
    e164: '+442079460321',
    forms: [
      '+442079460321',
      '020 7946 0321',
      '(020) 7946-0321',
      'tel:+44-20-7946-0321',
      '0044 20 7946 0321',
      '+44 (0)20 7946 0321',
    ],
  },
  {
    region: 'DE',
    e164: '+493012345678',
    forms: [
      '+493012345678',
      '030 12345678',
      '030/123 456 78',
      '0049 30 12345678',
      'tel:+49-30-12345678;ext=3',
    ],
  },
  {
    region: 'BR',
    e164: '+5511987654321',
    forms: ['+5511987654321', '(11) 98765-4321', '11 98765 4321', '0055 11 98765 4321'],
  },
  {
    region: 'CA',
    e164: '+14165550199',
    forms: ['+14165550199', '(416) 555-0199', '416.555.0199', 'tel:+1-416-555-0199'],
  },
];

void test('every common format of a number, in several regions, gives the one E.164 key the index uses', () => {
  for (const { region, e164, forms } of samples)
    for (const f of forms) {
      const r = normalizePhone(f, region);
      assert.ok(r.ok, `${region} ${f}`);
      assert.equal(r.e164, e164, `${region} ${f}`);
      // The mirror indexes a stored value under the same key.
      const row = rowFromRecord(
        { Id: '003000000000001AAA', Phone: f },
        { ...defaultMirrorOptions, defaultRegion: region },
      );
      assert.deepEqual(row?.phones, [{ key: e164, field: 'Phone' }], `${region} ${f}`);
    }
});

void test('US numbers in any punctuation normalise to the same key (property)', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 2, max: 9 }),
      fc.stringMatching(/^[0-9]{2}$/),
      fc.integer({ min: 2, max: 9 }),
      fc.stringMatching(/^[0-9]{6}$/),
      fc.constantFrom(
        '+1{a}{b}{c}',
        '({a}) {b}-{c}',
        '{a}.{b}.{c}',
        '1-{a}-{b}-{c}',
        'tel:+1{a}{b}{c}',
        '001 {a} {b} {c}',
      ),
      (a0, a12, b0, rest, tpl) => {
        const a = `${a0}${a12}`;
        const b = `${b0}${rest.slice(0, 2)}`;
        const c = rest.slice(2);
        const key = normalizePhone(`+1${a}${b}${c}`, 'US');
        fc.pre(key.ok);
        const r = normalizePhone(tpl.replace('{a}', a).replace('{b}', b).replace('{c}', c), 'US');
        return r.ok && key.ok && r.e164 === key.e164;
      },
    ),
  );
});

void test('junk never throws, in the normaliser or in the mirror', () => {
  fc.assert(
    fc.property(fc.anything(), (v) => {
      normalizePhone(v, 'US');
      rowFromRecord(
        { Id: 'x', Phone: v, MobilePhone: v, SystemModstamp: v, Account: v },
        defaultMirrorOptions,
      );
      return true;
    }),
  );
});

void test('LRU + TTL cache: bounded size, least recently used evicted, entries expire', () => {
  let now = 0;
  const c = new LruTtlCache<number>({ maxEntries: 2, now: () => now });
  c.set('a', 1, 1000);
  c.set('b', 2, 1000);
  assert.equal(c.get('a'), 1); // a is now most recent
  c.set('c', 3, 1000); // evicts b
  assert.equal(c.size, 2);
  assert.equal(c.get('b'), undefined);
  assert.equal(c.get('a'), 1);
  now = 1000;
  assert.equal(c.get('a'), undefined);
  const none = new LruTtlCache<number>({ maxEntries: 0 });
  none.set('a', 1, 1000);
  assert.equal(none.size, 0);
});

void test('output contract: first match is the pop target, matches capped, matchCount counts all', () => {
  const mk = (i: number) => ({
    id: `003${i}`,
    firstName: i === 0 ? null : `F${i}`,
    lastName: `L${i}`,
    email: null,
    accountId: null,
    accountName: null,
    tier: null,
    modstamp: 0,
  });
  const out = foundOutput([mk(0), mk(1), mk(2)], 7, 2);
  assert.equal(out.success, true);
  assert.equal(out.contactId, '0030');
  assert.equal(out.firstName, '');
  assert.equal(out.matchCount, 7);
  assert.deepEqual(
    out.matches.map((m) => m.name),
    ['L0', 'F1 L1'],
  );
  assert.equal('reason' in out, false);
  assert.deepEqual(failedOutput('timeout'), {
    ...failedOutput('timeout'),
    success: false,
    reason: 'timeout',
    matches: [],
  });
});

void test('data action credentials: header token or Basic; anything else refused', () => {
  const auth = {
    header: 'x-patchbay-token',
    token: 's3cret',
    basic: { user: 'genesys', password: 'pw:with:colons' },
  };
  const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;
  const dataActionAuthorized = (headers: Record<string, string>, a: Parameters<typeof dataActionGuard>[0]) =>
    dataActionGuard(a)(headers);
  assert.equal(dataActionAuthorized({ 'x-patchbay-token': 's3cret' }, auth), true);
  assert.equal(dataActionAuthorized({ authorization: basic('genesys', 'pw:with:colons') }, auth), true);
  assert.equal(dataActionAuthorized({ 'x-patchbay-token': 's3cre' }, auth), false);
  assert.equal(dataActionAuthorized({ authorization: basic('genesys', 'pw') }, auth), false);
  assert.equal(dataActionAuthorized({ authorization: 'Basic !!!' }, auth), false);
  assert.equal(dataActionAuthorized({}, auth), false);
  assert.equal(
    dataActionAuthorized(
      { 'x-patchbay-token': '' },
      { header: 'x-patchbay-token', token: undefined, basic: undefined },
    ),
    false,
  );
});

void test('Genesys artefacts: both data actions point at the hub with the credential header; the flow sets the attributes', () => {
  const defs = dataActionDefinitions({
    publicUrl: 'https://hub.example.com/',
    authHeader: 'X-Patchbay-Token',
  });
  const contact = defs['contact-lookup.data-action.json'] as {
    config: { request: { requestUrlTemplate: string; headers: Record<string, string> } };
  };
  assert.equal(
    contact.config.request.requestUrlTemplate,
    'https://hub.example.com/v1/data-actions/contact-lookup',
  );
  assert.equal(contact.config.request.headers['X-Patchbay-Token'], '${credentials.token}');
  const account = defs['account-lookup.data-action.json'] as {
    config: { request: { requestUrlTemplate: string } };
  };
  assert.match(account.config.request.requestUrlTemplate, /\/v1\/data-actions\/account-lookup$/);
  const yaml = inboundFlowYaml();
  for (const attr of ['contact_id', 'contact_name', 'account_id', 'account_name', 'customer_tier'])
    assert.ok(yaml.includes(`lit: ${attr}`), attr);
  assert.match(yaml, /timeout:\n\s+actions:/);
  assert.match(yaml, /Account number/);
});
