/**
 * Screen pop: the caller-lookup data actions served from the Salesforce mirror, the agent desktop
 * page, and the Genesys artefacts users import. Registered by the composition root.
 */
import type { FastifyInstance } from 'fastify';
import type { SalesforceConnector } from '../../connectors/salesforce/client.ts';
import type { Config } from '../../platform/config/load.ts';
import type { Leadership } from '../../platform/leader/index.ts';
import type { Logger } from '../../platform/log/logger.ts';
import type { Metrics } from '../../platform/metrics/registry.ts';
import type { Store } from '../../platform/store/index.ts';
import { createSfMirror, sfMirrorConfig, type SfMirror } from '../sf-mirror/index.ts';
import { screenPopConfig } from './config.ts';
import { registerDesktop } from './desktop.ts';
import { createLookupService, type LookupService } from './lookup.ts';
import { registerDataActionRoutes } from './routes.ts';

export { sfMirrorMigrations } from '../sf-mirror/index.ts';
export { screenPopCommands } from './cli.ts';

export interface ScreenPopDeps {
  config: Config;
  store: Store;
  log: Logger;
  metrics: Metrics;
  leadership: Leadership;
  salesforce?: SalesforceConnector | undefined;
  /** The mirror's change feed (Contact IDs per CDC change), e.g. for the contact sync's CDC mode. */
  onContactsChanged?: ((ids: readonly string[]) => void) | undefined;
}

export interface ScreenPop {
  mirror: SfMirror;
  lookup: LookupService;
}

export async function registerScreenPop(app: FastifyInstance, deps: ScreenPopDeps): Promise<ScreenPop> {
  const mirrorConfig = sfMirrorConfig(deps.config);
  const config = screenPopConfig(deps.config);
  const log = deps.log.child({ feature: 'screen-pop' });
  const mirror = createSfMirror({
    store: deps.store,
    log: deps.log,
    metrics: deps.metrics,
    options: mirrorConfig,
    source: deps.salesforce,
    onContactsChanged: deps.onContactsChanged,
  });
  const sync = mirror.sync;
  if (mirrorConfig.enabled && sync) deps.leadership.runWhileLeader('sf-mirror', () => sync.start());
  if (config.auth.token === undefined && config.auth.basic === undefined)
    log.warn(
      'screen pop: no data action credentials configured (SCREEN_POP_TOKEN or SCREEN_POP_BASIC_*); every call gets 401',
    );
  const lookup = createLookupService({
    mirror,
    mirrorOptions: mirrorConfig,
    config,
    live: deps.salesforce,
    log: deps.log,
    registry: deps.metrics.registry,
  });
  await registerDataActionRoutes(app, { lookup, config, mirror, store: deps.store });
  await registerDesktop(app, {
    config: deps.config,
    screenPop: config,
    lookup,
    mirror,
    salesforce: deps.salesforce,
    log: deps.log,
  });
  return { mirror, lookup };
}
