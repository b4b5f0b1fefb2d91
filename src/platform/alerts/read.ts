import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../store/index.ts';
import type { AlertSeverity, AlertState, AlertsTable } from './migrations.ts';

/** An alert as the admin API and CLI show it. */
export interface AlertInfo {
  id: string;
  condition: string;
  severity: AlertSeverity;
  state: AlertState;
  message: string;
  details: unknown;
  count: number;
  openedAt: string;
  lastSeenAt: string;
  lastNotifiedAt: string;
  resolvedAt: string | null;
  resolveMessage: string | null;
}

/** Open alerts (oldest first) and the most recently resolved ones. */
export async function listAlerts(
  db: Kysely<Database>,
  opts: { recent?: number } = {},
): Promise<{ open: AlertInfo[]; recent: AlertInfo[] }> {
  const open = await db
    .selectFrom('alerts')
    .selectAll()
    .where('state', '=', 'open')
    .orderBy('opened_at')
    .orderBy('id')
    .execute();
  const recent = await db
    .selectFrom('alerts')
    .selectAll()
    .where('state', '=', 'resolved')
    .orderBy('resolved_at', 'desc')
    .orderBy('id', 'desc')
    .limit(opts.recent ?? 50)
    .execute();
  return { open: open.map(toInfo), recent: recent.map(toInfo) };
}

const iso = (ms: number | null) => (ms === null ? null : new Date(Number(ms)).toISOString());

function toInfo(r: Selectable<AlertsTable>): AlertInfo {
  return {
    id: String(r.id),
    condition: r.condition,
    severity: r.severity,
    state: r.state,
    message: r.message,
    details: r.details === null ? null : (JSON.parse(r.details) as unknown),
    count: Number(r.count),
    openedAt: iso(r.opened_at) as string,
    lastSeenAt: iso(r.last_seen_at) as string,
    lastNotifiedAt: iso(r.last_notified_at) as string,
    resolvedAt: iso(r.resolved_at),
    resolveMessage: r.resolve_message,
  };
}
