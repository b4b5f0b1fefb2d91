/**
 * Test and bench support for the after-call features: the three emulators, the hub's env for
 * them, call-end bodies and signed requests. Secrets and people come from test/fixtures/pii.ts.
 */
import { randomUUID } from 'node:crypto';
import { startBackofficeSandbox, type BackofficeSandbox } from '../../../sandbox/backoffice/index.ts';
import { startGenesysSandbox, type GenesysSandbox } from '../../../sandbox/genesys/index.ts';
import { startSalesforceSandbox, type SalesforceSandbox } from '../../../sandbox/salesforce/index.ts';
import { fixturePeople, fixtureSecrets } from '../../../test/fixtures/pii.ts';
import { signRequest, type SignatureScheme } from './signatures.ts';
import { sandboxEnv } from '../../../test/support/hub.ts';

export const SEED_SECRET = fixtureSecrets[0];
export const SWH_SECRET = `whsec_${Buffer.from(fixtureSecrets[1]).toString('base64')}`;
export const TOKEN = fixtureSecrets[2];
export const secretFor = (scheme: SignatureScheme): string =>
  scheme === 'seed' ? SEED_SECRET : scheme === 'standard-webhooks' ? SWH_SECRET : TOKEN;

export interface Emulators {
  sf: SalesforceSandbox;
  gc: GenesysSandbox;
  bo: BackofficeSandbox;
  /** A contact created in the Salesforce emulator for fixturePeople[0]. */
  contact: { id: string; accountId: string; name: string; phone: string };
  userId: string;
  wrapupCodeId: string;
  env: Record<string, string>;
  tasks(): Array<Record<string, unknown>>;
  close(): Promise<void>;
}

export async function startEmulators(opts: { now?: () => number } = {}): Promise<Emulators> {
  const [sf, gc, bo] = await Promise.all([
    startSalesforceSandbox(opts.now ? { now: opts.now } : {}),
    startGenesysSandbox(opts.now ? { now: opts.now } : {}),
    startBackofficeSandbox(opts.now ? { now: opts.now } : {}),
  ]);
  gc.setRateLimit(100_000);
  const person = fixturePeople[0];
  const account = sf.store.insert('Account', { Name: 'Okonkwo Holdings' });
  const contact = sf.store.insert('Contact', {
    FirstName: person.firstName,
    LastName: person.lastName,
    Phone: person.phone,
    AccountId: account.Id,
  });
  const user = gc.ctx.directory.users()[0];
  const code = gc.ctx.directory.wrapupCodes()[0];
  if (!user || !code) throw new Error('the Genesys sandbox has no users or wrap-up codes');
  const taskMeta = sf.store.meta('Task');
  return {
    sf,
    gc,
    bo,
    contact: {
      id: String(contact.Id),
      accountId: String(account.Id),
      name: `${person.firstName} ${person.lastName}`,
      phone: person.phone,
    },
    userId: user.id,
    wrapupCodeId: code.id,
    env: {
      ...sandboxEnv(sf, gc),
      GENESYS_RATE_LIMIT_PER_MINUTE: '100000',
      BACKOFFICE_URL: bo.url,
      CALL_END_SECRETS: SEED_SECRET,
      SUPPORT_RESULT_SECRETS: TOKEN,
      SAVE_LOG_SECRETS: TOKEN,
    },
    tasks: () => [...sf.store.scan(taskMeta)] as Array<Record<string, unknown>>,
    async close() {
      await Promise.allSettled([sf.close(), gc.close(), bo.close()]);
    },
  };
}

/** The seed's conversation-end payload. */
export function callEndBody(
  e: Emulators | undefined,
  over: Record<string, unknown> = {},
): Record<string, unknown> {
  const id = randomUUID();
  return {
    conversationId: id,
    participantId: randomUUID(),
    conversationType: 'phone',
    callerId: e?.contact.phone ?? fixturePeople[0].phone,
    calleeId: '+18001234567',
    direction: 'INBOUND',
    startTime: '2026-03-14T10:00:00Z',
    endTime: '2026-03-14T10:10:30Z',
    durationSeconds: 630,
    recordingId: null,
    agentId: e?.userId ?? randomUUID(),
    agentName: 'Agent Smith',
    queueId: randomUUID(),
    queueName: 'Support Queue',
    interactionId: id,
    attributes: e
      ? { contact_id: e.contact.id, contact_name: e.contact.name, account_id: e.contact.accountId }
      : {},
    ...over,
  };
}

export function supportResultBody(e: Emulators, conversationId: string, over: Record<string, unknown> = {}) {
  return {
    conversationId,
    eventTime: '2026-03-14T10:12:00.000Z',
    direction: 'inbound',
    mediaType: 'voice',
    ani: e.contact.phone,
    subject: null,
    wrapupCode: e.wrapupCodeId,
    userId: e.userId,
    ...over,
  };
}

/** POSTs a JSON body signed with `scheme` (timestamp from `nowMs`). */
export async function postSigned(
  url: string,
  body: unknown,
  opts: { scheme?: SignatureScheme; secret?: string; nowMs?: number; messageId?: string; raw?: string } = {},
): Promise<{ status: number; json: Record<string, unknown> }> {
  const scheme = opts.scheme ?? 'seed';
  const raw = opts.raw ?? JSON.stringify(body);
  const headers = signRequest(scheme, opts.secret ?? secretFor(scheme), raw, {
    timestampSeconds: Math.floor((opts.nowMs ?? Date.now()) / 1000),
    ...(opts.messageId ? { messageId: opts.messageId } : {}),
  });
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: raw,
  });
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/**
 * For the bench's load process (`bench/_load.ts` `perRequest`): each call builds a new
 * conversation end for `contact`, signed with the seed scheme at the current second.
 */
export function signedCallEnds(contact: Emulators['contact']): () => {
  body: string;
  headers: Record<string, string>;
} {
  const attributes = { contact_id: contact.id, contact_name: contact.name, account_id: contact.accountId };
  return () => {
    const body = JSON.stringify(callEndBody(undefined, { callerId: contact.phone, attributes }));
    const headers = signRequest('seed', SEED_SECRET, body, {
      timestampSeconds: Math.floor(Date.now() / 1000),
    });
    return { body, headers };
  };
}

/** Polls `check` until it returns a value other than undefined (or throws after `timeoutMs`). */
export async function waitFor<T>(
  check: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 20_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
