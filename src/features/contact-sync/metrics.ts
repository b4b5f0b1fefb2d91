/**
 * The seed's sync monitor as Prometheus metrics (the alerts are raised by the service): runs by
 * status, records by outcome, run duration, API calls, the last run's conflict rate and when a run
 * last completed — so "errors > 10", "duration > 5 min" and the conflict rate can be graphed and
 * alerted on by the operator's own monitoring too.
 */
import { Counter, Gauge, Histogram } from 'prom-client';
import type { Metrics } from '../../platform/metrics/registry.ts';
import type { RunSummary } from './engine.ts';

const OUTCOMES = [
  'created',
  'updated',
  'updatedInSalesforce',
  'deleted',
  'unchanged',
  'skipped',
  'failed',
  'parked',
  'conflicts',
  'echoes',
] as const satisfies ReadonlyArray<keyof RunSummary>;

export interface SyncMetrics {
  completed(summary: RunSummary, nowMs: number): void;
  failed(mode: string, durationMs: number): void;
}

export function createSyncMetrics(m: Metrics): SyncMetrics {
  const registers = [m.registry];
  const runs = new Counter({
    name: 'patchbay_contact_sync_runs_total',
    help: 'Contact sync runs by status (completed, failed); dry runs included.',
    labelNames: ['status', 'mode'] as const,
    registers,
  });
  const records = new Counter({
    name: 'patchbay_contact_sync_records_total',
    help: 'Records handled by contact sync runs, by outcome (created, updated, skipped, failed, conflicts, …).',
    labelNames: ['outcome'] as const,
    registers,
  });
  const calls = new Counter({
    name: 'patchbay_contact_sync_api_calls_total',
    help: 'API calls made by contact sync runs, by system.',
    labelNames: ['system'] as const,
    registers,
  });
  const duration = new Histogram({
    name: 'patchbay_contact_sync_run_duration_seconds',
    help: 'Duration of contact sync runs (the seed alerts above 300 s).',
    buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1800],
    registers,
  });
  const conflictRate = new Gauge({
    name: 'patchbay_contact_sync_last_conflict_rate',
    help: 'Conflicts ÷ records written in the last completed run (0 when nothing was written).',
    registers,
  });
  const lastSuccess = new Gauge({
    name: 'patchbay_contact_sync_last_success_timestamp_seconds',
    help: 'When the last contact sync run completed (Unix time).',
    registers,
  });
  return {
    completed(s, nowMs) {
      runs.inc({ status: 'completed', mode: s.mode });
      if (!s.dryRun) for (const o of OUTCOMES) if (s[o] > 0) records.inc({ outcome: o }, s[o]);
      calls.inc({ system: 'genesys' }, s.apiCalls.genesys);
      calls.inc({ system: 'salesforce' }, s.apiCalls.salesforce);
      duration.observe(s.durationMs / 1000);
      const written = s.created + s.updated + s.updatedInSalesforce;
      conflictRate.set(written === 0 ? 0 : s.conflicts / written);
      lastSuccess.set(Math.floor(nowMs / 1000));
    },
    failed(mode, durationMs) {
      runs.inc({ status: 'failed', mode });
      duration.observe(durationMs / 1000);
    },
  };
}
