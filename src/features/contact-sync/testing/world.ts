/**
 * Test and bench support: the Salesforce and Genesys emulators seeded with contacts, and a
 * contact-sync service over a given store (any dialect) reaching them through real connectors.
 * Used by the integration tests, the SIGKILL child process and `bench/contact-sync.ts`.
 */
import { startGenesysSandbox, type GenesysSandbox } from '../../../../sandbox/genesys/index.ts';
import { startSalesforceSandbox, type SalesforceSandbox } from '../../../../sandbox/salesforce/index.ts';
import { createConnectors, type Connectors } from '../../../connectors/index.ts';
import { soql } from '../../../connectors/salesforce/soql.ts';
import { loadConfig } from '../../../platform/config/load.ts';
import type { Logger } from '../../../platform/log/logger.ts';
import { createMetrics } from '../../../platform/metrics/registry.ts';
import type { Store } from '../../../platform/store/index.ts';
import { defaultSyncOptions, type ContactSyncOptions } from '../engine.ts';
import { defaultMapping } from '../mapping.ts';
import { createContactSync } from '../service.ts';

export interface Sandboxes {
  sf: SalesforceSandbox;
  gc: GenesysSandbox;
  /** SALESFORCE_* and GENESYS_* settings reaching both (hand them to a child process). */
  env: Record<string, string>;
  close(): Promise<void>;
}

const SF_CLIENT = { clientId: 'pb-cs-sf', clientSecret: 'contact-sync-sf-secret-0001' };
const GC_CLIENT = { clientId: 'pb-cs-gc', clientSecret: 'contact-sync-gc-secret-0001' };

/** Salesforce seeded with `accounts × perAccount` contacts; Genesys empty, at `rateLimitPerMinute`. */
export async function startSandboxes(o: {
  accounts: number;
  perAccount: number;
  rateLimitPerMinute: number;
  /** Latency added to every Genesys API call (bench: 100 ms). */
  latencyMs?: number;
  faultRetryAfterSeconds?: number;
}): Promise<Sandboxes> {
  const sf = await startSalesforceSandbox({
    seed: { accounts: o.accounts, contactsPerAccount: o.perAccount },
    clients: [SF_CLIENT],
  });
  const gc = await startGenesysSandbox({
    rateLimitPerMinute: o.rateLimitPerMinute,
    ...(o.faultRetryAfterSeconds === undefined ? {} : { faultRetryAfterSeconds: o.faultRetryAfterSeconds }),
  });
  gc.seed({ externalContacts: 0 });
  gc.addOAuthClient(GC_CLIENT);
  if (o.latencyMs !== undefined) await setFaults(gc, [{ pathPrefix: '/api/v2/', latencyMs: o.latencyMs }]);
  return {
    sf,
    gc,
    env: {
      SALESFORCE_LOGIN_URL: sf.url,
      SALESFORCE_CLIENT_ID: SF_CLIENT.clientId,
      SALESFORCE_CLIENT_SECRET: SF_CLIENT.clientSecret,
      SALESFORCE_API_VERSION: '65.0',
      GENESYS_API_URL: gc.url,
      GENESYS_CLIENT_ID: GC_CLIENT.clientId,
      GENESYS_CLIENT_SECRET: GC_CLIENT.clientSecret,
      GENESYS_RATE_LIMIT_PER_MINUTE: String(o.rateLimitPerMinute),
    },
    close: async () => {
      await Promise.all([sf.close(), gc.close()]);
    },
  };
}

/** Replaces the Genesys emulator's fault rules (latency, error rates, outages). */
export async function setFaults(gc: GenesysSandbox, rules: unknown[]): Promise<void> {
  const res = await fetch(`${gc.url}/__sandbox/faults`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ rules }),
  });
  if (!res.ok) throw new Error(`faults: ${res.status}`);
}

/** A contact-sync service on `store` (migrated with the leader and contact-sync migrations). */
export function openContactSync(
  store: Store,
  env: Record<string, string>,
  o: {
    log: Logger;
    leaseMs?: number;
    options?: Partial<ContactSyncOptions>;
    sleep?: (ms: number) => Promise<void>;
  },
): { sync: ReturnType<typeof createContactSync>; connectors: Connectors; close(): Promise<void> } {
  // The connectors take their settings from the config; the database is the given store.
  const config = loadConfig({ env: { ...env, PATCHBAY_SQLITE_PATH: ':memory:' } });
  const connectors = createConnectors(config, { store, log: o.log, metrics: createMetrics() });
  const sync = createContactSync({
    store,
    log: o.log,
    clock: { now: () => Date.now() },
    salesforce: connectors.salesforce,
    genesys: connectors.genesys,
    options: { ...defaultSyncOptions, mapping: defaultMapping, ...o.options },
    ...(o.leaseMs === undefined ? {} : { leaseMs: o.leaseMs }),
    ...(o.sleep ? { sleep: o.sleep } : {}),
  });
  return { sync, connectors, close: () => connectors.close() };
}

/** Genesys contacts by the Salesforce ID in their `externalIds` (emulator state, not the API). */
export function genesysBySf(gc: GenesysSandbox): Map<string, Array<Record<string, unknown>>> {
  const out = new Map<string, Array<Record<string, unknown>>>();
  for (const c of gc.contacts.search('')) {
    for (const x of (c.externalIds as Array<{ value: string }> | undefined) ?? []) {
      const list = out.get(x.value) ?? [];
      list.push(c);
      out.set(x.value, list);
    }
  }
  return out;
}

/** Every Salesforce contact with its e-mail (lower case), through the API. */
export async function salesforceContacts(
  connectors: Connectors,
): Promise<Array<{ Id: string; Email: string | null }>> {
  const res = await connectors.salesforce!.query<{ Id: string; Email: string | null }>(
    soql`SELECT Id, Email FROM Contact`,
    { maxRecords: 1e7 },
  );
  return res.records.map((r) => ({ Id: r.Id, Email: r.Email === null ? null : r.Email.toLowerCase() }));
}

/**
 * The Salesforce seed gives every 20th contact the e-mail of the one before (they are parked as
 * ambiguous, never synced). Scenarios that count "every contact linked" give those their own
 * e-mail first, through the API; returns how many were changed.
 */
export async function makeEmailsUnique(connectors: Connectors): Promise<number> {
  const seen = new Set<string>();
  const changes: Array<{ Id: string; Email: string }> = [];
  for (const c of await salesforceContacts(connectors)) {
    if (c.Email === null) continue;
    if (seen.has(c.Email)) changes.push({ Id: c.Id, Email: `unique.${c.Id.toLowerCase()}@example.com` });
    seen.add(c.Email);
  }
  if (changes.length > 0) await connectors.salesforce!.collections.update('Contact', changes);
  return changes.length;
}
