/**
 * Tables of the Salesforce mirror: contacts with what a screen pop shows, one row per
 * (normalised number, contact, field), and the sync state (replay IDs, watermarks, load status).
 */
import type { Migration } from '../../platform/store/index.ts';

declare module '../../platform/store/schema.ts' {
  interface Database {
    sf_mirror_contacts: SfMirrorContactsTable;
    sf_mirror_phones: SfMirrorPhonesTable;
    sf_mirror_state: SfMirrorStateTable;
  }
}

export interface SfMirrorContactsTable {
  id: string;
  first_name: string | null;
  last_name: string | null;
  email: string | null;
  account_id: string | null;
  account_name: string | null;
  /** The Account's `SystemModstamp` (or a change event's `LastModifiedDate`) `account_name` was read at; a rename never goes backwards either. */
  account_modstamp: number | null;
  tier: string | null;
  /** Salesforce `SystemModstamp` (epoch ms) of the version held; writes never go backwards. */
  modstamp: number;
  /** 1 = deleted in Salesforce (a tombstone, so a stale page cannot bring it back). */
  deleted: number;
  /** Epoch ms when the hub wrote this row. */
  synced_at: number;
}

export interface SfMirrorPhonesTable {
  /** E.164 key from `src/platform/phone`. */
  phone_key: string;
  contact_id: string;
  /** The Salesforce field the number came from (`Phone`, `MobilePhone`, …). */
  field: string;
}

export interface SfMirrorStateTable {
  name: string;
  value: string;
  updated_at: number;
}

export const sfMirrorMigrations: Migration[] = [
  {
    name: '1300-sf-mirror-contacts',
    async up(db) {
      await db.schema
        .createTable('sf_mirror_contacts')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('first_name', 'text')
        .addColumn('last_name', 'text')
        .addColumn('email', 'text')
        .addColumn('account_id', 'text')
        .addColumn('account_name', 'text')
        .addColumn('tier', 'text')
        .addColumn('modstamp', 'bigint', (c) => c.notNull())
        .addColumn('deleted', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('synced_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('sf_mirror_contacts_account')
        .on('sf_mirror_contacts')
        .column('account_id')
        .execute();
      await db.schema
        .createTable('sf_mirror_phones')
        .addColumn('phone_key', 'text', (c) => c.notNull())
        .addColumn('contact_id', 'text', (c) => c.notNull())
        .addColumn('field', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('sf_mirror_phones_pk', ['phone_key', 'contact_id', 'field'])
        .execute();
      await db.schema
        .createIndex('sf_mirror_phones_contact')
        .on('sf_mirror_phones')
        .column('contact_id')
        .execute();
      await db.schema
        .createTable('sf_mirror_state')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
    },
  },
  {
    name: '1301-sf-mirror-account-modstamp',
    async up(db) {
      await db.schema.alterTable('sf_mirror_contacts').addColumn('account_modstamp', 'bigint').execute();
    },
  },
];
