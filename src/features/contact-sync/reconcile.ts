/**
 * Reconciliation: both systems read whole — every Salesforce contact (query pages) and every Genesys
 * external contact (the scan API) — against the links, to list the drift an incremental sync cannot
 * see: a linked Genesys contact deleted behind its back, agent edits a one-way sync will overwrite,
 * duplicates and orphans made outside Patchbay. Read-only: it never writes to either side.
 *
 * `compareSides` is the pure comparison; `reconcile` does the reading.
 */
import type { CountryCode } from 'libphonenumber-js';
import platformClient from 'purecloud-platform-client-v2';
import type { GenesysConnector } from '../../connectors/genesys/client.ts';
import type { SalesforceConnector } from '../../connectors/salesforce/client.ts';
import { soql, soqlFields } from '../../connectors/salesforce/soql.ts';
import type { Clock } from '../../platform/jobs/index.ts';
import type { Logger } from '../../platform/log/logger.ts';
import type { Store } from '../../platform/store/index.ts';
import { vendorRetry } from './backoff.ts';
import { salesforceFields, type FieldMapping } from './mapping.ts';
import { chunk } from './plan.ts';
import { contentHash, fromGenesys, fromSalesforce, sameValue } from './values.ts';

type Json = Record<string, unknown>;

/**
 * - `missing_in_genesys`: a Salesforce contact with no Genesys contact (not synced yet, or skipped:
 *   `reason` is its latest sync issue, e.g. `ambiguous`, `consent_withdrawn`);
 * - `link_broken`: linked, but the linked Genesys contact no longer exists;
 * - `values_differ`: linked, and mapped fields differ (`fields`; invalid values that are never sent
 *   are not counted);
 * - `duplicate_in_genesys`: more than one Genesys contact carries the Salesforce ID;
 * - `unlinked_in_genesys`: a Genesys contact carries the Salesforce ID but no link points to it
 *   (e.g. a create whose answer was lost);
 * - `orphan_in_genesys`: a Genesys contact carries the ID of a contact Salesforce no longer has.
 */
export const DRIFT_KINDS = [
  'missing_in_genesys',
  'link_broken',
  'values_differ',
  'duplicate_in_genesys',
  'unlinked_in_genesys',
  'orphan_in_genesys',
] as const;
export type DriftKind = (typeof DRIFT_KINDS)[number];

export interface DriftRecord {
  kind: DriftKind;
  sfId: string;
  gcIds: string[];
  fields?: string[];
  /** Content hashes of the mapped values on each side (`values_differ`). */
  hashes?: { salesforce: string; genesys: string };
  reason?: string;
}

export interface LinkState {
  sf_id: string;
  gc_id: string | null;
  state: 'linked' | 'creating' | 'deleted';
}

export interface Comparison {
  salesforce: number;
  genesys: { contacts: number; fromSalesforce: number };
  links: Record<LinkState['state'], number>;
  inSync: number;
  drift: { total: number; byKind: Record<DriftKind, number>; records: DriftRecord[]; truncated: boolean };
}

export interface ReconcileReport extends Comparison {
  apiCalls: { salesforce: number; genesys: number };
  durationMs: number;
}

/** The Salesforce IDs a Genesys contact carries as external IDs of `sourceId`. */
function carriedIds(c: Json, sourceId: string | undefined): string[] {
  if (sourceId === undefined) return [];
  const ext =
    (c.externalIds as Array<{ externalSource?: { id?: string }; value?: unknown }> | undefined) ?? [];
  return ext
    .filter((x) => x.externalSource?.id === sourceId)
    .map((x) => x.value)
    .filter((v): v is string => typeof v === 'string');
}

/** Mapped fields whose values differ; a value invalid on either side (never sent) is no difference. */
function differingFields(
  sf: Json,
  gc: Json,
  mapping: readonly FieldMapping[],
  region: CountryCode,
): { fields: string[]; hashes: { salesforce: string; genesys: string } } {
  const a = fromSalesforce(sf, mapping, region);
  const b = fromGenesys(gc, mapping, region);
  const invalid = new Set([...a.invalid, ...b.invalid].map((i) => i.key));
  const fields = mapping
    .filter((m) => !invalid.has(m.key) && !sameValue(a.values[m.key], b.values[m.key], m.type))
    .map((m) => m.key);
  return {
    fields,
    hashes: { salesforce: contentHash(a.values, mapping), genesys: contentHash(b.values, mapping) },
  };
}

