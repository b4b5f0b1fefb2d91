import { sql, type Generated } from 'kysely';
import type { Migration } from '../store/index.ts';

export type AlertSeverity = 'critical' | 'warning' | 'info';
export type AlertState = 'open' | 'resolved';

declare module '../store/schema.ts' {
  interface Database {
    alerts: AlertsTable;
  }
}

/**
 * One row per incident: at most one `open` row per condition (a partial unique index), which repeated
 * raises only bump; resolving closes it, and the next raise opens a new row.
 */
export interface AlertsTable {
  id: Generated<number>;
  condition: string;
  severity: AlertSeverity;
  message: string;
  /** JSON text, or NULL. */
  details: string | null;
  state: AlertState;
  /** How many times the condition was raised while this alert was open. */
  count: number;
  opened_at: number;
  last_seen_at: number;
  /** When the sinks were last told (opening or a reminder). */
  last_notified_at: number;
  resolved_at: number | null;
  resolve_message: string | null;
}

export const alertMigrations: Migration[] = [
  {
    name: '0310-platform-alerts',
    async up(db, dialect) {
      await db.schema
        .createTable('alerts')
        .addColumn('id', dialect === 'postgres' ? 'bigserial' : 'integer', (c) =>
          dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
        )
        .addColumn('condition', 'text', (c) => c.notNull())
        .addColumn('severity', 'text', (c) => c.notNull())
        .addColumn('message', 'text', (c) => c.notNull())
        .addColumn('details', 'text')
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('count', 'integer', (c) => c.notNull())
        .addColumn('opened_at', 'bigint', (c) => c.notNull())
        .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
        .addColumn('last_notified_at', 'bigint', (c) => c.notNull())
        .addColumn('resolved_at', 'bigint')
        .addColumn('resolve_message', 'text')
        .execute();
      await db.schema
        .createIndex('alerts_one_open_per_condition')
        .on('alerts')
        .column('condition')
        .unique()
        .where(sql<boolean>`state = 'open'`)
        .execute();
      await db.schema
        .createIndex('alerts_state_resolved_idx')
        .on('alerts')
        .columns(['state', 'resolved_at'])
        .execute();
    },
  },
];
