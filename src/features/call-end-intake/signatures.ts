/**
 * Webhook authentication, pure: no clock, no store. Three schemes, each over the raw body bytes
 * (never a re-serialised parse), each with several active secrets for rotation, every comparison
 * constant-time (`timingSafeEqual` over equal-length digests).
 *
 * - `seed`: seed 000's scheme — base64 HMAC-SHA256(secret, `<timestamp>.<raw body>`) in
 *   `x-genesys-webhook-signature`, unix seconds in `x-genesys-webhook-timestamp`.
 * - `standard-webhooks`: `webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<b64> v1,<b64>`,
 *   HMAC-SHA256(base64-decoded `whsec_…` key, `<id>.<timestamp>.<raw body>`).
 * - `token`: a static header value (what a Genesys data action credential can send); no timestamp,
 *   so no tolerance and no replay identity — duplicates are absorbed by the event's dedupe key.
 *
 * The result names a `messageId` for replay protection (the caller stores it): the Standard
 * Webhooks `webhook-id`, or for the seed scheme a digest of timestamp and signature (a verbatim
 * replay repeats both), each after the signed timestamp. A replay repeats the timestamp too (it is
 * signed), so nothing is lost by the prefix, and it makes the IDs time-ordered: the store's index of
 * them grows at its end instead of touching a random page per request (ADR 0002). A redelivery the
 * sender signed afresh (Standard Webhooks retries keep `webhook-id` and take a new timestamp) is
 * therefore not a replay; the event's dedupe key makes it a duplicate (202, nothing stored twice).
 */
