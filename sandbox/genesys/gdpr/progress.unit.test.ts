import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { statusAt } from './progress.ts';

describe('GDPR status progression', () => {
  it('walks the stages of each request type one step at a time and stays COMPLETED', () => {
    const at = (type: 'GDPR_DELETE' | 'GDPR_EXPORT' | 'GDPR_UPDATE') =>
      [0, 999, 1000, 2000, 3000, 99_000].map((t) => statusAt(type, 0, t, 1000));
    assert.deepEqual(at('GDPR_DELETE'), [
      'INITIATED',
      'INITIATED',
      'SEARCHING',
      'DELETING',
      'COMPLETED',
      'COMPLETED',
    ]);
    assert.deepEqual(at('GDPR_EXPORT'), [
      'INITIATED',
      'INITIATED',
      'SEARCHING',
      'FINALIZING',
      'COMPLETED',
      'COMPLETED',
    ]);
    assert.deepEqual(at('GDPR_UPDATE'), [
      'INITIATED',
      'INITIATED',
      'SEARCHING',
      'UPDATING',
      'COMPLETED',
      'COMPLETED',
    ]);
    assert.equal(statusAt('GDPR_DELETE', 0, 0, 0), 'COMPLETED', 'a zero step completes at once');
  });
});
