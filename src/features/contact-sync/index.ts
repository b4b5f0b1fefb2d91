/**
 * Contact sync (seed "Contact Sync Patterns", Pattern 1): Salesforce contacts → Genesys external
 * contacts in bulk, and bi-directionally with a per-field three-way merge and a conflict audit.
 * `registerContactSync` wires the job, the 30-minute schedule and the `/v1/sync` routes.
 */
import type { FastifyInstance } from 'fastify';
import type { GenesysConnector } from '../../connectors/genesys/client.ts';
import type { SalesforceConnector } from '../../connectors/salesforce/client.ts';
import type { Alerts } from '../../platform/alerts/index.ts';
import type { Config } from '../../platform/config/load.ts';
import type { Clock, Queue, Scheduler } from '../../platform/jobs/index.ts';
import type { Logger } from '../../platform/log/logger.ts';
import type { Store } from '../../platform/store/index.ts';
import { contactSyncConfig } from './config.ts';
import './jobs.ts';
import { registerContactSyncRoutes } from './routes.ts';
import type { ConsentCheck } from './engine.ts';
import { createContactSync, type ContactSync } from './service.ts';

export { contactSyncMigrations } from './store.ts';
export { contactSyncCommands } from './cli.ts';
export type { ContactSync } from './service.ts';
export type { ConsentCheck, ConsentSubject } from './engine.ts';

export interface ContactSyncRegistration {
  config: Config;
  app: FastifyInstance;
  store: Store;
  queue: Queue;
  scheduler: Scheduler;
  log: Logger;
  clock: Clock;
  alerts: Alerts;
  salesforce: SalesforceConnector | undefined;
  genesys: GenesysConnector | undefined;
  /** Consent for the `sync` purpose (privacy's `hasConsent(subject, 'sync')`, wired in `src/app.ts`). */
  consent?: ConsentCheck | undefined;
}

export async function registerContactSync(r: ContactSyncRegistration): Promise<ContactSync> {
  const cfg = contactSyncConfig(r.config);
  const sync = createContactSync({
    store: r.store,
    log: r.log,
    clock: r.clock,
    salesforce: r.salesforce,
    genesys: r.genesys,
    alerts: r.alerts,
    options: cfg.options,
    consent: r.consent,
  });
  r.queue.define('contact-sync-run', {
    concurrency: 1,
    handler: async (payload, ctx) => sync.run({ ...payload, owner: `job-${ctx.jobId}-${ctx.attempt}` }),
  });
  if (cfg.enabled && r.salesforce && r.genesys)
    r.scheduler.define({ name: 'contact-sync', cron: cfg.cron, kind: 'contact-sync-run', payload: {} });
  await registerContactSyncRoutes(r.app, { store: r.store, clock: r.clock, sync });
  return sync;
}
