/**
 * Contact-sync tables: one link per Salesforce contact (Genesys ID, base values, hashes, cached
 * Genesys entity), the run history, the conflict audit (with the parked `manual` ones), per-record
 * issues (invalid values, skipped records, ambiguous matches) and the sync state (watermarks).
 */
import type { Migration } from '../../platform/store/index.ts';

declare module '../../platform/store/schema.ts' {
  interface Database {
    contact_sync_links: ContactSyncLinksTable;
    contact_sync_runs: ContactSyncRunsTable;
    contact_sync_conflicts: ContactSyncConflictsTable;
    contact_sync_issues: ContactSyncIssuesTable;
    contact_sync_state: ContactSyncStateTable;
  }
}

export interface ContactSyncLinksTable {
  sf_id: string;
  gc_id: string | null;
  /** `creating`: a create was sent and its answer not yet stored (verified before any new create). */
  state: 'linked' | 'creating' | 'deleted';
  /** JSON of the values both sides held after the last sync. */
  base: string | null;
  base_hash: string | null;
  /** Hash of the Salesforce values last read: an unchanged record is not processed. */
  sf_hash: string | null;
  sf_modstamp: number | null;
  /** Genesys `modifyDate` (epoch ms) after Patchbay's last write: a scan hit with it is an echo. */
  gc_modify: number | null;
  /** JSON of the Genesys contact as last read or written (for bulk updates without a read). */
  gc_entity: string | null;
  updated_at: number;
  /** While a person's conflict resolution writes this contact (epoch ms): one at a time per contact. */
  resolving_until: number | null;
}

export interface ContactSyncRunsTable {
  id: string;
  mode: string;
  direction: string;
  dry_run: number;
  status: 'running' | 'completed' | 'failed';
  started_at: number;
  finished_at: number | null;
  summary: string | null;
  error: string | null;
}

export interface ContactSyncConflictsTable {
  id: string;
  run_id: string;
  sf_id: string;
  gc_id: string | null;
  field: string;
  base_value: string | null;
  sf_value: string | null;
  gc_value: string | null;
  winner: string;
  reason: string;
  /** `applied`: resolved by the strategy; `open`: parked for review; `resolved`: decided by a person. */
  status: 'applied' | 'open' | 'resolved';
  resolved_value: string | null;
  resolved_by: string | null;
  created_at: number;
  resolved_at: number | null;
}

export interface ContactSyncIssuesTable {
  id: string;
  run_id: string;
  sf_id: string;
  kind: string;
  detail: string;
  created_at: number;
}

export interface ContactSyncStateTable {
  name: string;
  value: string;
  updated_at: number;
}

export const contactSyncMigrations: Migration[] = [
  {
    name: '1500-contact-sync-tables',
    async up(db) {
      await db.schema
        .createTable('contact_sync_links')
        .addColumn('sf_id', 'text', (c) => c.primaryKey())
        .addColumn('gc_id', 'text')
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('base', 'text')
        .addColumn('base_hash', 'text')
        .addColumn('sf_hash', 'text')
        .addColumn('sf_modstamp', 'bigint')
        .addColumn('gc_modify', 'bigint')
        .addColumn('gc_entity', 'text')
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('contact_sync_links_gc').on('contact_sync_links').column('gc_id').execute();
      await db.schema
        .createTable('contact_sync_runs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('mode', 'text', (c) => c.notNull())
        .addColumn('direction', 'text', (c) => c.notNull())
        .addColumn('dry_run', 'integer', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('started_at', 'bigint', (c) => c.notNull())
        .addColumn('finished_at', 'bigint')
        .addColumn('summary', 'text')
        .addColumn('error', 'text')
        .execute();
      await db.schema
        .createIndex('contact_sync_runs_started')
        .on('contact_sync_runs')
        .column('started_at')
        .execute();
      await db.schema
        .createTable('contact_sync_conflicts')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('run_id', 'text', (c) => c.notNull())
        .addColumn('sf_id', 'text', (c) => c.notNull())
        .addColumn('gc_id', 'text')
        .addColumn('field', 'text', (c) => c.notNull())
        .addColumn('base_value', 'text')
        .addColumn('sf_value', 'text')
        .addColumn('gc_value', 'text')
        .addColumn('winner', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('resolved_value', 'text')
        .addColumn('resolved_by', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('resolved_at', 'bigint')
        .execute();
      await db.schema
        .createIndex('contact_sync_conflicts_status')
        .on('contact_sync_conflicts')
        .columns(['status', 'sf_id', 'field'])
        .execute();
      await db.schema
        .createTable('contact_sync_issues')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('run_id', 'text', (c) => c.notNull())
        .addColumn('sf_id', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('detail', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('contact_sync_issues_run')
        .on('contact_sync_issues')
        .column('run_id')
        .execute();
      await db.schema
        .createTable('contact_sync_state')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
    },
  },
  {
    name: '1510-contact-sync-resolution-claim',
    async up(db) {
      await db.schema.alterTable('contact_sync_links').addColumn('resolving_until', 'bigint').execute();
    },
  },
];
