/** Alerts with de-duplication and sinks (log, webhook, e-mail). See alerts.ts. */
export {
  createAlerts,
  type Alerts,
  type AlertsOptions,
  type RaiseInput,
  type RaiseResult,
} from './alerts.ts';
export { alertMigrations, type AlertSeverity, type AlertState, type AlertsTable } from './migrations.ts';
export { listAlerts, type AlertInfo } from './read.ts';
export { registerAlertRoutes } from './routes.ts';
export { webhookBody, type AlertSinks, type SinkName } from './sinks.ts';
export { formatDuration, noticeText, type AlertEvent, type AlertNotice, type AlertSnapshot } from './text.ts';
export {
  evaluateCheck,
  feedDownCheck,
  parkedJobsCheck,
  watchAlerts,
  type AlertCheck,
  type CheckResult,
} from './watch.ts';
