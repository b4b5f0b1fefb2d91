import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { it } from 'node:test';
import { signGenesysWebhook, signStandardWebhook } from './delivery-payloads.ts';
import { attributesFromOutput, DEFAULT_FLOW, jsonPath, parseFlowConfig } from './flow-config.ts';

void it('signs the seed webhook as base64 HMAC-SHA256 of "<timestamp>.<body>"', () => {
  const body = '{"conversationId":"c"}';
  assert.equal(
    signGenesysWebhook('s3cret', '1773482400', body),
    createHmac('sha256', 's3cret').update(`1773482400.${body}`).digest('base64'),
  );
});

void it('signs Standard Webhooks with the base64-decoded whsec_ key', () => {
  // Test vector from the Standard Webhooks specification.
  const sig = signStandardWebhook(
    'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    'msg_p5jXN8AQM9LWM0D4loKWxJek',
    '1614265330',
    '{"test": 2432232314}',
  );
  assert.equal(sig, 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
});

void it('maps the data action output to attributes only on the success path', () => {
  const out = {
    success: true,
    contactId: '003',
    firstName: 'Ada',
    lastName: 'L',
    accountId: '001',
    tier: 'Gold',
    nested: { list: [{ x: 'y' }] },
  };
  assert.deepEqual(attributesFromOutput(DEFAULT_FLOW, 'success', out), {
    screenpop_path: 'success',
    contact_id: '003',
    contact_name: 'Ada L',
    account_id: '001',
    customer_tier: 'Gold',
  });
  assert.deepEqual(attributesFromOutput(DEFAULT_FLOW, 'timeout', out), { screenpop_path: 'timeout' });
  assert.equal(jsonPath(out, '$.nested.list[0].x'), 'y');
  const cfg = parseFlowConfig({
    enabled: true,
    url: 'http://127.0.0.1:9/x',
    translationMap: { crm_id: '$.contactId' },
    pathAttribute: 'lookup',
  });
  assert.ok(cfg.ok);
  assert.deepEqual(attributesFromOutput(cfg.value, 'success', out), { lookup: 'success', crm_id: '003' });
  assert.equal(parseFlowConfig({ enabled: true }).ok, false, 'an enabled flow needs a url');
});
