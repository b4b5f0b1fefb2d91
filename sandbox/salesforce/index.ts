/**
 * The Salesforce emulator: `startSalesforceSandbox()` starts a loopback HTTP server that jsforce
 * cannot tell from a real org (OAuth, REST, Composite, SOSL, Apex REST, SOAP emptyRecycleBin,
 * CometD streaming, Lightning record pages) plus `/__sandbox/*` controls, and returns in-process handles for tests
 * and benchmarks. Imports nothing from `src/`.
 */
import { createSign, generateKeyPairSync } from 'node:crypto';
import { createEmulator } from '../kit/emulator.ts';
import { registerComposite } from './api/composite.ts';
import { registerMisc } from './api/misc.ts';
import { registerQuery } from './api/query.ts';
import { registerSobjects } from './api/sobjects.ts';
import { Auth, type ClientConfig } from './auth.ts';
import type { Ctx } from './context.ts';
import { registerControls } from './controls.ts';
import { codeForStatus } from './errors.ts';
import { EventLog } from './events.ts';
import { registerHttp } from './http.ts';
import { registerLightning } from './lightning.ts';
import { Limits, type LimitsConfig } from './limits.ts';
import { createOrg, type Org } from './org.ts';
import { Router } from './router.ts';
import type { ObjectDef } from './schema-types.ts';
import type { SeedOptions, SeedSummary } from './seed.ts';
import { registerSoap } from './soap.ts';
import type { Store } from './store.ts';
import { StreamingHub } from './streaming.ts';

export type { ClientConfig, LimitsConfig, ObjectDef, SeedOptions, SeedSummary };

export interface SalesforceSandboxOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  now?: () => number;
  /** Seed data at start (deterministic). */
  seed?: SeedOptions;
  /** Extra connected apps; a default one is always configured. */
  clients?: ClientConfig[];
  /** Extra objects or fields (merged into the standard schema by object name). */
  schema?: ObjectDef[];
  limits?: LimitsConfig;
  /** Idle session timeout (default 2 h). */
  sessionTimeoutMs?: number;
}

export interface SalesforceSandbox {
  /** Instance and login URL, e.g. `http://127.0.0.1:41234`. */
  url: string;
  port: number;
  /** The default connected app: client credentials and JWT bearer (RS256, `jwtPrivateKey`). */
  clientId: string;
  clientSecret: string;
  jwtPrivateKey: string;
  /** Username of the integration user (the default app's run-as user and a valid JWT `sub`). */
  username: string;
  orgId: string;
  org: Org;
  store: Store;
  auth: Auth;
  limits: Limits;
  seed(opts?: SeedOptions): SeedSummary;
  reset(): void;
  /** A signed JWT bearer assertion for the default app (or `clientId`), valid for 3 minutes. */
  jwtAssertion(opts?: {
    sub?: string;
    aud?: string;
    clientId?: string;
    privateKey?: string;
    expSeconds?: number;
  }): string;
  close(): Promise<void>;
}

const DEFAULT_CLIENT_ID = '3MVG9PatchbaySandboxDefaultConnectedApp';
const DEFAULT_CLIENT_SECRET = 'pb-sandbox-default-client-secret';

export async function startSalesforceSandbox(
  opts: SalesforceSandboxOptions = {},
): Promise<SalesforceSandbox> {
  const now = opts.now ?? Date.now;
  const org = createOrg({ now, ...(opts.schema ? { schema: opts.schema } : {}) });
  const auth = new Auth({
    now,
    orgId: org.orgId,
    ...(opts.sessionTimeoutMs !== undefined ? { sessionTimeoutMs: opts.sessionTimeoutMs } : {}),
  });
  const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwtPrivateKey = keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  auth.addClient({
    clientId: DEFAULT_CLIENT_ID,
    clientSecret: DEFAULT_CLIENT_SECRET,
    certificate: keys.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  });
  for (const c of opts.clients ?? []) auth.addClient(c);
  const limits = new Limits(now, opts.limits);
  const events = new EventLog(now);
  let baseUrl = '';
  const ctx: Ctx = { org, auth, limits, events, now, url: () => baseUrl, streaming: { gapNext: 0 } };

  const reset = () => {
    org.reset();
    events.clear();
    limits.setUsed(0);
    ctx.streaming.gapNext = 0;
    if (opts.seed) org.seed(opts.seed);
  };

  const emulator = createEmulator({
    name: 'salesforce',
    now,
    errorBody: (status, message) => [
      {
        message:
          status === 401
            ? 'Session expired or invalid'
            : status === 403
              ? 'TotalRequests Limit exceeded.'
              : message,
        errorCode:
          status === 400 && message === 'Invalid JSON body' ? 'JSON_PARSER_ERROR' : codeForStatus(status),
      },
    ],
    onReset: reset,
  });
  const router = new Router();
  registerMisc(router, ctx);
  registerQuery(router, ctx);
  registerSobjects(router, ctx);
  registerComposite(router, ctx);
  registerSoap(emulator.app, ctx);
  registerHttp(emulator.app, ctx, router);
  registerLightning(emulator.app, ctx);
  const hub = new StreamingHub(ctx);
  registerControls(emulator.app, ctx, hub);
  hub.attach(emulator.app.server);

  if (opts.seed) org.seed(opts.seed);
  const { url, port } = await emulator.listen(opts.port ?? 0);
  baseUrl = url;

  return {
    url,
    port,
    clientId: DEFAULT_CLIENT_ID,
    clientSecret: DEFAULT_CLIENT_SECRET,
    jwtPrivateKey,
    username: org.integrationUsername,
    orgId: org.orgId,
    org,
    store: org.store,
    auth,
    limits,
    seed: (o) => org.seed(o),
    reset,
    jwtAssertion(o = {}) {
      const header = Buffer.from(JSON.stringify({ alg: 'RS256' })).toString('base64url');
      const claims = {
        iss: o.clientId ?? DEFAULT_CLIENT_ID,
        sub: o.sub ?? org.integrationUsername,
        aud: o.aud ?? url,
        exp: Math.floor(now() / 1000) + (o.expSeconds ?? 180),
      };
      const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
      const sig = createSign('RSA-SHA256')
        .update(`${header}.${payload}`)
        .sign(o.privateKey ?? jwtPrivateKey, 'base64url');
      return `${header}.${payload}.${sig}`;
    },
    async close() {
      hub.close();
      await emulator.close();
    },
  };
}
