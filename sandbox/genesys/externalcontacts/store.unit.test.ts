import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ExternalContactStore } from './store.ts';
import { validateContact } from './validate.ts';

describe('ExternalContactStore', () => {
  it('keeps 100k contacts with constant-time lookups by E.164, e-mail and identifier', () => {
    const store = new ExternalContactStore();
    for (let i = 0; i < 100_000; i++) {
      const v = validateContact(
        {
          lastName: `L${i}`,
          workEmail: `c${i}@example.com`,
          cellPhone: { display: `+1 202 555 ${String(i % 10_000).padStart(4, '0')}` },
        },
        'US',
        () => false,
      );
      assert.ok(v.ok);
      store.create(v.contact, 0, `id-${i}`);
    }
    assert.equal(store.contacts.size, 100_000);
    assert.deepEqual(
      store.findByEmail('C99999@example.com').map((c) => c.id),
      ['id-99999'],
    );
    assert.equal(store.findByE164('+12025550042').length, 10, 'a shared number finds every holder');
    assert.deepEqual(
      store.search('l77777').map((c) => c.id),
      ['id-77777'],
    );
    store.claim('id-5', { type: 'Cookie', value: 'abc' }, 0);
    assert.equal(store.findByIdentifier('Cookie', 'abc')?.id, 'id-5');
    const v = validateContact({ lastName: 'changed', workEmail: 'new@example.com' }, 'US', () => false);
    assert.ok(v.ok);
    store.replace('id-99999', v.contact, 1);
    assert.deepEqual(store.findByEmail('c99999@example.com'), [], 'the old e-mail is unindexed');
    assert.equal(store.findByEmail('new@example.com')[0]?.id, 'id-99999');
    assert.equal(store.findByIdentifier('Cookie', 'abc')?.id, 'id-5');
    assert.ok(store.delete('id-5'));
    assert.equal(store.findByIdentifier('Cookie', 'abc'), undefined);
  });

  it('validates contacts as the platform documents', () => {
    const ok = validateContact(
      { firstName: 'A', externalIds: [{ externalSource: { id: 's' }, value: 'v' }], unknownField: 1 },
      'US',
      (id) => id === 's',
    );
    assert.deepEqual(ok, {
      ok: true,
      contact: { firstName: 'A', externalIds: [{ externalSource: { id: 's' }, value: 'v' }] },
    });
    const eleven = Array.from({ length: 11 }, (_, i) => ({ externalSource: { id: 's' }, value: String(i) }));
    assert.equal(validateContact({ externalIds: eleven }, 'US', () => true).ok, false);
    assert.equal(validateContact({ firstName: 'x'.repeat(1001) }, 'US', () => true).ok, false);
    assert.equal(validateContact({ workEmail: `${'x'.repeat(251)}@b.com` }, 'US', () => true).ok, false);
  });
});
