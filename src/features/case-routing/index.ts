/**
 * Case routing (seed 004, the Salesforce Object Routing Server): registered by the composition
 * root. See docs/features/case-routing.md.
 */
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { GenesysConnector } from '../../connectors/genesys/client.ts';
import type { Alerts } from '../../platform/alerts/index.ts';
import type { Config } from '../../platform/config/load.ts';
import { keyringFromSettings, type Keyring } from '../../platform/crypto/index.ts';
import type { Queue } from '../../platform/jobs/index.ts';
import type { Leadership } from '../../platform/leader/index.ts';
import type { Store } from '../../platform/store/index.ts';
import { createEngine, JOB_KIND, type Engine, type EngineOptions, type RoutingSettings } from './engine.ts';
import { genesysEmailTarget } from './genesys-target.ts';
import { registerCaseRoutingRoutes } from './routes.ts';

export { caseRoutingMigrations } from './migrations.ts';

export interface CaseRoutingDeps {
  app: FastifyInstance;
  store: Store;
  queue: Queue;
  log: Logger;
  config: Config;
  alerts?: Pick<Alerts, 'raise'>;
  leadership?: Leadership;
  /** Present when GENESYS_* is configured: mappings with Target "Genesys Cloud" route there. */
  genesys?: GenesysConnector | undefined;
  cicTuning?: EngineOptions['cicTuning'];
}

/** Reads the case-routing settings from the validated configuration. */
export function routingSettings(config: Config): RoutingSettings & { enabled: boolean } {
  const raw = config.raw as Record<string, string | undefined>;
  return {
    enabled: ['true', '1', 'yes'].includes((raw.CASE_ROUTING_ENABLED ?? 'false').toLowerCase()),
    stream: raw.CASE_ROUTING_STREAM === 'cdc' ? 'cdc' : 'pushtopic',
    pushTopic: raw.CASE_ROUTING_PUSHTOPIC ?? 'ININObjectRouting',
    instanceName: raw.CASE_ROUTING_INSTANCE_NAME ?? 'patchbay',
    apiVersion: config.salesforce?.apiVersion ?? raw.SALESFORCE_API_VERSION,
  };
}

export function keyringFor(config: Config): () => Keyring {
  let ring: Keyring | undefined;
  return () =>
    (ring ??= keyringFromSettings(
      config.encryptionKey,
      (config.raw as Record<string, string | undefined>).PATCHBAY_ENCRYPTION_OLD_KEYS,
    ));
}

export async function registerCaseRouting(deps: CaseRoutingDeps): Promise<Engine> {
  const settings = routingSettings(deps.config);
  const keyring = keyringFor(deps.config);
  const log = deps.log.child({ feature: 'case-routing' });
  const target = deps.genesys ? genesysEmailTarget(deps.genesys) : undefined;
  const engine = createEngine({
    store: deps.store,
    queue: deps.queue,
    log,
    keyring,
    settings,
    alerts: deps.alerts,
    genesys: deps.genesys ? () => target : undefined,
    cicTuning: deps.cicTuning,
  });
  deps.queue.define(JOB_KIND, { handler: (payload) => engine.handle(payload), concurrency: 5 });
  if (settings.enabled)
    deps.leadership?.runWhileLeader('case-routing-stream', () => engine.startStream(), { retryMs: 2000 });
  await registerCaseRoutingRoutes(deps.app, {
    store: deps.store,
    log,
    engine,
    keyring,
    enabled: settings.enabled,
    instanceName: settings.instanceName,
    apiVersion: settings.apiVersion,
    // Jobs pick the new credentials up at once; the stream at its next (re)start.
    onCredentialsChanged: () => engine.resetClients(),
  });
  deps.app.addHook('onClose', async () => engine.close());
  return engine;
}
