/**
 * A test helper: the conversations part over the kit's emulator frame with an in-memory directory,
 * standing in for the directory/platform part of the Genesys emulator. It records every
 * `ctx.publish` call, accepts one fixed bearer token, and has a minimal `/oauth/token` and presence
 * PATCH so the simulator can run against it. Tests that need the full server use
 * `startGenesysSandbox` instead.
 */
import { randomUUID } from 'node:crypto';
import { createEmulator } from '../../kit/emulator.ts';
import type {
  GenesysContext,
  GenesysErrorBody,
  GenesysQueue,
  GenesysUser,
  GenesysWrapupCode,
} from '../context.ts';
import { registerConversations } from './index.ts';
import type { ConversationsService } from './service.ts';

export const HARNESS_TOKEN = 'harness-token';

export interface HarnessOptions {
  users?: number;
  queues?: number;
  wrapupCodes?: number;
  /** The emulator's clock (default Date.now); tests move it to expire media URLs or due deletions. */
  now?: () => number;
}

export interface Harness {
  url: string;
  ctx: GenesysContext;
  svc: ConversationsService;
  users: GenesysUser[];
  queues: GenesysQueue[];
  wrapupCodes: GenesysWrapupCode[];
  published: { topicName: string; eventBody: unknown }[];
  presences: Map<string, string>;
  /** fetch with the harness bearer token and JSON body. */
  // Tests read response bodies freely, as untyped JSON.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  api(method: string, path: string, body?: unknown): Promise<{ status: number; body: any; headers: Headers }>;
  close(): Promise<void>;
}

const errorBody = (status: number, code: string, message: string): GenesysErrorBody => ({
  message,
  code,
  status,
  messageParams: {},
  contextId: randomUUID(),
  details: [],
  errors: [],
});

const statusCode = (status: number) =>
  status === 401
    ? 'bad.credentials'
    : status === 404
      ? 'not.found'
      : status === 429
        ? 'too.many.requests'
        : status >= 500
          ? 'internal.server.error'
          : 'bad.request';

export async function startHarness(opts: HarnessOptions = {}): Promise<Harness> {
  const now = opts.now ?? Date.now;
  const resets: (() => void)[] = [];
  const emu = createEmulator({
    name: 'genesys-harness',
    errorBody: (status, message) => errorBody(status, statusCode(status), message),
    now,
    onReset: () => resets.forEach((fn) => fn()),
  });
  const users: GenesysUser[] = Array.from({ length: opts.users ?? 5 }, (_, i) => ({
    id: randomUUID(),
    name: `Agent ${String(i + 1).padStart(2, '0')}`,
    email: `agent${i + 1}@sandbox.example`,
    division: { id: 'div-1', name: 'Home' },
    state: 'active',
  }));
  const queues: GenesysQueue[] = Array.from({ length: opts.queues ?? 2 }, (_, i) => ({
    id: randomUUID(),
    name: i === 0 ? 'Support' : `Queue ${i + 1}`,
    mediaSettings: {
      call: { serviceLevel: { percentage: 0.8, durationMs: 20_000 }, alertingTimeoutSeconds: 8 },
    },
    memberIds: users.map((u) => u.id),
  }));
  const wrapupCodes: GenesysWrapupCode[] = ['Resolved', 'Follow-up', 'Escalated', 'No answer']
    .slice(0, opts.wrapupCodes ?? 4)
    .map((name) => ({ id: randomUUID(), name }));
  const published: { topicName: string; eventBody: unknown }[] = [];
  const presences = new Map<string, string>(users.map((u) => [u.id, 'OFFLINE']));

  const ctx: GenesysContext = {
    app: emu.app,
    now,
    authenticate: (req, reply, done) => {
      if (req.headers.authorization === `Bearer ${HARNESS_TOKEN}`) return done();
      void reply.code(401).send(errorBody(401, 'bad.credentials', 'Invalid login credentials.'));
    },
    publish: (topicName, eventBody) => void published.push({ topicName, eventBody }),
    directory: {
      users: () => users,
      user: (id) => users.find((u) => u.id === id),
      queues: () => queues,
      queue: (id) => queues.find((q) => q.id === id),
      wrapupCodes: () => wrapupCodes,
      wrapupCode: (id) => wrapupCodes.find((w) => w.id === id),
      presenceOf: (id) =>
        presences.has(id) ? { presence: presences.get(id) ?? 'OFFLINE', routingStatus: 'IDLE' } : undefined,
    },
    errorBody,
    onReset: (fn) => void resets.push(fn),
  };

  // Minimal stand-ins for the platform part (token, presence definitions, presence PATCH).
  emu.app.post('/oauth/token', async () => ({
    access_token: HARNESS_TOKEN,
    token_type: 'bearer',
    expires_in: 86_400,
  }));
  const definitions = ['Available', 'Busy', 'Away', 'Break', 'Meal', 'Offline', 'On Queue'].map((name) => ({
    id: randomUUID(),
    name,
    systemPresence: name.replace(' ', '_').toUpperCase(),
  }));
  emu.app.get('/api/v2/presence/definitions', { preHandler: ctx.authenticate }, async () => ({
    entities: definitions,
    pageSize: 100,
    pageNumber: 1,
    total: definitions.length,
  }));
  emu.app.patch(
    '/api/v2/users/:userId/presences/purecloud',
    { preHandler: ctx.authenticate },
    async (req, reply) => {
      const { userId = '' } = req.params as Record<string, string>;
      const defId = (req.body as { presenceDefinition?: { id?: string } } | undefined)?.presenceDefinition
        ?.id;
      const def = definitions.find((d) => d.id === defId);
      if (!presences.has(userId)) return reply.code(404).send(errorBody(404, 'not.found', 'User not found'));
      if (!def) return reply.code(400).send(errorBody(400, 'bad.request', 'Unknown presence definition'));
      presences.set(userId, def.systemPresence);
      ctx.publish(`v2.users.${userId}.presence`, {
        presenceDefinition: { id: def.id, systemPresence: def.systemPresence },
      });
      return {
        id: 'PURECLOUD',
        source: 'PURECLOUD',
        primary: true,
        presenceDefinition: { id: def.id, systemPresence: def.systemPresence },
      };
    },
  );

  const svc = registerConversations(ctx);
  const { url } = await emu.listen(0);
  return {
    url,
    ctx,
    svc,
    users,
    queues,
    wrapupCodes,
    published,
    presences,
    async api(method, path, body) {
      const res = await fetch(`${url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${HARNESS_TOKEN}`,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
      });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text === '' ? undefined : JSON.parse(text);
      } catch {
        // not JSON (media, XML errors): keep the text
      }
      return { status: res.status, body: parsed, headers: res.headers };
    },
    close: () => emu.close(),
  };
}
