/**
 * Case-routing HTTP: the credential pages and API (`/loginIc`, `/loginSf`,
 * `PUT /routing/credentials/{cic|salesforce}`), the heartbeat (`/routing/heartbeat`, public like
 * /healthz, no secrets) and the status dashboard (`/routing/status` + its config API).
 * Everything but the static pages and the heartbeat needs the admin API key.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { createCicConnector } from '../../connectors/cic/index.ts';
import { createSalesforceConnector } from '../../connectors/salesforce/client.ts';
import { requireApiKey } from '../../platform/auth/admin-guard.ts';
import type { Keyring } from '../../platform/crypto/index.ts';
import { HttpError } from '../../platform/http/errors.ts';
import type { Store } from '../../platform/store/index.ts';
import { describeCredentials, saveCredentials } from './credentials.ts';
import { parseDashboardConfig, probeHeartbeat, type DashboardOrg } from './dashboard.ts';
import type { Engine } from './engine.ts';
import { dashboardPage, loginIcPage, loginSfPage } from './pages.ts';

export interface RoutesDeps {
  store: Store;
  log: Logger;
  engine: Engine;
  keyring: () => Keyring;
  enabled: boolean;
  instanceName: string;
  apiVersion?: string | undefined;
  onCredentialsChanged: () => Promise<void>;
}

const url = { type: 'string', minLength: 1, maxLength: 2000, pattern: '^https?://' } as const;
const text = (max: number) => ({ type: 'string', minLength: 1, maxLength: max }) as const;

const cicBody = {
  type: 'object',
  additionalProperties: false,
  required: ['server', 'userId', 'password'],
  properties: {
    server: url,
    switchoverServer: url,
    userId: text(200),
    password: text(500),
    autoDisconnect: { type: 'boolean' },
  },
} as const;
const sfBody = {
  type: 'object',
  additionalProperties: false,
  required: ['loginUrl', 'clientId', 'clientSecret'],
  properties: { loginUrl: url, clientId: text(500), clientSecret: text(500) },
} as const;
const orgBody = {
  type: 'object',
  additionalProperties: false,
  required: ['organization', 'server', 'heartbeatUrl'],
  properties: { organization: text(200), server: url, heartbeatUrl: url },
} as const;

function keyringOr503(keyring: () => Keyring): Keyring {
  try {
    return keyring();
  } catch (e) {
    throw new HttpError('unavailable', (e as Error).message);
  }
}

export async function registerCaseRoutingRoutes(app: FastifyInstance, deps: RoutesDeps): Promise<void> {
  const { store, engine } = deps;
  const db = store.db;
  const html =
    (page: string) => async (_req: unknown, reply: { type(t: string): { send(b: string): unknown } }) =>
      reply.type('text/html; charset=utf-8').send(page);
  app.get('/loginIc', { schema: { hide: true } }, html(loginIcPage));
  app.get('/loginSf', { schema: { hide: true } }, html(loginSfPage));
  app.get('/routing/status', { schema: { hide: true } }, html(dashboardPage));

  app.get('/routing/heartbeat', async (_req, reply) => {
    const s = engine.status();
    const cicOk = s.cic?.connected === true;
    const healthy = deps.enabled && cicOk && s.salesforce;
    return reply.code(healthy ? 200 : 503).send({
      instance: deps.instanceName,
      status: healthy ? 'healthy' : 'down',
      detail: !deps.enabled
        ? 'case routing is disabled (CASE_ROUTING_ENABLED)'
        : healthy
          ? `Successfully connected to the ${s.cic?.server === 'switchover' ? 'switchover ' : ''}CIC server and Salesforce`
          : `Not connected to ${[!cicOk && 'CIC', !s.salesforce && 'Salesforce'].filter(Boolean).join(' and ')}`,
      cic: s.cic,
      salesforce: { connected: s.salesforce },
      streaming: s.streaming,
    });
  });

  await app.register(async (scope) => {
    requireApiKey(scope, db);

    scope.get('/routing/credentials', async () => ({
      cic: await describeCredentials(db, 'cic'),
      salesforce: await describeCredentials(db, 'salesforce'),
    }));

    scope.put<{
      Body: {
        server: string;
        switchoverServer?: string;
        userId: string;
        password: string;
        autoDisconnect?: boolean;
      };
    }>('/routing/credentials/cic', { schema: { body: cicBody } }, async (req, reply) => {
      const keyring = keyringOr503(deps.keyring);
      const b = req.body;
      const probe = createCicConnector({
        primaryUrl: b.server,
        switchoverUrl: b.switchoverServer,
        userId: b.userId,
        password: b.password,
        log: deps.log,
      });
      try {
        await probe.connect();
      } catch (e) {
        throw new HttpError(
          'bad_request',
          `Could not log in to the Interaction Center: ${(e as Error).message}`,
        );
      } finally {
        await probe.close();
      }
      await saveCredentials(db, keyring, 'cic', {
        server: b.server,
        switchoverServer: b.switchoverServer,
        userId: b.userId,
        password: b.password,
        autoDisconnect: b.autoDisconnect ?? true,
      });
      await deps.onCredentialsChanged();
      return reply.code(204).send();
    });

    scope.put<{ Body: { loginUrl: string; clientId: string; clientSecret: string } }>(
      '/routing/credentials/salesforce',
      { schema: { body: sfBody } },
      async (req, reply) => {
        const keyring = keyringOr503(deps.keyring);
        const probe = createSalesforceConnector({ ...req.body, apiVersion: deps.apiVersion, log: deps.log });
        try {
          await probe.connection();
        } catch (e) {
          throw new HttpError('bad_request', `Could not log in to Salesforce: ${(e as Error).message}`);
        } finally {
          await probe.close();
        }
        await saveCredentials(db, keyring, 'salesforce', req.body);
        await deps.onCredentialsChanged();
        return reply.code(204).send();
      },
    );

    const listOrgs = async (): Promise<DashboardOrg[]> =>
      (await db.selectFrom('case_routing_dashboard').selectAll().orderBy('position').execute()).map((r) => ({
        id: r.id,
        organization: r.organization,
        server: r.server,
        heartbeatUrl: r.heartbeat_url,
      }));

    scope.get('/routing/status/config', async () => ({
      organizations: (await listOrgs()).map(({ organization, server, heartbeatUrl }) => ({
        organization,
        server,
        heartbeatUrl,
      })),
    }));

    scope.put('/routing/status/config', async (req, reply) => {
      const parsed = parseDashboardConfig(req.body);
      if (!parsed.ok) throw new HttpError('validation_failed', parsed.error);
      await store.transaction(async (trx) => {
        await trx.deleteFrom('case_routing_dashboard').execute();
        for (const [i, o] of parsed.organizations.entries())
          await trx
            .insertInto('case_routing_dashboard')
            .values({
              id: randomUUID(),
              position: i,
              organization: o.organization,
              server: o.server,
              heartbeat_url: o.heartbeatUrl,
            })
            .execute();
      });
      return reply.code(204).send();
    });

    scope.post<{ Body: { organization: string; server: string; heartbeatUrl: string } }>(
      '/routing/status/config',
      { schema: { body: orgBody } },
      async (req, reply) => {
        const count = (await listOrgs()).length;
        if (count >= 200) throw new HttpError('conflict', 'At most 200 organisations');
        const id = randomUUID();
        await db
          .insertInto('case_routing_dashboard')
          .values({
            id,
            position: count,
            organization: req.body.organization,
            server: req.body.server,
            heartbeat_url: req.body.heartbeatUrl,
          })
          .execute();
        return reply.code(201).send({ id });
      },
    );

    scope.delete<{ Params: { id: string } }>('/routing/status/config/:id', async (req, reply) => {
      const r = await db
        .deleteFrom('case_routing_dashboard')
        .where('id', '=', req.params.id)
        .executeTakeFirst();
      if (Number(r.numDeletedRows) === 0) throw new HttpError('not_found', 'No such organisation');
      return reply.code(204).send();
    });

    scope.get('/routing/status/instances', async () => {
      const orgs = await listOrgs();
      return Promise.all(orgs.map(async (o) => ({ ...o, ...(await probeHeartbeat(o.heartbeatUrl)) })));
    });
  });
}
