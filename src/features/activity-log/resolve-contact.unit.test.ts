/** Caller numbers are normalised as the screen-pop index keys them: in the configured region. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fixturePeople } from '../../../test/fixtures/pii.ts';
import { e164Of } from './resolve-contact.ts';

const [us, gb] = fixturePeople;

void test('a caller ID in E.164 or a tel: URI is the same number in any region', () => {
  assert.equal(e164Of(us.phone, 'GB'), us.phone);
  assert.equal(e164Of(`tel:${gb.phone}`, 'US'), gb.phone);
});

void test('a national caller ID is read in PHONE_DEFAULT_REGION', () => {
  assert.equal(e164Of(us.phoneNational, 'US'), us.phone);
  assert.equal(e164Of(gb.phoneNational, 'GB'), gb.phone);
  assert.equal(e164Of('', 'US'), undefined);
  assert.equal(e164Of(undefined, 'US'), undefined);
});
