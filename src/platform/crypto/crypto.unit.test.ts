import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { createKeyring, keyringFromSettings, CryptoError } from './index.ts';

void test('round-trip; ciphertext carries the key ID and not the plaintext; fresh IV each time', () => {
  const ring = createKeyring(randomBytes(32));
  const a = ring.encrypt('hunter2-secret', 'ctx');
  const b = ring.encrypt('hunter2-secret', 'ctx');
  assert.notEqual(a, b);
  assert.ok(!a.includes('hunter2'));
  assert.equal(ring.keyIdOf(a), ring.currentKeyId);
  assert.equal(ring.decrypt(a, 'ctx'), 'hunter2-secret');
});

void test('wrong context, tampering and unknown keys fail', () => {
  const ring = createKeyring(randomBytes(32));
  const c = ring.encrypt('x', 'credentials:cic:password');
  assert.throws(() => ring.decrypt(c, 'credentials:sf:password'), CryptoError);
  const parts = c.split(':');
  parts[5] = Buffer.from('y').toString('base64url');
  assert.throws(() => ring.decrypt(parts.join(':'), 'credentials:cic:password'), CryptoError);
  assert.throws(
    () => createKeyring(randomBytes(32)).decrypt(c, 'credentials:cic:password'),
    /no key with ID/,
  );
});

void test('rotation: old keys still decrypt; reencrypt moves a value to the current key', () => {
  const oldKey = randomBytes(32);
  const oldRing = createKeyring(oldKey);
  const c = oldRing.encrypt('secret', 'k');
  const ring = keyringFromSettings(randomBytes(32).toString('base64'), ` ${oldKey.toString('base64')} ,`);
  assert.equal(ring.decrypt(c, 'k'), 'secret');
  const moved = ring.reencrypt(c, 'k');
  assert.equal(ring.keyIdOf(moved), ring.currentKeyId);
  assert.notEqual(ring.keyIdOf(c), ring.currentKeyId);
  assert.throws(() => keyringFromSettings(undefined), /PATCHBAY_ENCRYPTION_KEY/);
  assert.throws(() => keyringFromSettings('c2hvcnQ='), /32 bytes/);
});
