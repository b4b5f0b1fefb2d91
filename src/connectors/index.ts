/** The connectors the hub's configuration asks for; features read them from `hub.connectors`. */
import type { Config } from '../platform/config/load.ts';
import type { Logger } from '../platform/log/logger.ts';
import type { Metrics } from '../platform/metrics/registry.ts';
import type { Store } from '../platform/store/index.ts';
import { createGenesysConnector, type GenesysConnector } from './genesys/client.ts';
import { createSalesforceConnector, type SalesforceConnector } from './salesforce/client.ts';

export interface Connectors {
  /** Set when SALESFORCE_* settings are configured. */
  salesforce?: SalesforceConnector;
  /** Set when GENESYS_* settings are configured. */
  genesys?: GenesysConnector;
}

export function createConnectors(
  config: Pick<Config, 'salesforce' | 'genesys'>,
  deps: { store: Store; log: Logger; metrics: Metrics },
): Connectors & { close(): Promise<void> } {
  const sf = config.salesforce;
  const gc = config.genesys;
  const salesforce = sf
    ? createSalesforceConnector({
        loginUrl: sf.loginUrl,
        clientId: sf.clientId,
        clientSecret: sf.clientSecret,
        apiVersion: sf.apiVersion,
        log: deps.log,
        metrics: deps.metrics,
      })
    : undefined;
  const genesys = gc
    ? createGenesysConnector({
        apiUrl: gc.apiUrl,
        loginUrl: gc.loginUrl,
        clientId: gc.clientId,
        clientSecret: gc.clientSecret,
        rateLimitPerMinute: gc.rateLimitPerMinute,
        store: deps.store,
        log: deps.log,
        metrics: deps.metrics,
      })
    : undefined;
  return {
    ...(salesforce ? { salesforce } : {}),
    ...(genesys ? { genesys } : {}),
    async close() {
      await Promise.allSettled([salesforce?.close(), genesys?.close()]);
    },
  };
}
