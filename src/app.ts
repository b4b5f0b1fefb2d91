/**
 * The composition root: the only module that imports features. It opens the store, runs
 * migrations, builds the queue and the HTTP server, and registers every feature.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { createConnectors, type Connectors } from './connectors/index.ts';
import { createMailer } from './connectors/mail/index.ts';
import { analyticsFromConnector } from './features/reports/genesys-source.ts';
import { registerReports, reportMigrations, type Reports } from './features/reports/index.ts';
import { presenceMigrations, registerPresence, type Presence } from './features/presence/index.ts';
import { currentUser, redeemAuthorizationCode } from './connectors/genesys/user-session.ts';
import { caseRoutingMigrations, registerCaseRouting } from './features/case-routing/index.ts';
import { registerScreenPop, sfMirrorMigrations } from './features/screen-pop/index.ts';
import { registerAdminRoutes } from './platform/admin/routes.ts';
import {
  alertMigrations,
  createAlerts,
  feedDownCheck,
  parkedJobsCheck,
  registerAlertRoutes,
  watchAlerts,
  type Alerts,
} from './platform/alerts/index.ts';
import { apiKeyMigrations } from './platform/auth/api-keys.ts';
import { inboxMigrations } from './platform/inbox/inbox.ts';
import type { Config } from './platform/config/load.ts';
import { createHttpServer } from './platform/http/server.ts';
import {
  createQueue,
  createScheduler,
  systemClock,
  type Clock,
  type Queue,
  type Scheduler,
} from './platform/jobs/index.ts';
import { createLeadership, leaderMigrations, type Leadership } from './platform/leader/index.ts';
import { createLogger, type Logger } from './platform/log/logger.ts';
import { createMetrics, type Metrics } from './platform/metrics/registry.ts';
import { openStore, storeConfigOf, type Migration, type Store } from './platform/store/index.ts';
import { callLoggingMigrations, registerCallLogging } from './features/call-end-intake/register.ts';
import { mirrorContactIndex } from './features/activity-log/index.ts';
import { sfMirrorConfig } from './features/sf-mirror/index.ts';
import { contactSyncMigrations, registerContactSync } from './features/contact-sync/index.ts';
import { privacyMigrations, registerPrivacy, type Privacy } from './features/privacy/index.ts';
import { registerFeaturePersonalData } from './features/privacy/erasers/index.ts';
import {
  createPersonalDataRegistry,
  registerPlatformStores,
  type PersonalDataRegistry,
} from './platform/privacy/index.ts';

export const version: string = (
  JSON.parse(readFileSync(join(import.meta.dirname, '..', 'package.json'), 'utf8')) as { version: string }
).version;

/** CLI commands of features (src/cli/registry.ts lists them). */
export { screenPopCommands } from './features/screen-pop/index.ts';
export { contactSyncCommands } from './features/contact-sync/index.ts';
export { caseRoutingCommands } from './features/case-routing/cli.ts';
export { privacyCommands } from './features/privacy/index.ts';

/** Every migration of the hub: platform modules and features (the store adds its own). */
export const migrations: Migration[] = [
  ...apiKeyMigrations,
  ...inboxMigrations,
  ...leaderMigrations,
  ...alertMigrations,
  ...sfMirrorMigrations,
  ...caseRoutingMigrations,
  ...reportMigrations,
  ...presenceMigrations,
  ...callLoggingMigrations,
  ...contactSyncMigrations,
  ...privacyMigrations,
];

export interface Hub {
  config: Config;
  log: Logger;
  store: Store;
  queue: Queue;
  metrics: Metrics;
  app: FastifyInstance;
  /** Raise/resolve operational alerts (de-duplicated; log, webhook and e-mail sinks). */
  alerts: Alerts;
  /** Single-owner tasks (`runWhileLeader`); elections start with the workers. */
  leadership: Leadership;
  /** Vendor clients, present when their settings are configured (src/connectors). */
  connectors: Connectors;
  /** Cron schedules (rows, fired once across replicas); started with the workers. */
  scheduler: Scheduler;
  /** The real-time agent presence dashboard (features/presence). */
  presence: Presence;
  /** The nightly analytics report (features/reports). */
  reports: Reports;
  /** Every table holding personal data, with its eraser (platform/privacy); features register theirs. */
  personalData: PersonalDataRegistry;
  /** GDPR erasure, consent (`hasConsent`), retention, audit (features/privacy). */
  privacy: Privacy;
  /** Listen on the configured host/port and start the workers; resolves to the URL. */
  start(): Promise<string>;
  /** Graceful stop: stop accepting, let in-flight jobs finish within the deadline, close the store. */
  stop(): Promise<void>;
}

