/**
 * Privacy (GDPR): erasure across every system, audit, consent, recording retention with legal hold,
 * masking and breach scope. Registered from `src/app.ts`; see docs/features/privacy.md.
 */
import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import type { CountryCode } from 'libphonenumber-js';
import type { GenesysConnector } from '../../connectors/genesys/client.ts';
import type { SalesforceConnector } from '../../connectors/salesforce/client.ts';
import type { Alerts } from '../../platform/alerts/index.ts';
import type { Config } from '../../platform/config/load.ts';
import type { Clock, Queue, Scheduler } from '../../platform/jobs/index.ts';
import type { Logger } from '../../platform/log/logger.ts';
import type { PersonalDataRegistry } from '../../platform/privacy/index.ts';
import type { Store } from '../../platform/store/index.ts';
import { createAudit, loadHashKey, type Audit } from './audit.ts';
import { createConsents, type Consents, type ConsentSubject } from './consent.ts';
import { createErasures, type Erasures } from './erasure.ts';
import { breachScope, exportPersonalData, type BreachScope } from './export.ts';
import { privacyTablesWithoutPersonalData } from './migrations.ts';
import { createRetention, type Retention } from './retention.ts';
import { registerPrivacyRoutes } from './routes.ts';
import { privacySettings, type PrivacySettings } from './settings.ts';
import { backofficePrivacy } from './systems/backoffice.ts';

export { privacyMigrations } from './migrations.ts';
export { privacyCommands } from './cli.ts';

export interface Privacy {
  store: Store;
  clock: Clock;
  settings: PrivacySettings;
  audit: Audit;
  erasures: Erasures;
  consents: Consents;
  retention: Retention;
  /** For features: may this person's data be used for `purpose` (`sync`, `logging`, …)? */
  hasConsent(who: ConsentSubject, purpose: string): Promise<boolean>;
  exportData(opts: { masked: boolean; tables?: readonly string[] }): Promise<Record<string, unknown[]>>;
  breachScope(opts: {
    since: number;
    systems: readonly string[];
    discoveredAt?: number;
    actor: string;
  }): Promise<BreachScope>;
}

export interface PrivacyDeps {
  app: FastifyInstance;
  config: Config;
  store: Store;
  queue: Queue;
  scheduler: Scheduler;
  log: Logger;
  clock: Clock;
  registry: PersonalDataRegistry;
  alerts?: Alerts | undefined;
  salesforce?: SalesforceConnector | undefined;
  genesys?: GenesysConnector | undefined;
}

export async function registerPrivacy(deps: PrivacyDeps): Promise<Privacy> {
  const settings = privacySettings(deps.config);
  const { store, clock } = deps;
  const log = deps.log.child({ feature: 'privacy' });
  const region = (deps.config.raw.PHONE_DEFAULT_REGION ?? 'US') as CountryCode;
  for (const [table, reason] of Object.entries(privacyTablesWithoutPersonalData))
    deps.registry.declareNone([table], reason);
  if (store.dialect === 'sqlite') {
    // Zero deleted content in the file, so an erased person is gone from the database file too.
    await sql`PRAGMA secure_delete = ON`.execute(store.db);
  }
  const audit = createAudit(await loadHashKey(store.db, settings.hashKey));
  const boUrl = deps.config.raw.BACKOFFICE_URL;
  const backoffice = boUrl ? backofficePrivacy(boUrl) : undefined;
  const erasures = createErasures({
    store,
    queue: deps.queue,
    clock,
    log,
    audit,
    registry: deps.registry,
    settings,
    alerts: deps.alerts,
    region,
    salesforce: () => deps.salesforce,
    genesys: () => deps.genesys,
    backoffice: () => backoffice,
  });
  const consents = createConsents({
    store,
    clock,
    audit,
    settings,
    region,
    salesforce: () => deps.salesforce,
  });
  const retention = createRetention({
    store,
    queue: deps.queue,
    clock,
    log,
    audit,
    settings,
    region,
    genesys: () => deps.genesys,
    erasedHashes: () => erasures.erasedHashes(),
  });
  deps.queue.define('privacy-deadlines', { handler: () => erasures.checkDeadlines(), concurrency: 1 });
  deps.scheduler.define({
    name: 'privacy-retention',
    cron: settings.retention.cron,
    timezone: settings.timezone,
    kind: 'privacy-retention',
    payload: {},
  });
  deps.scheduler.define({
    name: 'privacy-deadlines',
    cron: '0 * * * *',
    kind: 'privacy-deadlines',
    payload: {},
  });

  const privacy: Privacy = {
    store,
    clock,
    settings,
    audit,
    erasures,
    consents,
    retention,
    hasConsent: (who, purpose) => consents.hasConsent(who, purpose),
    exportData: (opts) => exportPersonalData(store, deps.registry, { ...opts, hashKey: audit.hashKey }),
    async breachScope(opts) {
      const scope = await breachScope(store, deps.registry, {
        since: opts.since,
        systems: opts.systems,
        discoveredAt: opts.discoveredAt ?? clock.now(),
        hashKey: audit.hashKey,
      });
      await audit.record(store.db, {
        action: 'breach.scope',
        actor: opts.actor,
        at: clock.now(),
        details: { since: scope.since, systems: scope.systems, subjects: scope.subjects.count },
      });
      return scope;
    },
  };
  await registerPrivacyRoutes(deps.app, privacy);
  return privacy;
}
