/**
 * Prometheus metrics of one hub instance. A registry per instance (not prom-client's
 * global) so several hubs can run in one test process.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { DurableStats } from '../store/index.ts';

export interface QueueStatsSource {
  stats(): Promise<
    Array<{ kind: string; queued: number; running: number; parked: number; oldestQueuedAgeMs: number }>
  >;
}

export interface Metrics {
  registry: Registry;
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  jobOutcomes: Counter<'kind' | 'outcome'>;
  jobDuration: Histogram<'kind' | 'outcome'>;
  outboundRequests: Counter<'connector' | 'outcome'>;
  outboundDuration: Histogram<'connector'>;
  /** Count one outbound call of a connector: outcome is the HTTP status class or `network_error`. */
  outbound(connector: string, status: number | 'network_error', durationMs: number): void;
  setQueueSource(source: QueueStatsSource): void;
  /** SQLite's group commit and WAL flush totals (a store on PostgreSQL has none: nothing is exported). */
  setDurableStatsSource(source: () => DurableStats | undefined): void;
}

export function createMetrics(opts: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (opts.defaultMetrics) collectDefaultMetrics({ register: registry, prefix: 'patchbay_' });
  let queueSource: QueueStatsSource | undefined;

  const httpDuration = new Histogram({
    name: 'patchbay_http_request_duration_seconds',
    help: 'HTTP requests served by the hub, by route template and status.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const jobOutcomes = new Counter({
    name: 'patchbay_job_outcomes_total',
    help: 'Job attempts by kind and outcome.',
    labelNames: ['kind', 'outcome'] as const,
    registers: [registry],
  });
  const jobDuration = new Histogram({
    name: 'patchbay_job_duration_seconds',
    help: 'Job attempt duration.',
    labelNames: ['kind', 'outcome'] as const,
    buckets: [0.005, 0.025, 0.1, 0.25, 1, 5, 30],
    registers: [registry],
  });
  const outboundRequests = new Counter({
    name: 'patchbay_outbound_requests_total',
    help: 'Calls to Salesforce, Genesys and other services, by outcome.',
    labelNames: ['connector', 'outcome'] as const,
    registers: [registry],
  });
  const outboundDuration = new Histogram({
    name: 'patchbay_outbound_request_duration_seconds',
    help: 'Duration of outbound calls.',
    labelNames: ['connector'] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });

  const depth = new Gauge({
    name: 'patchbay_job_queue_depth',
    help: 'Jobs by kind and state (queued, running, parked).',
    labelNames: ['kind', 'state'] as const,
    registers: [registry],
  });
  const oldest = new Gauge({
    name: 'patchbay_job_queue_oldest_age_seconds',
    help: 'Age of the oldest queued job per kind.',
    labelNames: ['kind'] as const,
    registers: [registry],
    async collect() {
      if (!queueSource) return;
      const stats = await queueSource.stats();
      depth.reset();
      this.reset();
      for (const s of stats) {
        depth.set({ kind: s.kind, state: 'queued' }, s.queued);
        depth.set({ kind: s.kind, state: 'running' }, s.running);
        depth.set({ kind: s.kind, state: 'parked' }, s.parked);
        this.set({ kind: s.kind }, s.oldestQueuedAgeMs / 1000);
      }
    },
  });
  void oldest;

  return {
    registry,
    httpDuration,
    jobOutcomes,
    jobDuration,
    outboundRequests,
    outboundDuration,
    outbound(connector, status, durationMs) {
      const outcome = status === 'network_error' ? status : `${Math.floor(status / 100)}xx`;
      outboundRequests.inc({ connector, outcome });
      outboundDuration.observe({ connector }, durationMs / 1000);
    },
    setQueueSource(source) {
      queueSource = source;
    },
    setDurableStatsSource(source) {
      if (source() === undefined) return;
      const totals: [name: string, help: string, field: keyof DurableStats][] = [
        ['patchbay_sqlite_group_commits_total', 'Group-commit transactions committed.', 'commits'],
        [
          'patchbay_sqlite_group_commit_calls_total',
          'durable() calls in those transactions (÷ commits: the average batch).',
          'calls',
        ],
        ['patchbay_sqlite_wal_flushes_total', 'fdatasync calls that made commits durable.', 'flushes'],
        [
          'patchbay_sqlite_wal_flush_seconds_total',
          'Time spent in those flushes (÷ flushes: the average flush; a slow disk shows here).',
          'flushSeconds',
        ],
        [
          'patchbay_sqlite_write_lock_wait_seconds_total',
          'Time group commits waited for the write lock, the event loop blocked meanwhile (a WAL restart, another process).',
          'lockWaitSeconds',
        ],
      ];
      for (const [name, help, field] of totals)
        new Counter({
          name,
          help,
          registers: [registry],
          collect() {
            const stats = source();
            if (stats === undefined) return;
            this.reset();
            this.inc(stats[field]);
          },
        });
    },
  };
}
