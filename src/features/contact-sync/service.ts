/**
 * The contact-sync service used by the job, the routes and the CLI: runs (one at a time across
 * replicas, by the platform lease `contact-sync.run`), run history, the conflict audit, and
 * resolving parked conflicts.
 */
import type { GenesysConnector } from '../../connectors/genesys/client.ts';
import type { SalesforceConnector } from '../../connectors/salesforce/client.ts';
import type { Alerts } from '../../platform/alerts/index.ts';
import { HttpError } from '../../platform/http/errors.ts';
import { RetryableError, type Clock } from '../../platform/jobs/index.ts';
import { createLeaderElection } from '../../platform/leader/index.ts';
import type { Logger } from '../../platform/log/logger.ts';
import type { Metrics } from '../../platform/metrics/registry.ts';
import type { Store } from '../../platform/store/index.ts';
import { claimRow } from '../../platform/store/row-claim.ts';
import {
  createSyncEngine,
  type ConsentCheck,
  type ContactSyncOptions,
  type RunRequest,
  type RunSummary,
} from './engine.ts';
import { createSyncMetrics } from './metrics.ts';
import { reconcile as reconcileSides, type ReconcileReport } from './reconcile.ts';
import { applyToGenesys, toSalesforce, type Value, type Values } from './values.ts';

export interface ContactSyncDeps {
  store: Store;
  log: Logger;
  clock: Clock;
  salesforce: SalesforceConnector | undefined;
  genesys: GenesysConnector | undefined;
  alerts?: Alerts | undefined;
  /** Prometheus metrics of the runs (the hub's registry); absent in one-off CLI processes. */
  metrics?: Metrics | undefined;
  options: ContactSyncOptions;
  sleep?: (ms: number) => Promise<void>;
  /** Consent for the `sync` purpose (from the composition root); absent = every contact may be synced. */
  consent?: ConsentCheck | undefined;
  /** TTL of the run lease (default 15 s, renewed every third of it); tests shorten it. */
  leaseMs?: number;
}

/** The platform lease (`leases` row) held by the one running sync across replicas. */
export const RUN_LEASE = 'contact-sync.run';
const LEASE_MS = 15_000;
/** A person's conflict resolution: how long its claim on the contact lasts, how long another waits. */
const CLAIM_MS = 60_000;
const CLAIM_WAIT_MS = 10_000;

