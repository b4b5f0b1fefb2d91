/**
 * One emulated org: schema, ID minting, the store, and the baseline records every org has (the
 * integration user, a support queue with its QueueSobject, a routing rule). Reset rebuilds it
 * from scratch so IDs are the same after every reset.
 */
import { IdMinter, to18 } from './ids.ts';
import { SchemaIndex } from './schema-index.ts';
import type { ObjectDef } from './schema-types.ts';
import { standardSchema } from './schema.ts';
import { installObjectRouting, objectRoutingSchema } from './object-routing.ts';
import { seed, type SeedOptions, type SeedSummary } from './seed.ts';
import { Store } from './store.ts';

export interface Org {
  orgId: string;
  schema: SchemaIndex;
  store: Store;
  /** The integration user the default connected app runs as. */
  integrationUserId: string;
  integrationUsername: string;
  supportQueueId: string;
  seed(opts?: SeedOptions): SeedSummary;
  reset(): void;
}

export function createOrg(opts: { now: () => number; schema?: ObjectDef[] }): Org {
  const schema = new SchemaIndex([...standardSchema, ...objectRoutingSchema, ...(opts.schema ?? [])]);
  const ids = new IdMinter();
  const store = new Store(schema, ids, opts.now);
  installObjectRouting(store);
  const org: Org = {
    orgId: to18('00D5P0000000001'),
    schema,
    store,
    integrationUserId: '',
    integrationUsername: 'integration@patchbay.sandbox',
    supportQueueId: '',
    seed: (o) => seed(store, o),
    reset() {
      ids.reset();
      store.clear();
      store.muted = true;
      try {
        const user = store.insert('User', {
          Username: org.integrationUsername,
          FirstName: 'Patchbay',
          LastName: 'Integration',
          Email: 'integration@patchbay.sandbox',
          Alias: 'pbint',
        });
        org.integrationUserId = user.Id as string;
        store.userId = org.integrationUserId;
        const queue = store.insert('Group', {
          Name: 'Support Queue',
          DeveloperName: 'Support_Queue',
          Type: 'Queue',
          Email: 'support@patchbay.sandbox',
        });
        org.supportQueueId = queue.Id as string;
        store.insert('QueueSobject', { QueueId: queue.Id, SobjectType: 'Case' });
        store.insert('Case_Routing_Rule__c', {
          Name: 'Default e-mail',
          Origin__c: 'Email',
          Queue_Id__c: queue.Id,
          Genesys_Queue_Id__c: 'gq-support',
          Priority__c: 1,
        });
      } finally {
        store.muted = false;
      }
    },
  };
  org.reset();
  return org;
}
