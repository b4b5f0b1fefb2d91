/**
 * Seed 000's "Monitoring & Alerts", without its flaws (an unbounded lifetime average, an alert on
 * every failure): Prometheus counters and a histogram, and a failure rate over the last
 * `window` attempts that raises one de-duplicated alert above 5 % and resolves it below.
 */
import { Counter, Histogram } from 'prom-client';
import type { Alerts } from '../../platform/alerts/index.ts';
import type { Logger } from '../../platform/log/logger.ts';
import type { Metrics } from '../../platform/metrics/registry.ts';

export type ActivityOutcome = 'logged' | 'skipped' | 'failed';

export interface ActivityMonitor {
  record(outcome: ActivityOutcome, durationMs: number, opts?: { contactNotFound?: boolean }): void;
  /** Failure rate over the recent window, 0..1. */
  failureRate(): number;
}

export const FAILURE_ALERT_THRESHOLD = 0.05;
export const ALERT_CONDITION = 'activity-log.failure-rate';

export function createActivityMonitor(deps: {
  metrics: Metrics;
  log: Logger;
  alerts?: Alerts | undefined;
  window?: number;
  /** Fewer attempts than this in the window never alert (one failure of the first call is not 100 %). */
  minSamples?: number;
}): ActivityMonitor {
  const window = deps.window ?? 200;
  const minSamples = deps.minSamples ?? 20;
  const registers = [deps.metrics.registry];
  const outcomes = new Counter({
    name: 'patchbay_activity_log_total',
    help: 'Activity-log attempts by outcome (logged, skipped, failed).',
    labelNames: ['outcome'] as const,
    registers,
  });
  const notFound = new Counter({
    name: 'patchbay_activity_log_contacts_not_found_total',
    help: 'Conversation ends whose caller matched no Salesforce contact.',
    registers,
  });
  const duration = new Histogram({
    name: 'patchbay_activity_log_processing_seconds',
    help: 'Time from job start to the Task written (or skipped).',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  const recent: boolean[] = [];
  let alerted = false;

  const rate = () => (recent.length === 0 ? 0 : recent.filter((f) => f).length / recent.length);

  return {
    record(outcome, durationMs, opts = {}) {
      outcomes.inc({ outcome });
      if (opts.contactNotFound) notFound.inc();
      if (outcome !== 'failed') duration.observe(durationMs / 1000);
      recent.push(outcome === 'failed');
      if (recent.length > window) recent.shift();
      const r = rate();
      if (!alerted && recent.length >= minSamples && r > FAILURE_ALERT_THRESHOLD) {
        alerted = true;
        const message = `Activity logging failure rate ${(r * 100).toFixed(1)} % over the last ${recent.length} attempts (> 5 %)`;
        deps.log.error({ failureRate: r }, message);
        deps.alerts
          ?.raise({ condition: ALERT_CONDITION, severity: 'critical', message, details: { failureRate: r } })
          .catch((err: unknown) => deps.log.warn({ err }, 'could not raise alert'));
      } else if (alerted && r <= FAILURE_ALERT_THRESHOLD / 2) {
        alerted = false;
        deps.alerts
          ?.resolve(ALERT_CONDITION, `Activity logging failure rate back to ${(r * 100).toFixed(1)} %`)
          .catch((err: unknown) => deps.log.warn({ err }, 'could not resolve alert'));
      }
    },
    failureRate: rate,
  };
}