export function createContactSync(d: ContactSyncDeps) {
  const db = d.store.db;
  const metrics = d.metrics ? createSyncMetrics(d.metrics) : undefined;
  const engine =
    d.salesforce && d.genesys
      ? createSyncEngine({
          store: d.store,
          log: d.log,
          clock: d.clock,
          salesforce: d.salesforce,
          genesys: d.genesys,
          alerts: d.alerts,
          options: d.options,
          ...(d.sleep ? { sleep: d.sleep } : {}),
          consent: d.consent,
        })
      : undefined;

  /**
   * One run at a time across replicas: the platform lease, taken by one atomic upsert and renewed
   * every `leaseMs / 3` while the run goes on. A run that finds it held is refused (its job retries);
   * a killed holder stops renewing, so its lease is free again after `leaseMs`. The engine checks
   * the lease before each write, so a run that lost it (its renewals failed) stops instead of
   * writing alongside its successor.
   */
  async function run(req: RunRequest & { owner?: string } = {}): Promise<RunSummary> {
    if (!engine) throw new HttpError('unavailable', 'Contact sync needs SALESFORCE_* and GENESYS_* settings');
    const lease = createLeaderElection({
      store: d.store,
      name: RUN_LEASE,
      ttlMs: d.leaseMs ?? LEASE_MS,
      clock: d.clock,
      log: d.log,
      ...(req.owner === undefined ? {} : { holderId: req.owner }),
    });
    await lease.start();
    try {
      if (!lease.isLeader())
        throw new RetryableError('contact-sync: another run is in progress', { retryAfterMs: 60_000 });
      await closeInterruptedRuns();
      const started = d.clock.now();
      let summary: RunSummary;
      try {
        summary = await engine.run({ ...req, holdsLease: () => lease.isLeader() });
      } catch (err) {
        metrics?.failed(req.mode ?? 'incremental', d.clock.now() - started);
        throw err;
      }
      metrics?.completed(summary, d.clock.now());
      await health(summary);
      return summary;
    } finally {
      await lease.stop();
    }
  }

  /**
   * Holding the lease means no other run is going on: a run still marked `running` belongs to a process
   * that died mid-run (its lease expired), so the history says so instead of showing it running forever.
   */
  async function closeInterruptedRuns(): Promise<void> {
    await d.store.db
      .updateTable('contact_sync_runs')
      .set({
        status: 'failed',
        finished_at: d.clock.now(),
        error: 'interrupted: its process stopped before the run finished',
      })
      .where('status', '=', 'running')
      .execute();
  }

  /** The seed's monitor: errors > 10, duration > 5 min, conflict rate — as alerts. */
  async function health(s: RunSummary): Promise<void> {
    if (!d.alerts) return;
    const errors = s.failed + s.skipped;
    if (errors > 10)
      await d.alerts.raise({
        condition: 'contact-sync.errors',
        severity: 'warning',
        message: `Contact sync: ${errors} records failed or were skipped in the last run`,
      });
    else await d.alerts.resolve('contact-sync.errors', 'Contact sync: errors back under 10 per run');
    if (s.durationMs > 5 * 60_000)
      await d.alerts.raise({
        condition: 'contact-sync.slow',
        severity: 'warning',
        message: `Contact sync took ${Math.round(s.durationMs / 1000)} s`,
      });
    else await d.alerts.resolve('contact-sync.slow', 'Contact sync duration back under 5 minutes');
    const touched = s.created + s.updated + s.updatedInSalesforce;
    if (touched >= 20 && s.conflicts / touched > 0.1)
      await d.alerts.raise({
        condition: 'contact-sync.conflicts',
        severity: 'info',
        message: `Contact sync: ${s.conflicts} conflicts for ${touched} records written`,
      });
    await d.alerts.resolve('contact-sync.batch-failed', 'Contact sync completed a run');
  }

  async function listRuns(limit = 50) {
    const rows = await db
      .selectFrom('contact_sync_runs')
      .selectAll()
      .orderBy('started_at', 'desc')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      id: r.id,
      mode: r.mode,
      direction: r.direction,
      dryRun: r.dry_run === 1,
      status: r.status,
      startedAt: new Date(Number(r.started_at)).toISOString(),
      finishedAt: r.finished_at === null ? null : new Date(Number(r.finished_at)).toISOString(),
      summary: r.summary === null ? null : (JSON.parse(r.summary) as unknown),
      error: r.error,
    }));
  }

  async function listConflicts(filter: { status?: 'open' | 'applied' | 'resolved'; limit?: number } = {}) {
    let q = db
      .selectFrom('contact_sync_conflicts')
      .selectAll()
      .orderBy('created_at', 'desc')
      .limit(filter.limit ?? 100);
    if (filter.status) q = q.where('status', '=', filter.status);
    const parse = (v: string | null): unknown => (v === null ? null : JSON.parse(v));
    return (await q.execute()).map((r) => ({
      id: r.id,
      runId: r.run_id,
      sfId: r.sf_id,
      gcId: r.gc_id,
      field: r.field,
      base: parse(r.base_value),
      salesforce: parse(r.sf_value),
      genesys: parse(r.gc_value),
      winner: r.winner,
      reason: r.reason,
      status: r.status,
      resolvedValue: parse(r.resolved_value),
      resolvedBy: r.resolved_by,
      createdAt: new Date(Number(r.created_at)).toISOString(),
    }));
  }

  /** Decides a parked conflict: a side's value or an explicit one, written to both systems. */
  async function resolveConflict(
    id: string,
    choice: { side?: 'salesforce' | 'genesys'; value?: Value },
    by: string,
  ) {
    const c = await db
      .selectFrom('contact_sync_conflicts')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    if (!c) throw new HttpError('not_found', `No conflict ${id}`);
    if (c.status !== 'open') throw new HttpError('conflict', `Conflict ${id} is already ${c.status}`);
    connectors();
    const value: Value =
      choice.value !== undefined
        ? choice.value
        : choice.side === 'salesforce'
          ? (JSON.parse(c.sf_value ?? 'null') as Value)
          : choice.side === 'genesys'
            ? (JSON.parse(c.gc_value ?? 'null') as Value)
            : (() => {
                throw new HttpError('bad_request', 'Give side (salesforce|genesys) or value');
              })();
    // Resolutions of one contact go one at a time, across replicas: each writes both systems from what
    // it read (the Genesys contact is read and put back whole) and then the link's base, so two at once
    // could undo each other's field or leave Salesforce and Genesys holding different choices.
    const claim = await claimRow(db, {
      table: 'contact_sync_links',
      keyColumn: 'sf_id',
      key: c.sf_id,
      claimColumn: 'resolving_until',
      clock: d.clock,
      ttlMs: CLAIM_MS,
      waitMs: CLAIM_WAIT_MS,
    });
    if (!claim.claimed)
      throw new HttpError(
        'conflict',
        claim.reason === 'missing'
          ? 'The contact is no longer linked'
          : 'Another conflict of this contact is being resolved; try again',
      );
    try {
      await writeResolution(c, value, by);
    } finally {
      await claim.release();
    }
    return { id, field: c.field, value };
  }

  /** Under the contact's claim: the conflict still open, the value written to both systems, then recorded. */
  async function writeResolution(c: { id: string; sf_id: string; field: string }, value: Value, by: string) {
    const { id } = c;
    const still = await db
      .selectFrom('contact_sync_conflicts')
      .select('status')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    if (still.status !== 'open') throw new HttpError('conflict', `Conflict ${id} is already ${still.status}`);
    const link = await db
      .selectFrom('contact_sync_links')
      .selectAll()
      .where('sf_id', '=', c.sf_id)
      .executeTakeFirst();
    if (!link || link.gc_id === null) throw new HttpError('conflict', 'The contact is no longer linked');
    const mapping = d.options.mapping;
    const { salesforce, genesys } = connectors();
    const values: Values = { [c.field]: value };
    await salesforce.update('Contact', c.sf_id, toSalesforce(values, [c.field], mapping));
    const current = (await genesys.externalContacts.get(link.gc_id)) as Record<string, unknown>;
    const {
      createDate: _c,
      modifyDate: _m,
      selfUri: _s,
      identifiers: _i,
      ...writable
    } = applyToGenesys(current, values, mapping);
    const written = (await genesys.externalContacts.update(link.gc_id, writable)) as {
      modifyDate?: string;
    };
    const base = { ...(link.base ? (JSON.parse(link.base) as Values) : {}), ...values };
    const now = d.clock.now();
    await d.store.transaction(async (trx) => {
      await trx
        .updateTable('contact_sync_links')
        .set({
          base: JSON.stringify(base),
          sf_hash: null,
          gc_modify: written.modifyDate ? Date.parse(written.modifyDate) : null,
          gc_entity: JSON.stringify(written),
          updated_at: now,
        })
        .where('sf_id', '=', c.sf_id)
        .execute();
      await trx
        .updateTable('contact_sync_conflicts')
        .set({ status: 'resolved', resolved_value: JSON.stringify(value), resolved_by: by, resolved_at: now })
        .where('id', '=', id)
        .where('status', '=', 'open')
        .execute();
    });
  }

  function connectors() {
    if (!d.salesforce || !d.genesys)
      throw new HttpError('unavailable', 'Contact sync needs SALESFORCE_* and GENESYS_* settings');
    return { salesforce: d.salesforce, genesys: d.genesys };
  }

  async function status() {
    const [runs, open, links] = await Promise.all([
      listRuns(1),
      db
        .selectFrom('contact_sync_conflicts')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('status', '=', 'open')
        .executeTakeFirstOrThrow(),
      db
        .selectFrom('contact_sync_links')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('state', '=', 'linked')
        .executeTakeFirstOrThrow(),
    ]);
    return {
      configured: engine !== undefined,
      lastRun: runs[0] ?? null,
      openConflicts: Number(open.n),
      linkedContacts: Number(links.n),
    };
  }

  /** Both systems read whole and compared with the links: the drift, without writing anything. */
  async function reconcile(opts: { limit?: number } = {}): Promise<ReconcileReport> {
    if (!d.salesforce || !d.genesys)
      throw new HttpError('unavailable', 'Contact sync needs SALESFORCE_* and GENESYS_* settings');
    return reconcileSides(
      {
        store: d.store,
        log: d.log,
        clock: d.clock,
        salesforce: d.salesforce,
        genesys: d.genesys,
        mapping: d.options.mapping,
        region: d.options.region,
        externalSourceName: d.options.externalSourceName,
        maxAttempts: d.options.maxAttempts,
        ...(d.sleep ? { sleep: d.sleep } : {}),
      },
      opts,
    );
  }

  return { run, listRuns, listConflicts, resolveConflict, status, reconcile };
}

export type ContactSync = ReturnType<typeof createContactSync>;
