/**
 * Secrets at rest: AES-256-GCM with a random 96-bit IV per value, the key's ID stored with every
 * ciphertext so keys can rotate. Encryption uses the current key; decryption finds the key by ID
 * among the current and the old ones (`PATCHBAY_ENCRYPTION_KEY`, `PATCHBAY_ENCRYPTION_OLD_KEYS`).
 *
 * Wire form: `pbenc:v1:<keyId>:<iv>:<tag>:<ciphertext>` (base64url parts). `aad` binds a value to
 * its place (e.g. `credentials:cic:password`), so a ciphertext copied to another row fails.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const PREFIX = 'pbenc:v1:';

export class CryptoError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CryptoError';
  }
}

export interface Keyring {
  /** ID of the key new values are encrypted with. */
  readonly currentKeyId: string;
  encrypt(plaintext: string, aad?: string): string;
  decrypt(ciphertext: string, aad?: string): string;
  /** The key ID a ciphertext was made with (to find values to re-encrypt after a rotation). */
  keyIdOf(ciphertext: string): string;
  /** Decrypts with whichever key made it and encrypts with the current one. */
  reencrypt(ciphertext: string, aad?: string): string;
}

/** A short, stable, non-secret ID of a key: the first 8 bytes of SHA-256 over it, hex. */
export function keyId(key: Buffer): string {
  return createHash('sha256').update('patchbay-key-id:').update(key).digest('hex').slice(0, 16);
}

/** Parses a base64 key of exactly 32 bytes. */
export function parseKey(base64: string, name = 'key'): Buffer {
  const key = Buffer.from(base64.trim(), 'base64');
  if (key.length !== 32)
    throw new CryptoError(`${name} must be base64 of 32 bytes (got ${key.length} bytes)`);
  return key;
}

export function createKeyring(current: Buffer, old: readonly Buffer[] = []): Keyring {
  if (current.length !== 32) throw new CryptoError('the encryption key must be 32 bytes');
  const keys = new Map<string, Buffer>();
  for (const k of old) keys.set(keyId(k), k);
  const currentKeyId = keyId(current);
  keys.set(currentKeyId, current);

  const parse = (value: string) => {
    if (!value.startsWith(PREFIX)) throw new CryptoError('not a Patchbay ciphertext');
    const parts = value.slice(PREFIX.length).split(':');
    if (parts.length !== 4) throw new CryptoError('malformed ciphertext');
    const [kid, iv, tag, ct] = parts as [string, string, string, string];
    return {
      kid,
      iv: Buffer.from(iv, 'base64url'),
      tag: Buffer.from(tag, 'base64url'),
      ct: Buffer.from(ct, 'base64url'),
    };
  };

  const ring: Keyring = {
    currentKeyId,
    encrypt(plaintext, aad = '') {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', current, iv);
      cipher.setAAD(Buffer.from(aad, 'utf8'));
      const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      const tag = cipher.getAuthTag();
      return `${PREFIX}${currentKeyId}:${iv.toString('base64url')}:${tag.toString('base64url')}:${ct.toString('base64url')}`;
    },
    decrypt(value, aad = '') {
      const { kid, iv, tag, ct } = parse(value);
      const key = keys.get(kid);
      if (!key)
        throw new CryptoError(`no key with ID ${kid} is configured (add it to PATCHBAY_ENCRYPTION_OLD_KEYS)`);
      try {
        const d = createDecipheriv('aes-256-gcm', key, iv);
        d.setAAD(Buffer.from(aad, 'utf8'));
        d.setAuthTag(tag);
        return Buffer.concat([d.update(ct), d.final()]).toString('utf8');
      } catch {
        throw new CryptoError('ciphertext failed authentication (wrong key, context or tampered data)');
      }
    },
    keyIdOf: (value) => parse(value).kid,
    reencrypt: (value, aad) => ring.encrypt(ring.decrypt(value, aad), aad),
  };
  return ring;
}

/** The keyring from settings: current key (required) and comma-separated old keys. */
export function keyringFromSettings(current: string | Buffer | undefined, old?: string): Keyring {
  if (current === undefined)
    throw new CryptoError('PATCHBAY_ENCRYPTION_KEY is not set: stored credentials cannot be encrypted');
  const cur = typeof current === 'string' ? parseKey(current, 'PATCHBAY_ENCRYPTION_KEY') : current;
  const olds = (old ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s, i) => parseKey(s, `PATCHBAY_ENCRYPTION_OLD_KEYS[${i}]`));
  return createKeyring(cur, olds);
}