import { createHash, createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';

export type SignatureScheme = 'seed' | 'standard-webhooks' | 'token';

export interface VerifierConfig {
  scheme: SignatureScheme;
  /** Active secrets (rotation: old and new both valid). Standard Webhooks: `whsec_<base64>` or raw base64. */
  secrets: readonly string[];
  /** Header holding the static token (scheme `token`), lower case. */
  tokenHeader: string;
  /** Allowed clock skew both ways, seconds (default 300). */
  toleranceSeconds: number;
}

export type Headers = Record<string, string | string[] | undefined>;

export type VerifyFailure =
  | 'no_secret_configured'
  | 'missing_headers'
  | 'bad_timestamp'
  | 'timestamp_too_old'
  | 'timestamp_in_future'
  | 'signature_mismatch';

export type VerifyResult = { ok: true; messageId: string | undefined } | { ok: false; reason: VerifyFailure };

const header = (h: Headers, name: string): string | undefined => {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
};

/** Constant time whatever the lengths: both sides are compared as digests, so not even a secret's length shows. */
export function safeEqual(a: string | Buffer, b: string | Buffer): boolean {
  const da = createHash('sha256').update(a).digest();
  const db = createHash('sha256').update(b).digest();
  return timingSafeEqual(da, db);
}

/**
 * Constant time for a computed signature against a given one. An HMAC-SHA256's length is public
 * (44 base64 characters), so a given value of another length is refused at once: no digests needed.
 */
function signatureEquals(expected: string, given: string): boolean {
  const e = Buffer.from(expected);
  const g = Buffer.from(given);
  return e.length === g.length && timingSafeEqual(e, g);
}

export function hmacBase64(key: string | KeyObject, ...parts: Array<string | Buffer>): string {
  const h = createHmac('sha256', key);
  for (const p of parts) h.update(p);
  return h.digest('base64');
}

// Decoded once per secret: an HMAC keyed with a Buffer costs ~14 µs (Node copies and imports the
// key on every call), with a KeyObject ~2 µs (measured). Secrets are few; a reload adds its own.
const standardWebhooksKeys = new Map<string, KeyObject>();

/** The key of a Standard Webhooks secret (`whsec_` prefix optional). */
export function standardWebhooksKey(secret: string): KeyObject {
  let key = standardWebhooksKeys.get(secret);
  if (key === undefined) {
    if (standardWebhooksKeys.size >= 64) standardWebhooksKeys.clear();
    key = createSecretKey(Buffer.from(secret.startsWith('whsec_') ? secret.slice(6) : secret, 'base64'));
    standardWebhooksKeys.set(secret, key);
  }
  return key;
}

/** `<signed timestamp, 12 digits>:<id>`: sorts by the time the sender signed it (see the header). */
function replayIdentity(signedAt: number, id: string): string {
  return `${String(signedAt).padStart(12, '0')}:${id}`;
}

function checkTimestamp(
  raw: string | undefined,
  nowMs: number,
  toleranceSeconds: number,
): VerifyFailure | number {
  if (raw === undefined) return 'missing_headers';
  if (!/^\d{1,12}$/.test(raw.trim())) return 'bad_timestamp';
  const ts = Number(raw.trim());
  const now = Math.floor(nowMs / 1000);
  if (now - ts > toleranceSeconds) return 'timestamp_too_old';
  if (ts - now > toleranceSeconds) return 'timestamp_in_future';
  return ts;
}

/** Verifies one request; `body` is the raw bytes as received. */
export function verifySignature(
  cfg: VerifierConfig,
  headers: Headers,
  body: Buffer,
  nowMs: number,
): VerifyResult {
  if (cfg.secrets.length === 0) return { ok: false, reason: 'no_secret_configured' };
  switch (cfg.scheme) {
    case 'seed': {
      const sig = header(headers, 'x-genesys-webhook-signature');
      const tsRaw = header(headers, 'x-genesys-webhook-timestamp');
      if (sig === undefined || tsRaw === undefined) return { ok: false, reason: 'missing_headers' };
      const ts = checkTimestamp(tsRaw, nowMs, cfg.toleranceSeconds);
      if (typeof ts !== 'number') return { ok: false, reason: ts };
      const given = sig.trim();
      // Every secret is tried (no early exit), so timing does not tell which one matched.
      let match = false;
      for (const secret of cfg.secrets)
        match = signatureEquals(hmacBase64(secret, `${tsRaw.trim()}.`, body), given) || match;
      if (!match) return { ok: false, reason: 'signature_mismatch' };
      return {
        ok: true,
        messageId: replayIdentity(
          ts,
          `seed:${createHash('sha256').update(`${tsRaw.trim()}.${given}`).digest('hex')}`,
        ),
      };
    }
    case 'standard-webhooks': {
      const id = header(headers, 'webhook-id');
      const tsRaw = header(headers, 'webhook-timestamp');
      const sigs = header(headers, 'webhook-signature');
      if (id === undefined || tsRaw === undefined || sigs === undefined || id === '')
        return { ok: false, reason: 'missing_headers' };
      const ts = checkTimestamp(tsRaw, nowMs, cfg.toleranceSeconds);
      if (typeof ts !== 'number') return { ok: false, reason: ts };
      const given = sigs
        .split(' ')
        .filter((s) => s.startsWith('v1,'))
        .map((s) => s.slice(3));
      let match = false;
      for (const secret of cfg.secrets) {
        const expected = hmacBase64(standardWebhooksKey(secret), `${id}.${tsRaw.trim()}.`, body);
        for (const g of given) match = signatureEquals(expected, g) || match;
      }
      if (!match) return { ok: false, reason: 'signature_mismatch' };
      return { ok: true, messageId: replayIdentity(ts, `swh:${id}`) };
    }
    case 'token': {
      const given = header(headers, cfg.tokenHeader);
      if (given === undefined) return { ok: false, reason: 'missing_headers' };
      let match = false;
      for (const secret of cfg.secrets) match = safeEqual(secret, given) || match;
      return match ? { ok: true, messageId: undefined } : { ok: false, reason: 'signature_mismatch' };
    }
    default: {
      const never: never = cfg.scheme;
      throw new Error(`unknown signature scheme ${String(never)}`);
    }
  }
}

/** Headers for a signed request, for tests, the bench and the CLI. */
export function signRequest(
  scheme: SignatureScheme,
  secret: string,
  body: string | Buffer,
  opts: { timestampSeconds: number; messageId?: string; tokenHeader?: string },
): Record<string, string> {
  const ts = String(opts.timestampSeconds);
  switch (scheme) {
    case 'seed':
      return {
        'x-genesys-webhook-timestamp': ts,
        'x-genesys-webhook-signature': hmacBase64(secret, `${ts}.`, body),
      };
    case 'standard-webhooks': {
      const id =
        opts.messageId ?? `msg_${createHash('sha256').update(body).update(ts).digest('hex').slice(0, 24)}`;
      return {
        'webhook-id': id,
        'webhook-timestamp': ts,
        'webhook-signature': `v1,${hmacBase64(standardWebhooksKey(secret), `${id}.${ts}.`, body)}`,
      };
    }
    case 'token':
      return { [opts.tokenHeader ?? 'x-webhook-token']: secret };
    default: {
      const never: never = scheme;
      throw new Error(`unknown signature scheme ${String(never)}`);
    }
  }
}
