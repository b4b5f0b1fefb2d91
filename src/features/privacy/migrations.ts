/** Tables of the privacy feature. Times are epoch ms; JSON as text. */
import type { Generated } from 'kysely';
import type { Migration } from '../../platform/store/index.ts';

export type ErasureStatus = 'resolving' | 'in_progress' | 'completed';
export type StepName = 'salesforce' | 'genesys' | 'backoffice' | 'patchbay';
export type StepState = 'pending' | 'running' | 'waiting' | 'done';

declare module '../../platform/store/schema.ts' {
  interface Database {
    privacy_erasures: {
      id: string;
      status: ErasureStatus;
      /** JSON of the identifiers given; NULL once completed (only hashes remain). */
      identifiers: string | null;
      /** JSON of the resolved Subject; NULL once completed. */
      subject: string | null;
      /** JSON array of keyed hashes of the subject's e-mails and phones. */
      subject_hashes: string;
      reference: string | null;
      requested_by: string;
      received_at: number;
      due_at: number;
      completed_at: number | null;
      updated_at: number;
    };
    privacy_erasure_steps: {
      erasure_id: string;
      step: StepName;
      state: StepState;
      attempts: number;
      last_error: string | null;
      /** JSON: counts and vendor request IDs, never identifiers. */
      result: string | null;
      updated_at: number;
      completed_at: number | null;
    };
    privacy_audit: {
      id: Generated<number>;
      at: number;
      action: string;
      actor: string;
      subject_hash: string | null;
      details: string | null;
    };
    privacy_consent_state: {
      id: Generated<number>;
      /** Keyed hash of a contact ID, e-mail or phone. */
      subject_hash: string;
      consent_type: string;
      given: number;
      changed_at: number;
    };
    privacy_legal_holds: {
      id: string;
      conversation_id: string | null;
      subject_hash: string | null;
      reason: string;
      created_by: string;
      created_at: number;
      released_at: number | null;
    };
    privacy_retention_runs: {
      id: Generated<number>;
      started_at: number;
      finished_at: number;
      /** JSON report (counts, recording IDs). */
      report: string;
    };
    privacy_state: { name: string; value: string };
  }
}

const id = (dialect: string) => (dialect === 'postgres' ? 'bigserial' : 'integer');

export const privacyMigrations: Migration[] = [
  {
    name: '1600-privacy-erasures',
    async up(db) {
      await db.schema
        .createTable('privacy_erasures')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('identifiers', 'text')
        .addColumn('subject', 'text')
        .addColumn('subject_hashes', 'text', (c) => c.notNull())
        .addColumn('reference', 'text')
        .addColumn('requested_by', 'text', (c) => c.notNull())
        .addColumn('received_at', 'bigint', (c) => c.notNull())
        .addColumn('due_at', 'bigint', (c) => c.notNull())
        .addColumn('completed_at', 'bigint')
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('privacy_erasures_status_due')
        .on('privacy_erasures')
        .columns(['status', 'due_at'])
        .execute();
      await db.schema
        .createTable('privacy_erasure_steps')
        .addColumn('erasure_id', 'text', (c) => c.notNull())
        .addColumn('step', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('last_error', 'text')
        .addColumn('result', 'text')
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('completed_at', 'bigint')
        .addPrimaryKeyConstraint('privacy_erasure_steps_pk', ['erasure_id', 'step'])
        .execute();
    },
  },
  {
    name: '1601-privacy-audit',
    async up(db, dialect) {
      await db.schema
        .createTable('privacy_audit')
        .addColumn('id', id(dialect), (c) =>
          dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
        )
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('subject_hash', 'text')
        .addColumn('details', 'text')
        .execute();
      await db.schema.createIndex('privacy_audit_at').on('privacy_audit').columns(['at']).execute();
      await db.schema
        .createIndex('privacy_audit_subject')
        .on('privacy_audit')
        .columns(['subject_hash'])
        .execute();
    },
  },
  {
    name: '1602-privacy-consent-holds-retention',
    async up(db, dialect) {
      await db.schema
        .createTable('privacy_consent_state')
        .addColumn('id', id(dialect), (c) =>
          dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
        )
        .addColumn('subject_hash', 'text', (c) => c.notNull())
        .addColumn('consent_type', 'text', (c) => c.notNull())
        .addColumn('given', 'integer', (c) => c.notNull())
        .addColumn('changed_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('privacy_consent_state_subject')
        .on('privacy_consent_state')
        .columns(['subject_hash', 'consent_type', 'changed_at'])
        .execute();
      await db.schema
        .createTable('privacy_legal_holds')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('conversation_id', 'text')
        .addColumn('subject_hash', 'text')
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('released_at', 'bigint')
        .execute();
      await db.schema
        .createTable('privacy_retention_runs')
        .addColumn('id', id(dialect), (c) =>
          dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
        )
        .addColumn('started_at', 'bigint', (c) => c.notNull())
        .addColumn('finished_at', 'bigint', (c) => c.notNull())
        .addColumn('report', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('privacy_state')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .execute();
    },
  },
];

/** The privacy tables hold keyed hashes and counts, never identifiers once an erasure completes. */
export const privacyTablesWithoutPersonalData: Record<string, string> = {
  privacy_erasures: 'identifiers only while an erasure runs; replaced by keyed hashes when it completes',
  privacy_erasure_steps: 'per-step counts and vendor request IDs',
  privacy_audit: 'keyed hashes of subjects, never identifiers',
  privacy_consent_state: 'keyed hashes of contact IDs, e-mails and phones',
  privacy_legal_holds: 'conversation IDs and keyed hashes',
  privacy_retention_runs: 'counts and recording IDs',
  privacy_state: 'the generated hash key',
};
