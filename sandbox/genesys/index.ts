/**
 * The Genesys Cloud emulator: login service and Platform API on one loopback host (the
 * official SDK reaches it with `setGateway`), notification WebSockets on the same port, and
 * the `/__sandbox/*` controls. The conversations part plugs in through `GenesysContext`.
 *
 * @example
 *   const gc = await startGenesysSandbox();
 *   const client = platformClient.ApiClient.instance;
 *   client.setGateway(gc.sdkGateway);
 *   await client.loginClientCredentialsGrant(gc.clientId, gc.clientSecret);
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { createEmulator, type Emulator } from '../kit/emulator.ts';
import type { LoggedRequest } from '../kit/request-log.ts';
import { guard } from './api-guard.ts';
import { resolveConfig, type GenesysSandboxOptions, type ResolvedConfig } from './config.ts';
import type { GenesysContext } from './context.ts';
import { registerConversations } from './conversations/index.ts';
import { registerControls } from './controls.ts';
import type { Deps } from './deps.ts';
import { registerPresence } from './directory/presence-api.ts';
import { upperPresence, ROUTING_STATUSES } from './directory/presence-definitions.ts';
import { registerRouting } from './directory/routing-api.ts';
import { DirectoryStore } from './directory/store.ts';
import { registerUsers } from './directory/users-api.ts';
import { codeForStatus, correlationId, errorBody } from './errors.ts';
import { registerExternalContacts } from './externalcontacts/api.ts';
import { ExternalContactStore } from './externalcontacts/store.ts';
import { applyGdpr, registerGdpr } from './gdpr/api.ts';
import { GdprStore } from './gdpr/store.ts';
import { registerNotifications } from './notifications/api.ts';
import { NotificationHub } from './notifications/hub.ts';
import { registerOAuth } from './oauth/api.ts';
import { TokenStore } from './oauth/tokens.ts';
import { RateWindow } from './rate-limit.ts';
import { applySeed, type SeedSpec } from './seed.ts';
import { usageByClient, type ClientUsage } from './usage.ts';

export type { GenesysSandboxOptions } from './config.ts';
export type { SeedSpec } from './seed.ts';

/** What to pass to the SDK's `ApiClient.setGateway` so login and API calls reach the sandbox. */
export interface SdkGateway {
  host: string;
  protocol: 'http';
  port: number;
  path_params_login: string;
  path_params_api: string;
}

export interface GenesysSandbox {
  /** `http://127.0.0.1:<port>` — login (`/oauth/*`) and API (`/api/v2/*`) share it. */
  url: string;
  host: string;
  port: number;
  /** `ws://127.0.0.1:<port>`; channels' `connectUri`s point here. */
  wsUrl: string;
  sdkGateway: SdkGateway;
  clientId: string;
  clientSecret: string;
  config: ResolvedConfig;
  ctx: GenesysContext;
  emulator: Emulator;
  directory: DirectoryStore;
  contacts: ExternalContactStore;
  gdpr: GdprStore;
  hub: NotificationHub;
  /** Reset data to the startup seed (OAuth clients and issued tokens survive). */
  reset(): Promise<void>;
  /** Replace users, queues, wrap-up codes, skills and external contacts with a new seed. */
  seed(spec: SeedSpec): void;
  /** Expire access tokens now (all, or one client's); returns how many were live. */
  expireTokens(clientId?: string): number;
  /** Close notification sockets (after `v2.system.socket_closing` unless `warn` is false). */
  dropSockets(opts?: { channelId?: string; warn?: boolean }): number;
  /** Run channel expiry and GDPR progress now (they also run on a timer). */
  tick(): void;
  setRateLimit(perMinute: number): void;
  addOAuthClient(c?: { clientId?: string; clientSecret?: string; name?: string; redirectUris?: string[] }): {
    clientId: string;
    clientSecret: string;
  };
  requests(filter?: { pathPrefix?: string; method?: string; sinceSeq?: number }): LoggedRequest[];
  usageByClient(): ClientUsage[];
  close(): Promise<void>;
}

