/**
 * How `patchbay demo` wires the sandbox to the hub, as a real deployment would be wired: the hub's
 * settings point at the emulators, and the Genesys emulator's inbound flow and conversation-end
 * deliveries point at the hub, with freshly generated shared secrets.
 */
import { randomBytes } from 'node:crypto';
import type { Sandbox } from '../../sandbox/index.ts';

export interface DemoSecrets {
  screenPopToken: string;
  callEndSecret: string;
  supportResultToken: string;
}

export function demoSecrets(): DemoSecrets {
  const secret = () => randomBytes(24).toString('base64url');
  return { screenPopToken: secret(), callEndSecret: secret(), supportResultToken: secret() };
}

/** The hub's settings for a sandbox (the caller's environment may still override the non-vendor ones). */
export function demoSettings(sb: Sandbox, s: DemoSecrets): Record<string, string> {
  return {
    SALESFORCE_LOGIN_URL: sb.salesforce.url,
    SALESFORCE_CLIENT_ID: sb.salesforce.clientId,
    SALESFORCE_CLIENT_SECRET: sb.salesforce.clientSecret,
    GENESYS_API_URL: sb.genesys.url,
    GENESYS_CLIENT_ID: sb.genesys.clientId,
    GENESYS_CLIENT_SECRET: sb.genesys.clientSecret,
    BACKOFFICE_URL: sb.backoffice.url,
    SMTP_URL: `smtp://${sb.smtp.smtpHost}:${sb.smtp.smtpPort}`,
    SCREEN_POP_TOKEN: s.screenPopToken,
    CALL_END_SIGNATURE: 'seed',
    CALL_END_SECRETS: s.callEndSecret,
    SUPPORT_RESULT_SIGNATURE: 'token',
    SUPPORT_RESULT_SECRETS: s.supportResultToken,
  };
}

/** Points the Genesys emulator's data action flow and conversation-end deliveries at the hub. */
export async function wireGenesysToHub(
  sb: Sandbox,
  hubUrl: string,
  s: DemoSecrets,
  tokenHeaders: { screenPop: string; webhook: string },
): Promise<void> {
  const put = async (path: string, body: unknown) => {
    const res = await fetch(`${sb.genesys.url}/__sandbox/conversations/${path}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!res.ok)
      throw new Error(`configuring the Genesys emulator (${path}) failed: ${res.status} ${await res.text()}`);
  };
  await put('config/flow', {
    enabled: true,
    url: `${hubUrl}/v1/data-actions/contact-lookup`,
    auth: { type: 'header', name: tokenHeaders.screenPop, value: s.screenPopToken },
    timeoutSeconds: 5,
  });
  await put('config/deliveries', {
    targets: [
      {
        id: 'call-ended',
        kind: 'genesys-webhook',
        url: `${hubUrl}/webhook/call-ended`,
        secret: s.callEndSecret,
      },
      {
        id: 'support-result',
        kind: 'support-result',
        url: `${hubUrl}/customers/supportResult`,
        headers: { [tokenHeaders.webhook]: s.supportResultToken },
      },
    ],
  });
}
