import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyChanges, parseChanges, type PatchChange } from './patch.ts';

const contact = {
  firstName: 'Ada',
  title: '',
  workPhone: { display: '1' },
  externalIds: [{ externalSource: { id: 's' }, value: 'a' }],
};
const apply = (changes: PatchChange[]) => applyChanges(contact, changes);

describe('PATCH changes', () => {
  it('applies Update, UpdateIfEmpty, UpdateIfExists and Remove', () => {
    const r = apply([
      { field: '$.firstName', action: 'UpdateIfEmpty', value: 'no' },
      { field: '$.title', action: 'UpdateIfEmpty', value: 'Dr' },
      { field: '$.lastName', action: 'UpdateIfExists', value: 'no' },
      { field: '$.middleName', action: 'Update', value: 'M' },
      { field: '$.workPhone', action: 'Remove' },
    ]);
    assert.deepEqual(r, {
      ok: true,
      contact: { firstName: 'Ada', title: 'Dr', middleName: 'M', externalIds: contact.externalIds },
    });
  });

  it('appends to and removes from collections by partial match', () => {
    const added = apply([
      {
        field: '$.externalIds',
        action: 'AppendToCollection',
        value: [
          { externalSource: { id: 's' }, value: 'b' },
          { externalSource: { id: 's' }, value: 'a' },
        ],
      },
    ]);
    assert.ok(added.ok);
    assert.deepEqual(
      (added.contact.externalIds as { value: string }[]).map((x) => x.value),
      ['a', 'b'],
      'no duplicates',
    );
    const removed = applyChanges(added.contact, [
      { field: '$.externalIds', action: 'RemoveFromCollection', value: { value: 'a' } },
    ]);
    assert.ok(removed.ok);
    assert.deepEqual(
      (removed.contact.externalIds as { value: string }[]).map((x) => x.value),
      ['b'],
    );
  });

  it('sets nested fields, creating parents', () => {
    const r = apply([{ field: '$.address.city', action: 'Update', value: 'Oslo' }]);
    assert.ok(r.ok);
    assert.deepEqual(r.contact.address, { city: 'Oslo' });
  });

  it('answers 409 for a field and its parent in one request, 400 for a collection action on a scalar', () => {
    assert.deepEqual(
      apply([
        { field: '$.workPhone', action: 'Remove' },
        { field: '$.workPhone.display', action: 'Update', value: '2' },
      ]),
      {
        ok: false,
        status: 409,
        message: 'Conflicting changes: $.workPhone.display and its parent $.workPhone',
      },
    );
    assert.equal(apply([{ field: '$.firstName', action: 'AppendToCollection', value: 'x' }]).ok, false);
  });

  it('parses and rejects malformed bodies', () => {
    assert.equal(
      parseChanges({ changes: [{ field: '$.firstName', action: 'Update', value: 'x' }] }).ok,
      true,
    );
    for (const bad of [
      null,
      {},
      { changes: [] },
      { changes: [{ field: 'firstName', action: 'Update', value: 1 }] },
      { changes: [{ field: '$.x', action: 'Zap', value: 1 }] },
      { changes: [{ field: '$.x', action: 'Update' }] },
      { changes: [{ field: '$.createDate', action: 'Update', value: 1 }] },
    ])
      assert.equal(parseChanges(bad).ok, false, JSON.stringify(bad));
  });
});
