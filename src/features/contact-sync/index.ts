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
import { enqueue, type Clock, type Queue, type Scheduler } from '../../platform/jobs/index.ts';
import type { Logger } from '../../platform/log/logger.ts';
import type { Metrics } from '../../platform/metrics/registry.ts';
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
  metrics?: Metrics | undefined;
  salesforce: SalesforceConnector | undefined;
  genesys: GenesysConnector | undefined;
  /** Consent for the `sync` purpose (privacy's `hasConsent(subject, 'sync')`, wired in `src/app.ts`). */
  consent?: ConsentCheck | undefined;
}

export interface ContactSyncFeature {
  sync: ContactSync;
  /**
   * The Salesforce mirror's change feed (Contact IDs per CDC change, wired in `src/app.ts`): IDs are
   * gathered for `CDC_DEBOUNCE_MS` and synced by one `contact-sync-run` job in `cdc` mode. Best effort:
   * IDs not yet enqueued when a process stops are picked up by the next scheduled incremental run.
   */
  onContactsChanged: (ids: readonly string[]) => void;
}

const CDC_DEBOUNCE_MS = 2_000;
const CDC_IDS_PER_JOB = 2_000;

export async function registerContactSync(r: ContactSyncRegistration): Promise<ContactSyncFeature> {
  const cfg = contactSyncConfig(r.config);
  const sync = createContactSync({
    store: r.store,
    log: r.log,
    clock: r.clock,
    salesforce: r.salesforce,
    genesys: r.genesys,
    alerts: r.alerts,
    metrics: r.metrics,
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

  const pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  const flush = async () => {
    timer = undefined;
    const ids = [...pending];
    pending.clear();
    for (let i = 0; i < ids.length; i += CDC_IDS_PER_JOB) {
      const part = ids.slice(i, i + CDC_IDS_PER_JOB);
      await r.store.durable((trx) =>
        enqueue(trx, 'contact-sync-run', { mode: 'cdc', ids: part }, { clock: r.clock }),
      );
    }
  };
  const feedOn = cfg.enabled && r.salesforce !== undefined && r.genesys !== undefined;
  return {
    sync,
    onContactsChanged: (ids) => {
      if (!feedOn || ids.length === 0) return;
      for (const id of ids) pending.add(id);
      timer ??= setTimeout(() => {
        flush().catch((err: unknown) =>
          r.log.warn(
            { err, feature: 'contact-sync' },
            'contact sync: CDC ids not enqueued; the next incremental run covers them',
          ),
        );
      }, CDC_DEBOUNCE_MS).unref();
    },
  };
}