export async function startGenesysSandbox(opts: GenesysSandboxOptions = {}): Promise<GenesysSandbox> {
  const now = opts.now ?? Date.now;
  const config = resolveConfig(opts, {
    clientId: randomUUID(),
    clientSecret: randomBytes(24).toString('base64url'),
  });
  const seedSpec: SeedSpec = opts.seed ?? {};
  let baseUrl = '';

  const emulator = createEmulator({
    name: 'genesys',
    now,
    bodyLimit: config.payloadLimitBytes,
    errorBody: (status, message, req) =>
      errorBody(status, codeForStatus(status), message, correlationId(req)),
    faultHeaders: (status): Record<string, string> =>
      status === 429
        ? {
            'retry-after': String(config.faultRetryAfterSeconds),
            'inin-ratelimit-allowed': String(rate.limit),
            'inin-ratelimit-count': String(rate.limit),
            'inin-ratelimit-reset': String(config.faultRetryAfterSeconds),
          }
        : {},
    onReset: () => reset(),
  });
  const { app } = emulator;

  const tokens = new TokenStore();
  const rate = new RateWindow(config.rateLimitPerMinute);
  const directory = new DirectoryStore();
  const contacts = new ExternalContactStore();
  const hub = new NotificationHub({
    now,
    wsBase: () => baseUrl.replace(/^http/, 'ws'),
    heartbeatIntervalMs: config.heartbeatIntervalMs,
    channelLifetimeMs: config.channelLifetimeMs,
    closingWarningMs: config.closingWarningMs,
    maxChannelsPerClient: config.maxChannelsPerClient,
  });
  const gdpr = new GdprStore(
    () => config.gdprStepMs,
    (r) => applyGdpr({ contacts, config, now }, r),
  );
  const deps: Deps = { app, now, config, tokens, rate, directory, contacts, hub, gdpr };
  directory.onEvent((topic, body) => hub.publish(topic, body));

  const addOAuthClient = (
    c: { clientId?: string; clientSecret?: string; name?: string; redirectUris?: string[] } = {},
  ) => {
    const client = {
      clientId: c.clientId ?? randomUUID(),
      clientSecret: c.clientSecret ?? randomBytes(24).toString('base64url'),
      name: c.name ?? 'Sandbox client',
      redirectUris: c.redirectUris ?? [],
    };
    tokens.addClient(client);
    return { clientId: client.clientId, clientSecret: client.clientSecret };
  };
  addOAuthClient({
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    name: 'Patchbay sandbox client',
  });

  const resetHooks: (() => void)[] = [];
  const seed = (spec: SeedSpec) => {
    directory.clear();
    contacts.clear();
    applySeed(spec, directory, contacts, now(), config.defaultPhoneCountry);
  };
  const tick = () => {
    hub.sweep();
    gdpr.settle(now());
  };
  async function reset(): Promise<void> {
    hub.clear();
    gdpr.clear();
    rate.clear();
    seed(seedSpec);
    for (const fn of resetHooks) fn();
  }
  seed(seedSpec);

  // Every Platform API call: token, then rate window (the kit's fault hook has already run).
  app.addHook('onRequest', async (req, reply) => {
    if (!req.url.startsWith('/api/v2/')) return;
    if (!guard(deps, req, reply)) return reply;
  });
  app.addHook('onSend', async (req, reply) => {
    if (!req.url.startsWith('/__sandbox/')) void reply.header('inin-correlation-id', correlationId(req));
  });
  // GDPR requests take effect as time passes; apply due ones before anything reads contacts.
  app.addHook('preHandler', async (req: FastifyRequest) => {
    if (req.url.startsWith('/api/v2/gdpr') || req.url.startsWith('/api/v2/externalcontacts'))
      gdpr.settle(now());
  });

  registerOAuth(deps);
  registerUsers(deps);
  registerPresence(deps);
  registerRouting(deps);
  registerExternalContacts(deps);
  registerNotifications(deps);
  registerGdpr(deps);
  registerControls(deps, emulator.log, { seed, addClient: addOAuthClient });

  const ctx: GenesysContext = {
    app,
    now,
    // Callback style (the seam's type): when the guard has answered 401/429, `done` is not called.
    authenticate: (req, reply, done) => {
      if (guard(deps, req, reply)) done();
    },
    publish: (topic, body) => {
      hub.publish(topic, body);
    },
    directory: {
      users: () =>
        directory
          .usersSorted()
          .map(({ id, name, email, division, state }) => ({ id, name, email, division, state })),
      user: (id) => {
        const u = directory.users.get(id);
        return u && { id: u.id, name: u.name, email: u.email, division: u.division, state: u.state };
      },
      queues: () =>
        [...directory.queues.values()].map(({ id, name, mediaSettings, memberIds }) => ({
          id,
          name,
          mediaSettings,
          memberIds: [...memberIds],
        })),
      queue: (id) => {
        const q = directory.queues.get(id);
        return q && { id: q.id, name: q.name, mediaSettings: q.mediaSettings, memberIds: [...q.memberIds] };
      },
      wrapupCodes: () => [...directory.wrapupCodes.values()].map(({ id, name }) => ({ id, name })),
      wrapupCode: (id) => {
        const w = directory.wrapupCodes.get(id);
        return w && { id: w.id, name: w.name };
      },
      skill: (id) => {
        const k = directory.skills.get(id);
        return k && { id: k.id, name: k.name };
      },
      presenceOf: (id) => {
        const u = directory.users.get(id);
        return u && { presence: upperPresence(u.presence.definition), routingStatus: u.routing.status };
      },
      setPresence: (id, presence) => typeof directory.setPresence(id, presence, now()) === 'object',
      setRoutingStatus: (id, status) =>
        (ROUTING_STATUSES as readonly string[]).includes(status) &&
        directory.setRoutingStatus(id, status, now()) !== undefined,
    },
    errorBody: (status, code, message) => errorBody(status, code, message),
    onReset: (fn) => {
      resetHooks.push(fn);
    },
  };
  registerConversations(ctx);

  app.server.on('upgrade', (req, socket, head: Buffer) => hub.handleUpgrade(req, socket, head));
  const timer = setInterval(tick, config.sweepIntervalMs);
  timer.unref();

  const { url, port } = await emulator.listen(opts.port ?? 0);
  baseUrl = url;
  const host = '127.0.0.1';

  return {
    url,
    host,
    port,
    wsUrl: url.replace(/^http/, 'ws'),
    sdkGateway: { host, protocol: 'http', port, path_params_login: '', path_params_api: '' },
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    config,
    ctx,
    emulator,
    directory,
    contacts,
    gdpr,
    hub,
    reset: async () => {
      emulator.faults.rules = [];
      emulator.log.clear();
      await reset();
    },
    seed,
    expireTokens: (clientId) => tokens.expireAll(now(), clientId),
    dropSockets: (o = {}) => hub.dropSockets(o.channelId, o.warn ?? true),
    tick,
    setRateLimit: (n) => {
      rate.limit = n;
      rate.clear();
    },
    addOAuthClient,
    requests: (filter) => emulator.log.list(filter),
    usageByClient: () => usageByClient(emulator.log.list()),
    close: async () => {
      clearInterval(timer);
      hub.close();
      await emulator.close();
    },
  };
}
