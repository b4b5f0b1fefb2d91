import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fixturePeople } from '../../../test/fixtures/pii.ts';
import { normalizePhone, toE164 } from './phone.ts';

const [us, gb] = fixturePeople;

describe('phone normalisation', () => {
  it('computes e164 and countryCode from national and international formats', () => {
    assert.deepEqual(normalizePhone({ display: us.phoneNational }, 'US'), {
      display: us.phoneNational,
      e164: us.phone,
      countryCode: 'US',
    });
    assert.equal(
      normalizePhone({ display: gb.phoneNational, normalizationCountryCode: 'GB' }, 'US').e164,
      gb.phone,
    );
    assert.equal(normalizePhone({ display: '0044 20 7946 0321' }, 'US').e164, gb.phone);
    assert.equal(normalizePhone({ userInput: '+1 415-555-0142' }, 'DE').e164, '+14155550142');
  });

  it('recomputes a stale e164 and leaves an unparseable number without one', () => {
    assert.equal(normalizePhone({ display: us.phoneNational, e164: '+10000000000' }, 'US').e164, us.phone);
    assert.deepEqual(normalizePhone({ display: 'call me' }, 'US'), { display: 'call me' });
    assert.deepEqual(normalizePhone({ e164: us.phone }, 'US'), {
      display: us.phone,
      e164: us.phone,
      countryCode: 'US',
    });
  });

  it('keeps an extension', () => {
    assert.equal(normalizePhone({ display: `${us.phoneNational} ext. 12` }, 'US').extension, 12);
  });

  it('toE164 answers undefined for non-numbers', () => {
    assert.equal(toE164('hello', 'US'), undefined);
    assert.equal(toE164('12', 'US'), undefined);
    assert.equal(toE164(us.phoneNational, 'US'), us.phone);
  });
});
