import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';
import { signRequest, verifySignature, type SignatureScheme, type VerifierConfig } from './signatures.ts';

const NOW = Date.parse('2026-03-14T10:10:31Z');
const ts = Math.floor(NOW / 1000);
const body = Buffer.from('{"conversationId":"c-1","durationSeconds":630}');
const SEED_SECRET = 'seed-secret-1';
const SWH_SECRET = `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`;
const TOKEN = 'static-token-1';

const cfg = (scheme: SignatureScheme, secrets: string[]): VerifierConfig => ({
  scheme,
  secrets,
  tokenHeader: 'x-webhook-token',
  toleranceSeconds: 300,
});

void test('seed scheme: matches the seed snippet (base64 HMAC-SHA256 of "<ts>.<raw body>")', () => {
  const expected = createHmac('sha256', SEED_SECRET).update(`${ts}.${body.toString()}`).digest('base64');
  const h = signRequest('seed', SEED_SECRET, body, { timestampSeconds: ts });
  assert.equal(h['x-genesys-webhook-signature'], expected);
  const r = verifySignature(cfg('seed', [SEED_SECRET]), h, body, NOW);
  assert.equal(r.ok, true);
});

void test('Standard Webhooks: the spec test vector verifies', () => {
  // From the standard-webhooks spec / reference libraries.
  const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
  const id = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
  const t = 1614265330;
  const payload = Buffer.from('{"test": 2432232314}');
  const headers = {
    'webhook-id': id,
    'webhook-timestamp': String(t),
    'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
  };
  assert.deepEqual(verifySignature(cfg('standard-webhooks', [secret]), headers, payload, t * 1000), {
    ok: true,
    messageId: `00${t}:swh:${id}`,
  });
});

for (const scheme of ['seed', 'standard-webhooks', 'token'] as const) {
  const secret = scheme === 'seed' ? SEED_SECRET : scheme === 'standard-webhooks' ? SWH_SECRET : TOKEN;
  const other =
    scheme === 'standard-webhooks'
      ? `whsec_${Buffer.from('another key of 16+ bytes').toString('base64')}`
      : 'wrong';
  const sign = (t = ts, b: Buffer | string = body, s = secret) =>
    signRequest(scheme, s, b, { timestampSeconds: t, messageId: 'msg_1' });

  void test(`${scheme}: valid accepted; wrong secret, forged and altered body refused`, () => {
    assert.equal(verifySignature(cfg(scheme, [secret]), sign(), body, NOW).ok, true);
    assert.deepEqual(verifySignature(cfg(scheme, [secret]), sign(ts, body, other), body, NOW), {
      ok: false,
      reason: 'signature_mismatch',
    });
    if (scheme !== 'token') {
      const altered = Buffer.from(body);
      altered[altered.length - 3] = altered[altered.length - 3]! ^ 1; // one byte
      assert.deepEqual(verifySignature(cfg(scheme, [secret]), sign(), altered, NOW), {
        ok: false,
        reason: 'signature_mismatch',
      });
      const forged = { ...sign() };
      for (const k of Object.keys(forged))
        if (k.endsWith('signature'))
          forged[k] = forged[k]!.replace(/[A-Za-z]/, (c) => (c === 'A' ? 'B' : 'A'));
      assert.deepEqual(verifySignature(cfg(scheme, [secret]), forged, body, NOW), {
        ok: false,
        reason: 'signature_mismatch',
      });
    }
    assert.deepEqual(verifySignature(cfg(scheme, [secret]), {}, body, NOW), {
      ok: false,
      reason: 'missing_headers',
    });
    assert.deepEqual(verifySignature(cfg(scheme, []), sign(), body, NOW), {
      ok: false,
      reason: 'no_secret_configured',
    });
  });

  void test(`${scheme}: rotation — either of two active secrets verifies`, () => {
    const both = cfg(scheme, [other, secret]);
    assert.equal(verifySignature(both, sign(ts, body, secret), body, NOW).ok, true);
    assert.equal(verifySignature(both, sign(ts, body, other), body, NOW).ok, true);
    assert.equal(verifySignature(cfg(scheme, [other]), sign(ts, body, secret), body, NOW).ok, false);
  });

  if (scheme !== 'token') {
    void test(`${scheme}: ±300 s tolerance; 301 s stale or in the future refused`, () => {
      const c = cfg(scheme, [secret]);
      assert.equal(verifySignature(c, sign(ts - 300), body, NOW).ok, true);
      assert.equal(verifySignature(c, sign(ts + 300), body, NOW).ok, true);
      assert.deepEqual(verifySignature(c, sign(ts - 301), body, NOW), {
        ok: false,
        reason: 'timestamp_too_old',
      });
      assert.deepEqual(verifySignature(c, sign(ts + 301), body, NOW), {
        ok: false,
        reason: 'timestamp_in_future',
      });
      const bad = { ...sign() };
      for (const k of Object.keys(bad)) if (k.endsWith('timestamp')) bad[k] = 'yesterday';
      assert.deepEqual(verifySignature(c, bad, body, NOW), { ok: false, reason: 'bad_timestamp' });
    });

    void test(`${scheme}: a verbatim replay carries the same message ID (the intake refuses it)`, () => {
      const c = cfg(scheme, [secret]);
      const h = sign();
      const a = verifySignature(c, h, body, NOW);
      const b = verifySignature(c, h, body, NOW + 1000);
      assert.ok(a.ok && b.ok && a.messageId !== undefined);
      assert.equal(a.messageId, b.messageId);
    });
  }
}

