/**
 * The nightly analytics report (seed Pattern 2). `registerReports` wires the jobs, the nightly
 * schedule and the archive routes into a hub; `createReports` is the pipeline (also used by the CLI).
 */
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Mailer } from '../../connectors/mail/index.ts';
import type { Config } from '../../platform/config/load.ts';
import type { Clock, Queue, Scheduler } from '../../platform/jobs/index.ts';
import type { Store } from '../../platform/store/index.ts';
import { defineReportJobs } from './jobs.ts';
import { registerReportRoutes } from './routes.ts';
import { createReports, type AnalyticsSource, type Reports } from './service.ts';

export { reportMigrations } from './store.ts';
export { createReports, type AnalyticsSource, type Reports } from './service.ts';

export interface ReportDeps {
  config: Config;
  log: Logger;
  store: Store;
  queue: Queue;
  scheduler: Scheduler;
  app: FastifyInstance;
  clock: Clock;
  analytics: AnalyticsSource | undefined;
  mailer: Mailer | undefined;
  renderPdf?: Parameters<typeof createReports>[0]['renderPdf'];
}

export async function registerReports(d: ReportDeps): Promise<Reports> {
  const reports = createReports({
    store: d.store,
    log: d.log,
    clock: d.clock,
    timezone: d.config.timezone,
    targets: d.config.reports.targets,
    recipients: d.config.reports.recipients,
    analytics: d.analytics,
    mailer: d.mailer,
    ...(d.renderPdf ? { renderPdf: d.renderPdf } : {}),
  });
  defineReportJobs(d.queue, reports);
  d.scheduler.define({
    name: 'nightly-report',
    cron: d.config.reports.cron,
    timezone: d.config.timezone,
    kind: 'report-generate',
    payload: {},
  });
  await registerReportRoutes(d.app, { store: d.store, clock: d.clock });
  return reports;
}