export interface HubOptions {
  config: Config;
  log?: Logger;
  clock?: Clock;
  /** Start the job workers with `start()` (default true). */
  workers?: boolean;
}

export async function createHub(opts: HubOptions): Promise<Hub> {
  const { config } = opts;
  const log =
    opts.log ??
    createLogger({
      level: config.logLevel,
      file: config.logFile,
      dailyDir: config.raw.PATCHBAY_LOG_DIR,
      retentionDays: Number(config.raw.PATCHBAY_LOG_RETENTION_DAYS ?? 14),
    });
  const metrics = createMetrics({ defaultMetrics: true });
  const store = await openStore(storeConfigOf(config));
  await store.migrate(migrations);
  const connectors = createConnectors(config, { store, log, metrics });
  const queue = createQueue({
    store,
    log,
    ...(opts.clock ? { clock: opts.clock } : {}),
    leaseMs: config.jobs.leaseMs,
    pollIntervalMs: config.jobs.pollMs,
    defaultMaxAgeMs: config.jobs.maxAgeMs,
    onOutcome: (kind, outcome, durationMs) => {
      metrics.jobOutcomes.inc({ kind, outcome });
      metrics.jobDuration.observe({ kind, outcome }, durationMs / 1000);
    },
  });
  metrics.setQueueSource(queue);
  metrics.setDurableStatsSource(() => store.durableStats());
  const alerts = createAlerts({
    store,
    log,
    queue,
    ...(opts.clock ? { clock: opts.clock } : {}),
    renotifyMs: config.alerts.renotifyMs,
    sinks: {
      webhook: config.alerts.webhookUrl === undefined ? undefined : { url: config.alerts.webhookUrl },
      email:
        config.mail === undefined || config.alerts.emailTo.length === 0
          ? undefined
          : { smtpUrl: config.mail.url, from: config.mail.from, to: config.alerts.emailTo },
    },
  });
  const leadership = createLeadership({
    store,
    log,
    ttlMs: config.leadership.ttlMs,
    ...(opts.clock ? { clock: opts.clock } : {}),
  });

  const app = await createHttpServer({
    log,
    metrics,
    bodyLimitBytes: config.bodyLimitBytes,
    version,
    readiness: [
      { name: 'database', check: async () => (await store.ping(), { ok: true }) },
      {
        name: 'migrations',
        check: async () => {
          const pending = await store.pendingMigrations(migrations);
          return pending.length === 0
            ? { ok: true }
            : { ok: false, detail: `pending: ${pending.join(', ')}` };
        },
      },
      {
        name: 'salesforce',
        check: async () =>
          config.salesforce
            ? { ok: true }
            : { ok: false, detail: 'SALESFORCE_* settings are not configured' },
      },
      {
        name: 'genesys',
        check: async () =>
          config.genesys ? { ok: true } : { ok: false, detail: 'GENESYS_* settings are not configured' },
      },
    ],
  });
  await registerAdminRoutes(app, { store, queue });
  await registerAlertRoutes(app, { store });
  // The mirror's change feed drives the contact sync's CDC mode (bound once contact sync is registered).
  let onContactsChanged: (ids: readonly string[]) => void = () => {};
  const screenPop = await registerScreenPop(app, {
    config,
    store,
    log,
    metrics,
    leadership,
    salesforce: connectors.salesforce,
    onContactsChanged: (ids) => onContactsChanged(ids),
  });
  await registerCaseRouting({
    app,
    store,
    queue,
    log,
    config,
    alerts,
    leadership,
    genesys: connectors.genesys,
  });
  await registerCallLogging({
    app,
    config,
    store,
    queue,
    log,
    metrics,
    clock: opts.clock ?? systemClock,
    alerts,
    leadership,
    salesforce: connectors.salesforce,
    genesys: connectors.genesys,
    // Contact resolution asks the screen-pop index before Salesforce (when the mirror is kept).
    contactIndex: sfMirrorConfig(config).enabled ? mirrorContactIndex(screenPop.mirror) : undefined,
    // Issue 10: a withdrawn consent for `logging` stops the Task. Privacy is registered below; the
    // check runs only in jobs, after the hub is built.
    loggingConsent: (subject) => privacy.hasConsent(subject, 'logging'),
  });

  const clock = opts.clock ?? systemClock;
  const scheduler = createScheduler({ store, log, clock });
  const mailer = config.mail ? createMailer(config.mail) : undefined;
  const reports = await registerReports({
    config,
    log,
    store,
    queue,
    scheduler,
    app,
    clock,
    analytics: connectors.genesys ? analyticsFromConnector(connectors.genesys) : undefined,
    mailer,
  });
  const gcLogin = config.genesys;
  const presence = await registerPresence({
    config,
    log,
    store,
    app,
    leadership,
    genesys: connectors.genesys,
    now: () => clock.now(),
    login: gcLogin && {
      loginUrl: gcLogin.loginUrl,
      apiUrl: gcLogin.apiUrl,
      clientId: gcLogin.loginClientId,
      async redeem(p) {
        const token = await redeemAuthorizationCode(gcLogin.loginUrl, {
          ...p,
          clientId: gcLogin.loginClientId,
        });
        return currentUser(gcLogin.apiUrl, token.accessToken);
      },
    },
  });

  const personalData = createPersonalDataRegistry();
  registerPlatformStores(personalData);
  registerFeaturePersonalData(personalData);
  const privacy = await registerPrivacy({
    app,
    config,
    store,
    queue,
    scheduler,
    log,
    clock,
    registry: personalData,
    alerts,
    salesforce: connectors.salesforce,
    genesys: connectors.genesys,
  });

  const contactSync = await registerContactSync({
    config,
    app,
    store,
    queue,
    scheduler,
    log,
    clock,
    alerts,
    metrics,
    salesforce: connectors.salesforce,
    genesys: connectors.genesys,
    // Issue 10: a withdrawn consent (PRIVACY_CONSENT_PURPOSES maps `sync` to its type) stops that contact's sync.
    consent: (subject) => privacy.hasConsent(subject, 'sync'),
  });
  onContactsChanged = contactSync.onContactsChanged;

  // Alerts the platform watches itself: parked jobs, and the presence feed on the replica that runs it.
  const alertChecks = [
    parkedJobsCheck(queue),
    feedDownCheck({
      condition: 'presence.feed-down',
      name: 'presence feed',
      running: () => presence.feed() !== undefined,
      stale: () => presence.stale(),
      now: () => clock.now(),
    }),
  ];
  let stopAlertChecks: (() => void) | undefined;

  let stopped = false;
  return {
    config,
    log,
    store,
    queue,
    metrics,
    app,
    alerts,
    leadership,
    connectors: {
      ...(connectors.salesforce ? { salesforce: connectors.salesforce } : {}),
      ...(connectors.genesys ? { genesys: connectors.genesys } : {}),
    },
    scheduler,
    reports,
    presence,
    personalData,
    privacy,
    async start() {
      await app.listen({ host: config.host, port: config.port });
      if (opts.workers !== false) {
        queue.start();
        scheduler.start();
        await leadership.start();
        stopAlertChecks = watchAlerts(alerts, log, alertChecks);
      }
      const addr = app.server.address();
      const port = typeof addr === 'object' && addr ? addr.port : config.port;
      return `http://${config.host}:${port}`;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      stopAlertChecks?.();
      await leadership.stop();
      await scheduler.stop();
      await queue.stop({ deadlineMs: config.jobs.shutdownDeadlineMs });
      await connectors.close();
      mailer?.close();
      await app.close();
      await store.close();
    },
  };
}
