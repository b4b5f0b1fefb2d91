/**
 * Alerts: features raise a condition (`salesforce.unreachable`, `jobs.parked`, …) as often as they
 * observe it; the sinks hear once when it opens, again only as a reminder after the re-notify interval,
 * and once when it is resolved. One outage is one alert, not thousands.
 *
 * ```ts
 * await alerts.raise({ condition: 'salesforce.unreachable', severity: 'critical', message: 'Salesforce API down' });
 * await alerts.resolve('salesforce.unreachable', 'Salesforce API answers again');
 * ```
 */
import type { Logger } from 'pino';
import { sql, type Transaction } from 'kysely';
import { systemClock } from '../jobs/clock.ts';
import { enqueue } from '../jobs/enqueue.ts';
import type { Clock, Queue } from '../jobs/index.ts';
import type { Database, Store } from '../store/index.ts';
import type { AlertSeverity, AlertsTable } from './migrations.ts';
import { defineSinkJobs, sinkKinds, type AlertSinks, type SinkName } from './sinks.ts';
import { noticeText, type AlertEvent, type AlertNotice, type AlertSnapshot } from './text.ts';
import type { Selectable } from 'kysely';

export interface RaiseInput {
  /** Stable name of what is wrong, e.g. `salesforce.unreachable` or `jobs.parked:activity-log`. */
  condition: string;
  severity: AlertSeverity;
  message: string;
  details?: Record<string, unknown>;
}

export interface AlertsOptions {
  store: Store;
  log: Logger;
  /** The queue that delivers webhook and e-mail notifications (its workers run the sink jobs). */
  queue: Queue;
  /** Sinks beyond the log, which always gets every notification. */
  sinks: AlertSinks;
  clock?: Clock;
  /** Notify again when an open alert is raised this long after the last notification; 0 = never (default 1 h). */
  renotifyMs?: number;
}

export interface RaiseResult {
  alertId: string;
  /** What the sinks were told; undefined when the raise only bumped the counter. */
  notified: AlertEvent | undefined;
}

export interface Alerts {
  raise(input: RaiseInput): Promise<RaiseResult>;
  /** Closes the open alert of `condition` and sends the recovery message; false if none was open. */
  resolve(condition: string, message: string): Promise<boolean>;
}

const MAX_CONDITION = 200;
const MAX_MESSAGE = 2000;

export function createAlerts(options: AlertsOptions): Alerts {
  const { store, queue } = options;
  const clock = options.clock ?? systemClock;
  const renotifyMs = options.renotifyMs ?? 3_600_000;
  const log = options.log.child({ component: 'alerts' });
  const active = (Object.keys(sinkKinds) as SinkName[]).filter((s) => options.sinks[s] !== undefined);
  defineSinkJobs(queue, options.sinks);

  async function dispatch(trx: Transaction<Database>, notice: AlertNotice): Promise<void> {
    const suffix = notice.event === 'reminder' ? `reminder:${notice.at}` : notice.event;
    for (const sink of active)
      await enqueue(trx, sinkKinds[sink], notice, {
        key: `alert:${notice.alert.id}:${sink}:${suffix}`,
        clock,
        // An alert is about a condition, not the interaction whose job happened to raise it.
        correlationId: null,
      });
  }

  function logNotice(notice: AlertNotice): void {
    const fields = {
      alertId: notice.alert.id,
      condition: notice.alert.condition,
      event: notice.event,
      count: notice.alert.count,
    };
    const text = noticeText(notice);
    if (notice.event === 'resolved' || notice.alert.severity === 'info') log.info(fields, text);
    else if (notice.alert.severity === 'warning') log.warn(fields, text);
    else log.error(fields, text);
  }

  async function raiseIn(
    trx: Transaction<Database>,
    input: RaiseInput,
    now: number,
  ): Promise<{ id: string; notice?: AlertNotice }> {
    const details = input.details === undefined ? null : JSON.stringify(input.details);
    // Two tries: the open alert may be resolved between our insert attempt and our bump.
    for (let i = 0; i < 2; i++) {
      const opened = await trx
        .insertInto('alerts')
        .values({
          condition: input.condition,
          severity: input.severity,
          message: input.message,
          details,
          state: 'open',
          count: 1,
          opened_at: now,
          last_seen_at: now,
          last_notified_at: now,
          resolved_at: null,
          resolve_message: null,
        })
        // The predicate is spelled as in the partial index: SQLite matches the two textually.
        .onConflict((oc) =>
          oc
            .column('condition')
            .where(sql<boolean>`state = 'open'`)
            .doNothing(),
        )
        .returningAll()
        .executeTakeFirst();
      if (opened !== undefined) {
        const notice: AlertNotice = { event: 'raised', alert: snapshot(opened), at: now };
        await dispatch(trx, notice);
        return { id: String(opened.id), notice };
      }
      const bumped = await trx
        .updateTable('alerts')
        .set((eb) => ({
          count: eb('count', '+', 1),
          last_seen_at: now,
          message: input.message,
          details,
          severity: input.severity,
        }))
        .where('condition', '=', input.condition)
        .where('state', '=', 'open')
        .returningAll()
        .executeTakeFirst();
      if (bumped === undefined) continue;
      if (renotifyMs > 0 && now - Number(bumped.last_notified_at) >= renotifyMs) {
        // Conditional, so concurrent raises on other replicas send one reminder between them.
        const claimed = await trx
          .updateTable('alerts')
          .set({ last_notified_at: now })
          .where('id', '=', bumped.id)
          .where('last_notified_at', '<=', now - renotifyMs)
          .executeTakeFirst();
        if (Number(claimed.numUpdatedRows) > 0) {
          const notice: AlertNotice = { event: 'reminder', alert: snapshot(bumped), at: now };
          await dispatch(trx, notice);
          return { id: String(bumped.id), notice };
        }
      }
      return { id: String(bumped.id) };
    }
    throw new Error(`alert ${input.condition} kept changing state during raise`);
  }

  return {
    async raise(input) {
      if (input.condition === '' || input.condition.length > MAX_CONDITION)
        throw new RangeError(`condition must be 1–${MAX_CONDITION} characters`);
      const bounded = { ...input, message: input.message.slice(0, MAX_MESSAGE) };
      const r = await store.durable((trx) => raiseIn(trx, bounded, clock.now()));
      if (r.notice !== undefined) logNotice(r.notice);
      return { alertId: r.id, notified: r.notice?.event };
    },
    async resolve(condition, message) {
      const now = clock.now();
      const notice = await store.durable(async (trx) => {
        const row = await trx
          .updateTable('alerts')
          .set({ state: 'resolved', resolved_at: now, resolve_message: message.slice(0, MAX_MESSAGE) })
          .where('condition', '=', condition)
          .where('state', '=', 'open')
          .returningAll()
          .executeTakeFirst();
        if (row === undefined) return undefined;
        const n: AlertNotice = { event: 'resolved', alert: snapshot(row), at: now };
        await dispatch(trx, n);
        return n;
      });
      if (notice !== undefined) logNotice(notice);
      return notice !== undefined;
    },
  };
}

function snapshot(row: Selectable<AlertsTable>): AlertSnapshot {
  return {
    id: String(row.id),
    condition: row.condition,
    severity: row.severity,
    message: row.message,
    count: Number(row.count),
    openedAt: Number(row.opened_at),
    ...(row.resolved_at === null ? {} : { resolvedAt: Number(row.resolved_at) }),
    ...(row.resolve_message === null ? {} : { resolveMessage: row.resolve_message }),
  };
}