void test('a signature of the wrong length (truncated, padded, empty) is refused, not thrown on', () => {
  for (const scheme of ['seed', 'standard-webhooks'] as const) {
    const secret = scheme === 'seed' ? SEED_SECRET : SWH_SECRET;
    const name = scheme === 'seed' ? 'x-genesys-webhook-signature' : 'webhook-signature';
    const h = signRequest(scheme, secret, body, { timestampSeconds: ts, messageId: 'msg_len' });
    const good = h[name]!;
    for (const sig of [good.slice(0, -1), `${good}A`, scheme === 'seed' ? '' : 'v1,'])
      assert.deepEqual(verifySignature(cfg(scheme, [secret]), { ...h, [name]: sig }, body, NOW), {
        ok: false,
        reason: 'signature_mismatch',
      });
  }
});

void test('replay identities sort by the signed time, and a re-signed redelivery is a new identity', () => {
  const c = cfg('standard-webhooks', [SWH_SECRET]);
  const at = (seconds: number) => {
    const r = verifySignature(
      c,
      signRequest('standard-webhooks', SWH_SECRET, body, {
        timestampSeconds: seconds,
        messageId: 'msg_retry',
      }),
      body,
      NOW,
    );
    assert.ok(r.ok && r.messageId !== undefined);
    return r.messageId;
  };
  // Later signatures sort after earlier ones (string order), across a change in digit count too.
  const ids = [ts - 200, ts - 1, ts, ts + 1, ts + 250].map(at);
  assert.deepEqual([...ids].sort(), ids);
  assert.equal(new Set(ids).size, ids.length);
  assert.ok(`${String(999_999_999).padStart(12, '0')}:x` < `${String(1_000_000_000).padStart(12, '0')}:x`);
});

void test('standard-webhooks: a list of signatures (rotation on the sender side) verifies if any matches', () => {
  const h = signRequest('standard-webhooks', SWH_SECRET, body, { timestampSeconds: ts, messageId: 'msg_2' });
  h['webhook-signature'] = `v1,AAAA ${h['webhook-signature']} v2,ignored`;
  assert.equal(verifySignature(cfg('standard-webhooks', [SWH_SECRET]), h, body, NOW).ok, true);
});
