/**
 * After the call, registered as one unit from `src/app.ts`: the conversation-end intake, activity
 * logging (seed 000), back-office communication records (seed 002) and save-log (seed 003).
 */
import type { FastifyInstance } from 'fastify';
import { createBackofficeConnector } from '../../connectors/backoffice/index.ts';
import type { GenesysConnector } from '../../connectors/genesys/client.ts';
import type { SalesforceConnector } from '../../connectors/salesforce/client.ts';
import type { Alerts } from '../../platform/alerts/index.ts';
import type { Config } from '../../platform/config/load.ts';
import type { Clock, Queue } from '../../platform/jobs/index.ts';
import type { Leadership } from '../../platform/leader/index.ts';
import type { Logger } from '../../platform/log/logger.ts';
import type { Metrics } from '../../platform/metrics/registry.ts';
import type { Migration, Store } from '../../platform/store/index.ts';
import { registerActivityLog } from '../activity-log/index.ts';
import { registerSaveLog, saveLogMigrations } from '../save-log/index.ts';
import { registerSupportResult, supportResultMigrations } from '../support-result/index.ts';
import { registerCallEndIntake } from './index.ts';
import { intakeMigrations } from './intake.ts';
import { followQueueConversations } from './notifications.ts';
import type { ContactIndex } from './ports.ts';
import { callLoggingSettings } from './settings.ts';

export const callLoggingMigrations: Migration[] = [
  ...intakeMigrations,
  ...supportResultMigrations,
  ...saveLogMigrations,
];

export interface CallLoggingDeps {
  app: FastifyInstance;
  config: Config;
  store: Store;
  queue: Queue;
  log: Logger;
  metrics: Metrics;
  clock: Clock;
  alerts?: Alerts | undefined;
  leadership?: Leadership | undefined;
  salesforce?: SalesforceConnector | undefined;
  genesys?: GenesysConnector | undefined;
  /** The screen-pop index (sf-mirror) when the hub has one. */
  contactIndex?: ContactIndex | undefined;
  /** Consent for the `logging` purpose (privacy); a caller who withdrew it gets no Task. */
  loggingConsent?: ((subject: { contactId?: string; phone?: string }) => Promise<boolean>) | undefined;
}

export async function registerCallLogging(deps: CallLoggingDeps): Promise<void> {
  const s = callLoggingSettings(deps.config);
  const log = deps.log.child({ feature: 'call-logging' });
  const backoffice = s.backoffice.url
    ? createBackofficeConnector({ baseUrl: s.backoffice.url, metrics: deps.metrics })
    : undefined;
  const common = { store: deps.store, clock: deps.clock, log };

  await registerCallEndIntake(deps.app, { ...common, verifier: s.callEnd });
  registerActivityLog({
    ...common,
    queue: deps.queue,
    metrics: deps.metrics,
    alerts: deps.alerts,
    settings: s.activityLog,
    phoneRegion: s.phoneRegion,
    salesforce: () => deps.salesforce,
    genesys: () => deps.genesys,
    contactIndex: () => deps.contactIndex,
    consent: deps.loggingConsent,
  });
  await registerSupportResult(deps.app, {
    ...common,
    queue: deps.queue,
    verifier: s.supportResult,
    customersPolicy: s.backoffice.customers,
    phoneRegion: s.phoneRegion,
    genesys: () => deps.genesys,
    backoffice: () => backoffice,
  });
  await registerSaveLog(deps.app, {
    ...common,
    queue: deps.queue,
    verifier: s.saveLog,
    upsertEvents: s.saveLogUpsertEvents,
    taskKey: s.activityLog.taskKey,
    salesforce: () => deps.salesforce,
  });
  if (s.notificationQueueIds.length > 0 && deps.genesys && deps.leadership) {
    const genesys = deps.genesys;
    deps.leadership.runWhileLeader('call-end-notifications', () =>
      followQueueConversations({ ...common, genesys, queueIds: s.notificationQueueIds }),
    );
  }
}