export function compareSides(input: {
  salesforce: readonly Json[];
  genesys: readonly Json[];
  links: readonly LinkState[];
  mapping: readonly FieldMapping[];
  region: CountryCode;
  /** The Genesys external source of Salesforce IDs; undefined when it does not exist yet. */
  sourceId: string | undefined;
  /** Drift records listed at most (the counts cover all). */
  limit: number;
}): Comparison {
  const gcById = new Map<string, Json>();
  const carriers = new Map<string, string[]>();
  for (const c of input.genesys) {
    if (typeof c.id !== 'string') continue;
    gcById.set(c.id, c);
    for (const sfId of carriedIds(c, input.sourceId))
      carriers.set(sfId, [...(carriers.get(sfId) ?? []), c.id]);
  }
  const linkBySf = new Map(input.links.map((l) => [l.sf_id, l]));
  const byKind = Object.fromEntries(DRIFT_KINDS.map((k) => [k, 0])) as Record<DriftKind, number>;
  const records: DriftRecord[] = [];
  const add = (r: DriftRecord) => {
    byKind[r.kind]++;
    if (records.length < input.limit) records.push(r);
  };

  let inSync = 0;
  const sfIds = new Set<string>();
  for (const sf of input.salesforce) {
    if (typeof sf.Id !== 'string') continue;
    const sfId = sf.Id;
    sfIds.add(sfId);
    const link = linkBySf.get(sfId);
    const carrying = carriers.get(sfId) ?? [];
    const linkedId = link?.state === 'linked' ? (link.gc_id ?? undefined) : undefined;
    const others = carrying.filter((id) => id !== linkedId);
    if (carrying.length > 1) add({ kind: 'duplicate_in_genesys', sfId, gcIds: carrying });
    if (linkedId === undefined) {
      if (carrying.length > 0) add({ kind: 'unlinked_in_genesys', sfId, gcIds: carrying });
      else add({ kind: 'missing_in_genesys', sfId, gcIds: [] });
      continue;
    }
    const gc = gcById.get(linkedId);
    if (gc === undefined) {
      add({ kind: 'link_broken', sfId, gcIds: [linkedId, ...others] });
      continue;
    }
    const diff = differingFields(sf, gc, input.mapping, input.region);
    if (diff.fields.length > 0) add({ kind: 'values_differ', sfId, gcIds: [linkedId], ...diff });
    else if (carrying.length <= 1) inSync++;
  }
  for (const [sfId, gcIds] of carriers) if (!sfIds.has(sfId)) add({ kind: 'orphan_in_genesys', sfId, gcIds });

  const links = { linked: 0, creating: 0, deleted: 0 };
  for (const l of input.links) links[l.state]++;
  const total = Object.values(byKind).reduce((a, b) => a + b, 0);
  return {
    salesforce: sfIds.size,
    genesys: {
      contacts: gcById.size,
      fromSalesforce: [...gcById.values()].filter((c) => carriedIds(c, input.sourceId).length > 0).length,
    },
    links,
    inSync,
    drift: { total, byKind, records, truncated: total > records.length },
  };
}

export interface ReconcileDeps {
  store: Store;
  log: Logger;
  clock: Clock;
  salesforce: SalesforceConnector;
  genesys: GenesysConnector;
  mapping: readonly FieldMapping[];
  region: CountryCode;
  externalSourceName: string;
  maxAttempts: number;
  sleep?: (ms: number) => Promise<void>;
}

/** Reads both sides and the links, then compares them (see `compareSides`). */
export async function reconcile(d: ReconcileDeps, opts: { limit?: number } = {}): Promise<ReconcileReport> {
  const started = d.clock.now();
  const retry = vendorRetry({
    maxAttempts: d.maxAttempts,
    sleep: d.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))),
    log: d.log,
  });
  const calls = { salesforce: 0, genesys: 0 };

  const salesforce: Json[] = [];
  await d.salesforce.queryPages<Json>(
    soql`SELECT ${soqlFields(salesforceFields(d.mapping))} FROM Contact ORDER BY Id`,
    async (page) => {
      calls.salesforce++;
      salesforce.push(...page.records);
    },
    { pageSize: 2000 },
  );

  const api = () => d.genesys.api(platformClient.ExternalContactsApi);
  calls.genesys++;
  const sources = await retry('externalSources.list', () =>
    d.genesys.call('externalContacts.externalSources', () =>
      api().getExternalcontactsExternalsources({ name: d.externalSourceName }),
    ),
  );
  const sourceId = (sources.entities ?? []).find((s) => s.name === d.externalSourceName)?.id;
  const genesys: Json[] = [];
  let cursor: string | undefined;
  do {
    const after = cursor;
    calls.genesys++;
    const page = await retry('externalContacts.scan', () =>
      d.genesys.externalContacts.scanPage({ cursor: after }),
    );
    genesys.push(...(page.entities as Json[]));
    cursor = page.after;
  } while (cursor !== undefined);

  const links = await d.store.db
    .selectFrom('contact_sync_links')
    .select(['sf_id', 'gc_id', 'state'])
    .execute();
  const comparison = compareSides({
    salesforce,
    genesys,
    links,
    mapping: d.mapping,
    region: d.region,
    sourceId,
    limit: opts.limit ?? 100,
  });
  await explainMissing(d.store, comparison.drift.records);
  return { ...comparison, apiCalls: calls, durationMs: d.clock.now() - started };
}

/** A contact missing in Genesys gets its latest sync issue as the reason (parked, skipped, invalid). */
async function explainMissing(store: Store, records: DriftRecord[]): Promise<void> {
  const missing = records.filter((r) => r.kind === 'missing_in_genesys');
  for (const part of chunk(missing, 500)) {
    const rows = await store.db
      .selectFrom('contact_sync_issues')
      .select(['sf_id', 'kind', 'created_at'])
      .where(
        'sf_id',
        'in',
        part.map((r) => r.sfId),
      )
      .orderBy('created_at', 'asc')
      .execute();
    const latest = new Map(rows.map((r) => [r.sf_id, r.kind]));
    for (const r of part) {
      const reason = latest.get(r.sfId);
      if (reason !== undefined) r.reason = reason;
    }
  }
}
