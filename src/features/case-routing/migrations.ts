/** Case-routing tables: encrypted credentials, stream state (replay IDs), case ↔ interaction, dashboard. */
import type { Migration } from '../../platform/store/index.ts';

declare module '../../platform/store/schema.ts' {
  interface Database {
    case_routing_credentials: {
      kind: string;
      /** Non-secret settings as JSON (server, user name, login URL, client ID…). */
      data: string;
      /** The secret (password, client secret), AES-256-GCM, `pbenc:v1:<keyId>:…`. */
      secret: string;
      key_id: string;
      updated_at: number;
    };
    case_routing_state: { name: string; value: string; updated_at: number };
    case_routing_interactions: {
      entry_id: string;
      case_id: string;
      target: string;
      workgroup: string;
      interaction_id: string;
      state: string;
      created_at: number;
      updated_at: number;
    };
    case_routing_dashboard: {
      id: string;
      position: number;
      organization: string;
      server: string;
      heartbeat_url: string;
    };
  }
}

export const caseRoutingMigrations: Migration[] = [
  {
    name: '1000-case-routing-tables',
    async up(db) {
      await db.schema
        .createTable('case_routing_credentials')
        .addColumn('kind', 'text', (c) => c.primaryKey())
        .addColumn('data', 'text', (c) => c.notNull())
        .addColumn('secret', 'text', (c) => c.notNull())
        .addColumn('key_id', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('case_routing_state')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('case_routing_interactions')
        .addColumn('entry_id', 'text', (c) => c.primaryKey())
        .addColumn('case_id', 'text', (c) => c.notNull())
        .addColumn('target', 'text', (c) => c.notNull())
        .addColumn('workgroup', 'text', (c) => c.notNull())
        .addColumn('interaction_id', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('case_routing_interactions_case')
        .on('case_routing_interactions')
        .columns(['case_id', 'created_at'])
        .execute();
      await db.schema
        .createTable('case_routing_dashboard')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('position', 'integer', (c) => c.notNull())
        .addColumn('organization', 'text', (c) => c.notNull())
        .addColumn('server', 'text', (c) => c.notNull())
        .addColumn('heartbeat_url', 'text', (c) => c.notNull())
        .execute();
    },
  },
];
