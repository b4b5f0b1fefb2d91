/**
 * One sync run: read what changed in Salesforce (watermark, full, or ids from a change feed) and,
 * bi-directionally, in Genesys (`modifyDate` scan), decide per record with the pure functions
 * (match → merge → writes), then write in bulk batches. Every step stores its outcome before the
 * next one, so a run killed at any point is finished by the next run without duplicates:
 *
 * - a create is journaled (`state = creating`) before the bulk call; the next run looks the
 *   contact up by its `externalIds` before creating again;
 * - the Salesforce watermark advances only past records whose outcome is stored.
 */
import { randomUUID } from 'node:crypto';
import type { CountryCode } from 'libphonenumber-js';
import platformClient from 'purecloud-platform-client-v2';
import type { GenesysConnector } from '../../connectors/genesys/client.ts';
import { genesysVendor } from '../../connectors/genesys/vendor.ts';
import type { SalesforceConnector } from '../../connectors/salesforce/client.ts';
import { soql, soqlFields } from '../../connectors/salesforce/soql.ts';
import { isVendorError } from '../../connectors/errors.ts';
import type { Alerts } from '../../platform/alerts/index.ts';
import { RetryableError, type Clock } from '../../platform/jobs/index.ts';
import type { Logger } from '../../platform/log/logger.ts';
import type { Store } from '../../platform/store/index.ts';
import { salesforceFields, type Direction, type FieldMapping } from './mapping.ts';
import { duplicateEmails, matchContact, type Candidate, type MatchSubject } from './match.ts';
import { mergeRecord, type Conflict, type Strategy, type Winner } from './merge.ts';
import { vendorRetry } from './backoff.ts';
import { createBatcher, createPipeline, type Batcher, type Pipeline } from './pipeline.ts';
import { bulkErrorAction, chunk, compareWatermark, parseTime, querySince, type Watermark } from './plan.ts';
import {
  applyToGenesys,
  contentHash,
  fromGenesys,
  fromSalesforce,
  patchChanges,
  toSalesforce,
  type Values,
} from './values.ts';

type Json = Record<string, unknown>;
type Contact = platformClient.Models.ExternalContact;

export type SyncMode = 'incremental' | 'full' | 'cdc';
export type SyncDirection = 'sf-to-gc' | 'both';

export interface ContactSyncOptions {
  mapping: readonly FieldMapping[];
  region: CountryCode;
  /** Entities per bulk call (default 100). */
  batchSize: number;
  strategy: Strategy;
  tie: Winner;
  direction: SyncDirection;
  /** What a Salesforce deletion does in Genesys. */
  onDelete: 'remove' | 'mark';
  matchByNameAndAccount: boolean;
  /** Re-read window of the Salesforce watermark (default 60 s). */
  overlapMs: number;
  externalSourceName: string;
  /** Attempts of one call on 429/503 before the run fails (and its job retries). */
  maxAttempts: number;
}

export const defaultSyncOptions: Omit<ContactSyncOptions, 'mapping'> = {
  region: 'US',
  batchSize: 100,
  strategy: 'field-priority',
  tie: 'salesforce',
  direction: 'sf-to-gc',
  onDelete: 'remove',
  matchByNameAndAccount: false,
  overlapMs: 60_000,
  externalSourceName: 'Salesforce',
  maxAttempts: 8,
};

/** Who a consent question is about (the privacy feature's subject shape, without importing it). */
export interface ConsentSubject {
  contactId: string;
  email?: string | undefined;
  phone?: string | undefined;
}

/**
 * May this contact be synced? Passed in by the composition root (`src/app.ts`: privacy's
 * `hasConsent(subject, 'sync')`); false → the record is skipped (issue `consent_withdrawn`).
 */
export type ConsentCheck = (subject: ConsentSubject) => Promise<boolean>;

export interface RunRequest {
  mode?: SyncMode;
  direction?: SyncDirection;
  dryRun?: boolean;
  /** CDC: Salesforce IDs that changed (from the mirror's change feed). */
  ids?: readonly string[];
  onProgress?: (done: number, total: number) => void;
  /** False once the run's lease is lost (see service.ts): the run stops before its next write. */
  holdsLease?: () => boolean;
}

export interface RunSummary {
  runId: string;
  mode: SyncMode;
  direction: SyncDirection;
  dryRun: boolean;
  read: number;
  created: number;
  updated: number;
  updatedInSalesforce: number;
  deleted: number;
  unchanged: number;
  skipped: number;
  failed: number;
  parked: number;
  conflicts: number;
  echoes: number;
  apiCalls: { genesys: number; salesforce: number };
  durationMs: number;
  /** Dry runs: what would be written. */
  planned?: { creates: number; updates: number; deletes: number; salesforceUpdates: number };
}

export interface EngineDeps {
  store: Store;
  log: Logger;
  clock: Clock;
  salesforce: SalesforceConnector;
  genesys: GenesysConnector;
  alerts?: Alerts | undefined;
  options: ContactSyncOptions;
  sleep?: (ms: number) => Promise<void>;
  /** Consent for the `sync` purpose; absent = every contact may be synced. */
  consent?: ConsentCheck | undefined;
}

interface LinkRow {
  sf_id: string;
  gc_id: string | null;
  state: 'linked' | 'creating' | 'deleted';
  base: string | null;
  base_hash: string | null;
  sf_hash: string | null;
  sf_modstamp: number | null;
  gc_modify: number | null;
  gc_entity: string | null;
}

interface SfRecord {
  id: string;
  modstamp: number;
  deleted: boolean;
  raw: Json;
}

const STATE = {
  watermark: 'sf.watermark',
  gcWatermark: 'gc.watermark',
  sourceId: 'gc.externalSourceId',
} as const;

/**
 * Bulk calls in flight at once. At 300 requests/min a token comes every 200 ms; 4 calls in flight
 * keep the limit used with up to ~800 ms per call (latency + bookkeeping).
 */
const IN_FLIGHT = 4;

const sleepDefault = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Thrown when a batch fails for a reason other than the seed's per-record table: the run stops and alerts. */
export class SyncBatchError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SyncBatchError';
  }
}

export function createSyncEngine(d: EngineDeps) {
  const { store, clock, options: o } = d;
  const db = store.db;
  const sleep = d.sleep ?? sleepDefault;
  const log = d.log.child({ feature: 'contact-sync' });
  const mapping = o.mapping;
  const sfFields = salesforceFields(mapping);

  async function getState(name: string): Promise<string | undefined> {
    const r = await db
      .selectFrom('contact_sync_state')
      .select('value')
      .where('name', '=', name)
      .executeTakeFirst();
    return r?.value;
  }
  async function setState(name: string, value: string): Promise<void> {
    const now = clock.now();
    await db
      .insertInto('contact_sync_state')
      .values({ name, value, updated_at: now })
      .onConflict((oc) => oc.column('name').doUpdateSet({ value, updated_at: now }))
      .execute();
  }

  async function loadLinks(ids: readonly string[]): Promise<Map<string, LinkRow>> {
    const out = new Map<string, LinkRow>();
    for (const part of chunk(ids, 400)) {
      if (part.length === 0) continue;
      const rows = await db.selectFrom('contact_sync_links').selectAll().where('sf_id', 'in', part).execute();
      for (const r of rows)
        out.set(r.sf_id, {
          ...r,
          sf_modstamp: r.sf_modstamp === null ? null : Number(r.sf_modstamp),
          gc_modify: r.gc_modify === null ? null : Number(r.gc_modify),
        });
    }
    return out;
  }

  async function saveLinks(rows: readonly LinkRow[]): Promise<void> {
    if (rows.length === 0) return;
    const now = clock.now();
    await store.transaction(async (trx) => {
      for (const part of chunk(rows, 200))
        await trx
          .insertInto('contact_sync_links')
          .values(part.map((r) => ({ ...r, updated_at: now })))
          .onConflict((oc) =>
            oc.column('sf_id').doUpdateSet((eb) => ({
              gc_id: eb.ref('excluded.gc_id'),
              state: eb.ref('excluded.state'),
              base: eb.ref('excluded.base'),
              base_hash: eb.ref('excluded.base_hash'),
              sf_hash: eb.ref('excluded.sf_hash'),
              sf_modstamp: eb.ref('excluded.sf_modstamp'),
              gc_modify: eb.ref('excluded.gc_modify'),
              gc_entity: eb.ref('excluded.gc_entity'),
              updated_at: eb.ref('excluded.updated_at'),
            })),
          )
          .execute();
    });
  }

  const withRetry = vendorRetry({ maxAttempts: o.maxAttempts, sleep, log });

  async function externalSourceId(dryRun: boolean): Promise<string | undefined> {
    const cached = await getState(STATE.sourceId);
    if (cached !== undefined) return cached;
    const api = () => d.genesys.api(platformClient.ExternalContactsApi);
    const list = await withRetry('externalSources.list', () =>
      d.genesys.call('externalContacts.externalSources', () =>
        api().getExternalcontactsExternalsources({ name: o.externalSourceName }),
      ),
    );
    let id = (list.entities ?? []).find((s) => s.name === o.externalSourceName)?.id;
    if (id === undefined) {
      if (dryRun) return undefined;
      const created = await withRetry('externalSources.create', () =>
        d.genesys.call('externalContacts.createExternalSource', () =>
          api().postExternalcontactsExternalsources({ name: o.externalSourceName, active: true }),
        ),
      );
      id = created.id;
    }
    if (id !== undefined) await setState(STATE.sourceId, id);
    return id;
  }

  function sfIdsOf(c: Json, sourceId: string | undefined): string[] {
    const ext =
      (c.externalIds as Array<{ externalSource?: { id?: string }; value?: string }> | undefined) ?? [];
    return ext
      .filter((x) => sourceId === undefined || x.externalSource?.id === sourceId)
      .map((x) => x.value)
      .filter((v): v is string => typeof v === 'string');
  }

  function candidateOf(c: Json, sourceId: string | undefined, linkedSfId?: string): Candidate {
    const v = fromGenesys(c, mapping, o.region).values;
    const emails = ['workEmail', 'personalEmail', 'otherEmail']
      .map((f) => c[f])
      .filter((e): e is string => typeof e === 'string');
    const phones = ['workPhone', 'cellPhone', 'homePhone', 'otherPhone']
      .map((f) => (c[f] as { e164?: string } | undefined)?.e164)
      .filter((p): p is string => typeof p === 'string');
    return {
      id: String(c.id),
      externalIds: sfIdsOf(c, sourceId),
      emails,
      phones,
      firstName: typeof c.firstName === 'string' ? c.firstName : null,
      lastName: typeof c.lastName === 'string' ? c.lastName : null,
      accountId: typeof v.accountId === 'string' ? v.accountId : null,
      linkedSfId,
    };
  }

  function subjectOf(r: SfRecord, values: Values): MatchSubject {
    const phones = mapping
      .filter((m) => m.type === 'phone')
      .map((m) => values[m.key])
      .filter((p): p is string => typeof p === 'string');
    const str = (k: string) => (typeof values[k] === 'string' ? values[k] : null);
    return {
      sfId: r.id,
      email: str('email'),
      phones,
      firstName: str('firstName'),
      lastName: str('lastName'),
      accountId: typeof r.raw.AccountId === 'string' ? r.raw.AccountId : null,
    };
  }

  /** Genesys contacts that may be this record: by e-mail, then by each phone (≤ 25 each). */
  async function lookupCandidates(subject: MatchSubject): Promise<Contact[]> {
    const seen = new Map<string, Contact>();
    const keys = [subject.email, ...subject.phones].filter((k): k is string => k !== null && k !== '');
    for (const key of keys) {
      const found = await withRetry('reverseLookup', () => d.genesys.externalContacts.reverseLookup(key));
      for (const c of found) if (c.id !== undefined) seen.set(c.id, c);
      if (seen.size > 0) break;
    }
    if (seen.size === 0 && subject.lastName !== null) {
      const q = [subject.firstName, subject.lastName].filter((x) => x !== null).join(' ');
      const res = await withRetry('search', () => d.genesys.externalContacts.search(q, { pageSize: 25 }));
      for (const c of res.entities ?? []) if (c.id !== undefined) seen.set(c.id, c);
    }
    return [...seen.values()];
  }

  /**
   * The contact a journaled create made, if it reached Genesys: the one carrying this record's
   * Salesforce ID. Every e-mail and phone is tried (a shared number can fill the 25 a lookup
   * returns with others), then the name search page by page (a common name fills more than one
   * page). `complete` is false when the search window ended before the results did: absence is
   * then not proven.
   */
  async function findJournaledCreate(
    subject: MatchSubject,
    sourceId: string | undefined,
  ): Promise<{ found: Contact | undefined; complete: boolean }> {
    const carries = (c: Contact) => sfIdsOf(c as Json, sourceId).includes(subject.sfId);
    const keys = [subject.email, ...subject.phones].filter((k): k is string => k !== null && k !== '');
    for (const key of keys) {
      const found = await withRetry('reverseLookup', () => d.genesys.externalContacts.reverseLookup(key));
      const hit = found.find(carries);
      if (hit !== undefined) return { found: hit, complete: true };
    }
    if (subject.lastName === null) return { found: undefined, complete: true };
    const q = [subject.firstName, subject.lastName].filter((x) => x !== null).join(' ');
    const pageSize = 100;
    for (let pageNumber = 1; pageNumber * pageSize <= genesysVendor.searchWindow; pageNumber++) {
      const res = await withRetry('search', () =>
        d.genesys.externalContacts.search(q, { pageSize, pageNumber }),
      );
      const hit = (res.entities ?? []).find(carries);
      if (hit !== undefined) return { found: hit, complete: true };
      if (pageNumber >= (res.pageCount ?? 1)) return { found: undefined, complete: true };
    }
    return { found: undefined, complete: false };
  }

  async function readSalesforce(
    req: RunRequest,
    mode: SyncMode,
    since: Date | undefined,
    s: RunSummary,
    onPage: (records: SfRecord[]) => Promise<void>,
  ): Promise<void> {
    const toRecord = (raw: Json): SfRecord | undefined => {
      const id = raw.Id;
      if (typeof id !== 'string') return undefined;
      return { id, modstamp: parseTime(raw.SystemModstamp) ?? 0, deleted: raw.IsDeleted === true, raw };
    };
    const handle = async (page: { records: Json[] }) => {
      s.apiCalls.salesforce++; // one query page
      await onPage(page.records.map(toRecord).filter((r): r is SfRecord => r !== undefined));
    };
    const fields = soqlFields(sfFields);
    if (mode === 'cdc') {
      for (const ids of chunk([...new Set(req.ids ?? [])], 200)) {
        if (ids.length === 0) continue;
        await d.salesforce.queryPages<Json>(
          soql`SELECT ${fields} FROM Contact WHERE Id IN ${ids} ORDER BY SystemModstamp, Id`,
          handle,
          { all: true, pageSize: 2000 },
        );
      }
      return;
    }
    if (mode === 'full') {
      await d.salesforce.queryPages<Json>(
        soql`SELECT ${fields} FROM Contact ORDER BY SystemModstamp, Id`,
        handle,
        { pageSize: 2000 },
      );
      return;
    }
    await d.salesforce.queryPages<Json>(
      soql`SELECT ${fields} FROM Contact WHERE SystemModstamp >= ${since ?? new Date(0)} ORDER BY SystemModstamp, Id`,
      handle,
      { all: true, pageSize: 2000 },
    );
  }

  /** Genesys contacts modified after the stored watermark (newest first, ≤ 1,000: the search window). */
  async function scanGenesys(): Promise<{
    changed: Map<string, Contact>;
    total: number;
    complete: boolean;
    newest: number | undefined;
  }> {
    const wm = Number((await getState(STATE.gcWatermark)) ?? '0');
    const changed = new Map<string, Contact>();
    let total = 0;
    let newest: number | undefined;
    const pageSize = 100;
    for (let page = 1; page * pageSize <= 1000; page++) {
      const api = () => d.genesys.api(platformClient.ExternalContactsApi);
      const res = await withRetry('scan', () =>
        d.genesys.call('externalContacts.scan', () =>
          api().getExternalcontactsContacts({
            pageSize,
            pageNumber: page,
            sortOrder: 'modifyDate:desc',
          }),
        ),
      );
      total = res.total ?? 0;
      const list = res.entities ?? [];
      for (const c of list) {
        const t = parseTime(c.modifyDate);
        if (newest === undefined || (t !== undefined && t > newest)) newest = t;
        if (t !== undefined && t <= wm) return { changed, total, complete: true, newest };
        if (c.id !== undefined) changed.set(c.id, c);
      }
      if (list.length < pageSize) return { changed, total, complete: true, newest };
    }
    // More than the search window changed: read every linked contact in bulk (100 per call).
    const ids = (
      await db.selectFrom('contact_sync_links').select('gc_id').where('state', '=', 'linked').execute()
    )
      .map((r) => r.gc_id)
      .filter((id): id is string => id !== null && !changed.has(id));
    const api = () => d.genesys.api(platformClient.ExternalContactsApi);
    for (const part of chunk(ids, o.batchSize)) {
      const res = (await withRetry('bulkGet', () =>
        d.genesys.call('externalContacts.bulkGet', () =>
          api().postExternalcontactsBulkContacts({ entities: part.map((id) => ({ id })) }),
        ),
      )) as { results?: Array<{ success?: boolean; entity?: Contact }> };
      for (const r of res.results ?? []) {
        const c = r.entity;
        const t = parseTime(c?.modifyDate);
        if (r.success === true && c?.id !== undefined && t !== undefined && t > wm) changed.set(c.id, c);
      }
    }
    return { changed, total, complete: true, newest };
  }

  async function countGenesys(): Promise<number> {
    const api = () => d.genesys.api(platformClient.ExternalContactsApi);
    const res = await withRetry('count', () =>
      d.genesys.call('externalContacts.count', () =>
        api().getExternalcontactsContacts({ pageSize: 1, pageNumber: 1 }),
      ),
    );
    return res.total ?? 0;
  }

  async function audit(
    runId: string,
    sfId: string,
    gcId: string | null,
    conflicts: readonly Conflict[],
  ): Promise<number> {
    if (conflicts.length === 0) return 0;
    const now = clock.now();
    const j = (v: unknown) => (v === undefined ? null : JSON.stringify(v));
    let parked = 0;
    await store.transaction(async (trx) => {
      for (const c of conflicts) {
        if (c.winner === 'manual') {
          parked++;
          // One open conflict per (record, field): a later run updates it rather than adding another.
          const open = await trx
            .selectFrom('contact_sync_conflicts')
            .select('id')
            .where('status', '=', 'open')
            .where('sf_id', '=', sfId)
            .where('field', '=', c.key)
            .executeTakeFirst();
          if (open) {
            await trx
              .updateTable('contact_sync_conflicts')
              .set({ sf_value: j(c.salesforce), gc_value: j(c.genesys), run_id: runId, reason: c.reason })
              .where('id', '=', open.id)
              .execute();
            continue;
          }
        }
        await trx
          .insertInto('contact_sync_conflicts')
          .values({
            id: randomUUID(),
            run_id: runId,
            sf_id: sfId,
            gc_id: gcId,
            field: c.key,
            base_value: j(c.base),
            sf_value: j(c.salesforce),
            gc_value: j(c.genesys),
            winner: c.winner,
            reason: c.reason,
            status: c.winner === 'manual' ? 'open' : 'applied',
            resolved_value: null,
            resolved_by: null,
            created_at: now,
            resolved_at: null,
          })
          .execute();
      }
    });
    return parked;
  }

  /** False (and the record counted as skipped, issue `consent_withdrawn`) when its consent for sync is withdrawn. */
  async function consented(
    sfId: string,
    values: Values,
    s: RunSummary,
    ctx: { runId: string; dryRun: boolean },
  ) {
    if (!d.consent) return true;
    const str = (k: string) => (typeof values[k] === 'string' ? values[k] : undefined);
    const phone = mapping
      .filter((m) => m.type === 'phone')
      .map((m) => values[m.key])
      .find((p): p is string => typeof p === 'string');
    if (await d.consent({ contactId: sfId, email: str('email'), phone })) return true;
    s.skipped++;
    if (!ctx.dryRun)
      await issue(ctx.runId, sfId, 'consent_withdrawn', 'consent for the sync purpose withdrawn: not synced');
    return false;
  }

  async function issue(runId: string, sfId: string, kind: string, detail: string): Promise<void> {
    await db
      .insertInto('contact_sync_issues')
      .values({
        id: randomUUID(),
        run_id: runId,
        sf_id: sfId,
        kind,
        detail: detail.slice(0, 500),
        created_at: clock.now(),
      })
      .execute();
  }

  async function run(req: RunRequest = {}): Promise<RunSummary> {
    const started = clock.now();
    const mode = req.mode ?? 'incremental';
    const direction = req.direction ?? o.direction;
    const dryRun = req.dryRun === true;
    const runId = randomUUID();
    const pipe = createPipeline(IN_FLIGHT);
    const s: RunSummary = {
      runId,
      mode,
      direction,
      dryRun,
      read: 0,
      created: 0,
      updated: 0,
      updatedInSalesforce: 0,
      deleted: 0,
      unchanged: 0,
      skipped: 0,
      failed: 0,
      parked: 0,
      conflicts: 0,
      echoes: 0,
      apiCalls: { genesys: 0, salesforce: 0 },
      durationMs: 0,
      ...(dryRun ? { planned: { creates: 0, updates: 0, deletes: 0, salesforceUpdates: 0 } } : {}),
    };
    await db
      .insertInto('contact_sync_runs')
      .values({
        id: runId,
        mode,
        direction,
        dry_run: dryRun ? 1 : 0,
        status: 'running',
        started_at: started,
        finished_at: null,
        summary: null,
        error: null,
      })
      .execute();
    try {
      await execute(req, s, mode, direction, dryRun, pipe);
      s.durationMs = clock.now() - started;
      await db
        .updateTable('contact_sync_runs')
        .set({ status: 'completed', finished_at: clock.now(), summary: JSON.stringify(s) })
        .where('id', '=', runId)
        .execute();
      return s;
    } catch (err) {
      await pipe.settled(); // no write of this run goes on after it has failed (and released its lease)
      s.durationMs = clock.now() - started;
      await db
        .updateTable('contact_sync_runs')
        .set({
          status: 'failed',
          finished_at: clock.now(),
          summary: JSON.stringify(s),
          error: (err as Error).message.slice(0, 500),
        })
        .where('id', '=', runId)
        .execute();
      throw err;
    }
  }

  async function execute(
    req: RunRequest,
    s: RunSummary,
    mode: SyncMode,
    direction: SyncDirection,
    dryRun: boolean,
    pipe: Pipeline,
  ): Promise<void> {
    const both = direction === 'both';
    const guard = () => {
      if (req.holdsLease?.() === false)
        throw new RetryableError('contact-sync: the run lease was lost; the next run resumes', {
          retryAfterMs: 60_000,
        });
    };
    const mergeDirection: Direction | undefined = both ? undefined : 'sf-to-gc';
    const sourceId = await externalSourceId(dryRun);
    const watermark = await readWatermark();
    const since = querySince(watermark, o.overlapMs);

    // 1. Genesys side: what changed since the last scan (bi-directional), and how many contacts exist.
    const scan = both ? await scanGenesys() : undefined;
    let unknown: number | undefined;
    // Genesys contacts Patchbay does not know: only then can an unlinked record match an existing one.
    // Journaled creates count as known: after a crash their contacts may be in Genesys, unlinked
    // (each is found by its external ID when its record comes), and are no one else's match.
    const unknownInGenesys = async (): Promise<number> => {
      if (unknown !== undefined) return unknown;
      const total = scan?.total ?? (await countGenesys());
      const known = Number(
        (
          await db
            .selectFrom('contact_sync_links')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('state', 'in', ['linked', 'creating'])
            .executeTakeFirstOrThrow()
        ).n,
      );
      unknown = Math.max(0, total - known);
      return unknown;
    };
    const gcChanged = new Map<string, Contact>(); // by gc id, linked contacts only
    const gcBySf = new Map<string, Contact>();
    if (scan && scan.changed.size > 0) {
      const rows = await loadLinksByGc([...scan.changed.keys()]);
      for (const row of rows) {
        const c = scan.changed.get(row.gc_id as string);
        if (!c) continue;
        if (row.gc_modify !== null && parseTime(c.modifyDate) === row.gc_modify) {
          s.echoes++; // Patchbay's own write coming back.
          continue;
        }
        gcChanged.set(row.gc_id as string, c);
        gcBySf.set(row.sf_id, c);
      }
    }

    const ctx: BatchCtx = {
      sourceId,
      both,
      mergeDirection,
      dryRun,
      gcBySf,
      unknownInGenesys,
      runId: s.runId,
      guard,
      pipe,
      creates: createBatcher(
        o.batchSize,
        (batch) => pipe.submit(() => createBatch(batch, s, ctx)),
        (c) => c.r.modstamp,
      ),
      updates: createBatcher(
        o.batchSize,
        (batch) => pipe.submit(() => updateBatch(batch, s, ctx)),
        (u) => u.sfModstamp,
      ),
    };
    const flush = async () => {
      await ctx.creates.flush();
      await ctx.updates.flush();
      await pipe.drain();
    };

    // 2. Salesforce side, page by page; each part's writes go through the batchers (full batches
    // across parts) and the pipeline. The watermark moves past a part once its sent writes have
    // finished (checked one part later, so the next part is decided while they are in flight), and
    // never past a record still waiting in a batcher.
    const seen = new Set<string>();
    let wm = watermark;
    let lastRead: SfRecord | undefined;
    let pending: { next: Watermark; written: Promise<void> } | undefined;
    const moveWatermark = async (to: typeof pending) => {
      if (to === undefined) return;
      const { next, written } = to;
      await written;
      pipe.check();
      if (wm === undefined || compareWatermark(next, wm) > 0) {
        wm = next;
        await setState(STATE.watermark, JSON.stringify(wm));
      }
    };
    await readSalesforce(req, mode, since, s, async (records) => {
      const fresh = records;
      s.read += fresh.length;
      for (const r of fresh) seen.add(r.id);
      for (const part of chunk(fresh, 1000)) {
        await processBatch(part, s, ctx);
        req.onProgress?.(s.read, s.read);
        const last = part[part.length - 1];
        lastRead = last ?? lastRead;
        const previous = pending;
        pending =
          last && mode !== 'cdc' && !dryRun
            ? { next: doneUpTo(last, ctx), written: pipe.settled() }
            : undefined;
        await moveWatermark(previous);
      }
    });
    // Everything read is written now: the watermark moves to the last record read (not to a mark
    // held back by records that were waiting, which would re-read them all next time).
    await flush();
    if (lastRead && mode !== 'cdc' && !dryRun)
      await moveWatermark({
        next: { ts: lastRead.modstamp, id: lastRead.id },
        written: Promise.resolve(),
      });

    // 3. Genesys-only changes of linked records whose Salesforce side did not change.
    if (both) {
      const rest = [...gcBySf.keys()].filter((id) => !seen.has(id));
      for (const part of chunk(rest, 1000)) await processGenesysOnly(part, s, ctx);
      await flush();
    }

    // 4. Full resync: links whose Salesforce record no longer exists were deleted there.
    if (mode === 'full') {
      const gone: string[] = [];
      const links = await db
        .selectFrom('contact_sync_links')
        .select('sf_id')
        .where('state', '=', 'linked')
        .execute();
      for (const l of links) if (!seen.has(l.sf_id)) gone.push(l.sf_id);
      for (const part of chunk(gone, 1000))
        await deleteInGenesys(await loadLinks(part), s, { dryRun, guard, pipe });
    }

    await flush();
    if (!dryRun && scan?.newest !== undefined) await setState(STATE.gcWatermark, String(scan.newest));
  }

  /**
   * How far the Salesforce read is done after a part ending with `last`: up to `last`, or just before
   * the earliest record still waiting in a batcher (id '' sorts before every id of that instant).
   */
  function doneUpTo(last: SfRecord, ctx: BatchCtx): Watermark {
    const waiting = [ctx.creates.earliest(), ctx.updates.earliest()].filter((t) => t !== undefined);
    if (waiting.length === 0) return { ts: last.modstamp, id: last.id };
    return { ts: Math.min(last.modstamp, ...waiting), id: '' };
  }

  async function readWatermark(): Promise<Watermark | undefined> {
    const v = await getState(STATE.watermark);
    if (v === undefined) return undefined;
    const w = JSON.parse(v) as Partial<Watermark>;
    return typeof w.ts === 'number' && typeof w.id === 'string' ? { ts: w.ts, id: w.id } : undefined;
  }

  async function loadLinksByGc(gcIds: readonly string[]): Promise<LinkRow[]> {
    const out: LinkRow[] = [];
    for (const part of chunk(gcIds, 400)) {
      const rows = await db
        .selectFrom('contact_sync_links')
        .selectAll()
        .where('gc_id', 'in', part)
        .where('state', '=', 'linked')
        .execute();
      for (const r of rows)
        out.push({
          ...r,
          sf_modstamp: r.sf_modstamp === null ? null : Number(r.sf_modstamp),
          gc_modify: r.gc_modify === null ? null : Number(r.gc_modify),
        });
    }
    return out;
  }

  interface BatchCtx {
    sourceId: string | undefined;
    both: boolean;
    mergeDirection: Direction | undefined;
    dryRun: boolean;
    gcBySf: Map<string, Contact>;
    unknownInGenesys: () => Promise<number>;
    runId: string;
    /** Throws once the run's lease is lost; called before writes. */
    guard: () => void;
    /** The run's bulk calls in flight (see pipeline.ts). */
    pipe: Pipeline;
    /** Creates and updates waiting for a full batch, sent through `pipe`. */
    creates: Batcher<Create>;
    updates: Batcher<Update>;
  }

  interface Create {
    r: SfRecord;
    values: Values;
    sfHash: string;
  }

  interface Update {
    link: LinkRow;
    entity: Json;
    from: Values;
    values: Values;
    merged: Values;
    sfHash: string;
    sfModstamp: number;
  }

  async function processBatch(records: readonly SfRecord[], s: RunSummary, ctx: BatchCtx): Promise<void> {
    const links = await loadLinks(records.map((r) => r.id));
    const creates: Create[] = [];
    const updates: Update[] = [];
    const sfUpdates: Array<{ link: LinkRow; fields: Json }> = [];
    const deletes = new Map<string, LinkRow>();
    const linkWrites: LinkRow[] = [];
    const unlinked: Array<{ r: SfRecord; values: Values; sfHash: string; subject: MatchSubject }> = [];

    for (const r of records) {
      const link = links.get(r.id);
      if (r.deleted) {
        if (link && link.state !== 'deleted' && link.gc_id !== null) deletes.set(r.id, link);
        else s.unchanged++;
        continue;
      }
      const side = fromSalesforce(r.raw, mapping, o.region);
      for (const inv of side.invalid) await issue(ctx.runId, r.id, inv.reason, `${inv.key} not sent`);
      const sfHash = contentHash(side.values, mapping);
      const isLinked = link !== undefined && link.state === 'linked' && link.gc_id !== null;
      const nothingToDo = isLinked && link.sf_hash === sfHash && !ctx.gcBySf.has(r.id);
      if (!nothingToDo && !(await consented(r.id, side.values, s, ctx))) continue;
      if (!link || link.state === 'deleted' || link.state === 'creating' || link.gc_id === null) {
        const values = Object.fromEntries(Object.entries(side.values).filter(([, v]) => v !== null));
        unlinked.push({ r, values, sfHash, subject: subjectOf(r, side.values) });
        continue;
      }
      const gc = ctx.gcBySf.get(r.id);
      if (link.sf_hash === sfHash && gc === undefined) {
        s.unchanged++;
        continue;
      }
      const base = link.base === null ? undefined : (JSON.parse(link.base) as Values);
      const gcSide = gc ? fromGenesys(gc as Json, mapping, o.region) : undefined;
      const m = mergeRecord(
        mapping,
        base,
        { values: side.values, invalid: side.invalid.map((i) => i.key), modifiedAt: r.modstamp || undefined },
        gcSide
          ? {
              values: gcSide.values,
              invalid: gcSide.invalid.map((i) => i.key),
              modifiedAt: parseTime(gc?.modifyDate),
            }
          : undefined,
        {
          strategy: o.strategy,
          tie: o.tie,
          ...(ctx.mergeDirection ? { direction: ctx.mergeDirection } : {}),
        },
      );
      s.conflicts += m.conflicts.length;
      if (!ctx.dryRun) s.parked += await audit(ctx.runId, r.id, link.gc_id, m.conflicts);
      const entity =
        (gc as Json | undefined) ?? (link.gc_entity ? (JSON.parse(link.gc_entity) as Json) : undefined);
      const gcValues = gcSide?.values ?? base ?? {};
      const next: LinkRow = {
        ...link,
        base: JSON.stringify(m.merged),
        base_hash: contentHash(m.merged, mapping),
        sf_hash: sfHash,
        sf_modstamp: r.modstamp,
      };
      if (Object.keys(m.toSalesforce).length > 0 && ctx.both)
        sfUpdates.push({
          link: next,
          fields: toSalesforce(m.toSalesforce, Object.keys(m.toSalesforce), mapping),
        });
      if (Object.keys(m.toGenesys).length > 0)
        updates.push({
          link: next,
          entity: entity ?? { id: link.gc_id },
          from: gcValues,
          values: m.toGenesys,
          merged: m.merged,
          sfHash,
          sfModstamp: r.modstamp,
        });
      else {
        if (gc) {
          next.gc_entity = JSON.stringify(gc);
          next.gc_modify = parseTime(gc.modifyDate) ?? null;
        }
        linkWrites.push(next);
        if (Object.keys(m.toSalesforce).length === 0) s.unchanged++;
      }
    }

    // Unlinked records: verify journaled creates, match, park duplicates, else create.
    const dupes = duplicateEmails(unlinked.map((u) => u.subject));
    for (const u of unlinked) {
      const link = links.get(u.r.id);
      if (dupes.has(u.r.id)) {
        s.parked++;
        if (!ctx.dryRun)
          await issue(ctx.runId, u.r.id, 'ambiguous', 'another Salesforce contact has the same e-mail');
        continue;
      }
      // A journaled record was matched before it was journaled: the lookup only asks whether its
      // create reached Genesys (a contact carrying its ID), so only the external ID counts.
      const journaled = link?.state === 'creating';
      if (journaled || (await ctx.unknownInGenesys()) > 0) {
        let found: Contact[];
        if (journaled) {
          const created = await findJournaledCreate(u.subject, ctx.sourceId);
          if (!created.complete) {
            // Creating again could duplicate it; a person decides (replay after a look in Genesys).
            s.parked++;
            if (!ctx.dryRun)
              await issue(
                ctx.runId,
                u.r.id,
                'unverified_create',
                'a create was sent before an interruption and the search cannot tell whether it landed',
              );
            continue;
          }
          found = created.found === undefined ? [] : [created.found];
        } else found = await lookupCandidates(u.subject);
        const linkedRows = await loadLinksByGc(found.map((c) => c.id as string));
        const linkedBy = new Map(linkedRows.map((l) => [l.gc_id as string, l.sf_id]));
        const res = matchContact(
          u.subject,
          found.map((c) => candidateOf(c as Json, ctx.sourceId, linkedBy.get(c.id as string))),
          { byNameAndAccount: o.matchByNameAndAccount },
        );
        if (res.kind === 'ambiguous') {
          s.parked++;
          if (!ctx.dryRun)
            await issue(
              ctx.runId,
              u.r.id,
              'ambiguous',
              `${res.by}: ${res.reason} (${res.ids.length} candidates)`,
            );
          continue;
        }
        if (res.kind === 'match') {
          const gc = found.find((c) => c.id === res.id) as Contact;
          const gcSide = fromGenesys(gc as Json, mapping, o.region);
          const m = mergeRecord(
            mapping,
            res.by === 'external_id' ? u.values : undefined,
            { values: u.values, modifiedAt: u.r.modstamp || undefined },
            {
              values: gcSide.values,
              invalid: gcSide.invalid.map((i) => i.key),
              modifiedAt: parseTime(gc.modifyDate),
            },
            {
              strategy: o.strategy,
              tie: o.tie,
              ...(ctx.mergeDirection ? { direction: ctx.mergeDirection } : {}),
            },
          );
          s.conflicts += m.conflicts.length;
          if (!ctx.dryRun) s.parked += await audit(ctx.runId, u.r.id, res.id, m.conflicts);
          const next: LinkRow = {
            sf_id: u.r.id,
            gc_id: res.id,
            state: 'linked',
            base: JSON.stringify(m.merged),
            base_hash: contentHash(m.merged, mapping),
            sf_hash: u.sfHash,
            sf_modstamp: u.r.modstamp,
            gc_modify: parseTime(gc.modifyDate) ?? null,
            gc_entity: JSON.stringify(gc),
          };
          // Link the Salesforce ID on the Genesys side too, so the next match is by external ID.
          const values = { ...m.toGenesys };
          const needsExtId =
            ctx.sourceId !== undefined && !sfIdsOf(gc as Json, ctx.sourceId).includes(u.r.id);
          if (Object.keys(values).length > 0 || needsExtId)
            updates.push({
              link: next,
              entity: withExternalId(gc as Json, u.r.id, ctx.sourceId),
              from: gcSide.values,
              values,
              merged: m.merged,
              sfHash: u.sfHash,
              sfModstamp: u.r.modstamp,
            });
          else linkWrites.push(next);
          if (ctx.both && Object.keys(m.toSalesforce).length > 0)
            sfUpdates.push({
              link: next,
              fields: toSalesforce(m.toSalesforce, Object.keys(m.toSalesforce), mapping),
            });
          continue;
        }
      }
      creates.push({ r: u.r, values: u.values, sfHash: u.sfHash });
    }

    if (ctx.dryRun) {
      const p = s.planned!;
      p.creates += creates.length;
      p.updates += updates.length;
      p.deletes += deletes.size;
      p.salesforceUpdates += sfUpdates.length;
      return;
    }
    ctx.guard();
    await saveLinks(linkWrites);
    await ctx.creates.add(creates);
    await ctx.updates.add(updates);
    await writeSalesforce(sfUpdates, s, ctx);
    await deleteInGenesys(deletes, s, ctx);
  }

  function withExternalId(c: Json, sfId: string, sourceId: string | undefined): Json {
    if (sourceId === undefined) return c;
    const ext = ((c.externalIds as Json[] | undefined) ?? []).filter(
      (x) => (x as { value?: string }).value !== sfId,
    );
    return { ...c, externalIds: [...ext, { externalSource: { id: sourceId }, value: sfId }] };
  }

  function entityForCreate(values: Values, sfId: string, sourceId: string | undefined): Json {
    return withExternalId(applyToGenesys({}, values, mapping), sfId, sourceId);
  }

  /** One bulk add, journaled first: if this process dies during the call, the next run looks before creating. */
  async function createBatch(part: Create[], s: RunSummary, ctx: BatchCtx): Promise<void> {
    ctx.guard();
    await saveLinks(
      part.map((c) => ({
        sf_id: c.r.id,
        gc_id: null,
        state: 'creating',
        base: null,
        base_hash: null,
        sf_hash: null,
        sf_modstamp: c.r.modstamp,
        gc_modify: null,
        gc_entity: null,
      })),
    );
    let pending = part;
    for (let attempt = 1; pending.length > 0; attempt++) {
      const results = await withRetry('bulkAdd', () =>
        d.genesys.externalContacts.bulkAdd(
          pending.map((c) => entityForCreate(c.values, c.r.id, ctx.sourceId) as Contact),
        ),
      );
      s.apiCalls.genesys += Math.ceil(pending.length / o.batchSize);
      const retry: typeof pending = [];
      const done: LinkRow[] = [];
      for (const res of results) {
        const c = pending[res.index];
        if (!c) continue;
        if (res.ok) {
          const e = (res.entity ?? { id: res.id }) as Json;
          done.push({
            sf_id: c.r.id,
            gc_id: res.id ?? String(e.id),
            state: 'linked',
            base: JSON.stringify(c.values),
            base_hash: contentHash(c.values, mapping),
            sf_hash: c.sfHash,
            sf_modstamp: c.r.modstamp,
            gc_modify: parseTime(e.modifyDate) ?? null,
            gc_entity: JSON.stringify(e),
          });
          s.created++;
          continue;
        }
        const action = bulkErrorAction(res.error.status, 'add');
        if (action === 'retry') retry.push(c);
        else if (action === 'skip') {
          s.skipped++;
          await issue(ctx.runId, c.r.id, 'rejected', res.error.message);
          await db
            .deleteFrom('contact_sync_links')
            .where('sf_id', '=', c.r.id)
            .where('state', '=', 'creating')
            .execute();
        } else if (action === 'update_instead') {
          // Already exists: leave the journal row; the next run matches it by lookup and updates it.
          s.skipped++;
          await issue(ctx.runId, c.r.id, 'exists', 'Genesys answered 409: will be matched and updated');
        } else {
          s.failed++;
          await saveLinks(done);
          await raise(`bulk add failed (${res.error.status ?? 'no status'})`);
          throw new SyncBatchError(`contact-sync: bulk add failed: ${res.error.message}`, {
            cause: res.error,
          });
        }
      }
      await saveLinks(done);
      pending = retry;
      if (retry.length > 0) {
        if (attempt >= o.maxAttempts)
          throw new RetryableError(`contact-sync: ${retry.length} creates still throttled`, {
            retryAfterMs: 60_000,
          });
        await sleep(Math.min(30_000, 1000 * 2 ** (attempt - 1)));
      }
    }
  }

  /** One bulk update (or a PATCH of one record's changed fields). */
  async function updateBatch(part: Update[], s: RunSummary, ctx: BatchCtx): Promise<void> {
    ctx.guard();
    const done: LinkRow[] = [];
    const recreate: Update[] = [];
    if (part.length === 1) {
      // One record: PATCH with only the changed fields.
      const u = part[0] as Update;
      const changes = patchChanges(u.from, u.values, mapping);
      const hasExt = ctx.sourceId === undefined || sfIdsOf(u.entity, ctx.sourceId).includes(u.link.sf_id);
      try {
        let e: Json;
        if (changes.length > 0 && hasExt)
          e = (await withRetry('patch', () =>
            d.genesys.externalContacts.patch(u.link.gc_id as string, changes as never),
          )) as Json;
        else
          e = (await withRetry('update', () =>
            d.genesys.externalContacts.update(
              u.link.gc_id as string,
              stripReadOnly(applyToGenesys(u.entity, u.values, mapping)) as Contact,
            ),
          )) as Json;
        s.apiCalls.genesys++;
        done.push(
          Object.assign(u.link, {
            gc_entity: JSON.stringify(e),
            gc_modify: parseTime(e.modifyDate) ?? null,
          }),
        );
        s.updated++;
      } catch (err) {
        const status = isVendorError(err) ? err.status : undefined;
        const action = bulkErrorAction(status, 'update');
        if (action === 'recreate') recreate.push(u);
        else if (action === 'skip') {
          s.skipped++;
          await issue(ctx.runId, u.link.sf_id, 'rejected', (err as Error).message);
        } else {
          await raise(`update failed (${status ?? 'no status'})`);
          throw err;
        }
      }
    } else {
      let pending = part;
      for (let attempt = 1; pending.length > 0; attempt++) {
        const results = await withRetry('bulkUpdate', () =>
          d.genesys.externalContacts.bulkUpdate(
            pending.map((u) => stripReadOnly(applyToGenesys(u.entity, u.values, mapping)) as Contact),
          ),
        );
        s.apiCalls.genesys++;
        const retry: Update[] = [];
        for (const res of results) {
          const u = pending[res.index];
          if (!u) continue;
          if (res.ok) {
            const e = (res.entity ?? {}) as Json;
            done.push(
              Object.assign(u.link, {
                gc_entity: JSON.stringify(e),
                gc_modify: parseTime(e.modifyDate) ?? null,
              }),
            );
            s.updated++;
            continue;
          }
          const action = bulkErrorAction(res.error.status, 'update');
          if (action === 'retry') retry.push(u);
          else if (action === 'recreate') recreate.push(u);
          else if (action === 'skip' || action === 'update_instead') {
            s.skipped++;
            await issue(ctx.runId, u.link.sf_id, 'rejected', res.error.message);
          } else {
            s.failed++;
            await saveLinks(done);
            await raise(`bulk update failed (${res.error.status ?? 'no status'})`);
            throw new SyncBatchError(`contact-sync: bulk update failed: ${res.error.message}`, {
              cause: res.error,
            });
          }
        }
        pending = retry;
        if (retry.length > 0) {
          if (attempt >= o.maxAttempts)
            throw new RetryableError(`contact-sync: ${retry.length} updates still throttled`, {
              retryAfterMs: 60_000,
            });
          await sleep(Math.min(30_000, 1000 * 2 ** (attempt - 1)));
        }
      }
    }
    await saveLinks(done);
    if (recreate.length > 0) {
      // Deleted in Genesys while Salesforce still has it: Salesforce is the master, create it again.
      await db
        .deleteFrom('contact_sync_links')
        .where(
          'sf_id',
          'in',
          recreate.map((u) => u.link.sf_id),
        )
        .execute();
      // Directly, not through the pipeline: this runs inside a pipeline task.
      await createBatch(
        recreate.map((u) => ({
          r: { id: u.link.sf_id, modstamp: u.sfModstamp, deleted: false, raw: {} },
          values: nonNull(u.merged),
          sfHash: u.sfHash,
        })),
        s,
        ctx,
      );
    }
  }

  async function writeSalesforce(
    list: Array<{ link: LinkRow; fields: Json }>,
    s: RunSummary,
    ctx: BatchCtx,
  ): Promise<void> {
    if (list.length === 0) return;
    const results = await d.salesforce.collections.update(
      'Contact',
      list.map((u) => ({ Id: u.link.sf_id, ...u.fields })),
    );
    s.apiCalls.salesforce += Math.ceil(list.length / 200);
    const done: LinkRow[] = [];
    for (const [i, r] of results.entries()) {
      const u = list[i];
      if (!u) continue;
      if (r.success) {
        s.updatedInSalesforce++;
        // The Salesforce values now equal the base: the echo of this write hashes the same.
        done.push(Object.assign(u.link, { sf_hash: u.link.base_hash }));
      } else {
        s.skipped++;
        await issue(
          ctx.runId,
          u.link.sf_id,
          'salesforce_rejected',
          r.errors.map((e) => e.message).join('; '),
        );
      }
    }
    await saveLinks(done);
  }

  async function processGenesysOnly(sfIds: readonly string[], s: RunSummary, ctx: BatchCtx): Promise<void> {
    const links = await loadLinks(sfIds);
    const sfUpdates: Array<{ link: LinkRow; fields: Json }> = [];
    const gcUpdates: Update[] = [];
    const plain: LinkRow[] = [];
    for (const id of sfIds) {
      const link = links.get(id);
      const gc = ctx.gcBySf.get(id);
      if (!link || !gc || link.base === null) continue;
      const base = JSON.parse(link.base) as Values;
      if (!(await consented(id, base, s, ctx))) continue;
      const gcSide = fromGenesys(gc as Json, mapping, o.region);
      const m = mergeRecord(
        mapping,
        base,
        undefined,
        {
          values: gcSide.values,
          invalid: gcSide.invalid.map((i) => i.key),
          modifiedAt: parseTime(gc.modifyDate),
        },
        { strategy: o.strategy, tie: o.tie },
      );
      s.conflicts += m.conflicts.length;
      if (!ctx.dryRun) s.parked += await audit(ctx.runId, id, link.gc_id, m.conflicts);
      const next: LinkRow = {
        ...link,
        base: JSON.stringify(m.merged),
        base_hash: contentHash(m.merged, mapping),
        gc_entity: JSON.stringify(gc),
        gc_modify: parseTime(gc.modifyDate) ?? null,
      };
      if (Object.keys(m.toSalesforce).length > 0) {
        next.sf_hash = null; // set after the write succeeds
        sfUpdates.push({
          link: next,
          fields: toSalesforce(m.toSalesforce, Object.keys(m.toSalesforce), mapping),
        });
      }
      // One-way fields edited in Genesys are put back.
      if (Object.keys(m.toGenesys).length > 0)
        gcUpdates.push({
          link: next,
          entity: gc as Json,
          from: gcSide.values,
          values: m.toGenesys,
          merged: m.merged,
          sfHash: link.sf_hash ?? '',
          sfModstamp: link.sf_modstamp ?? 0,
        });
      if (Object.keys(m.toSalesforce).length === 0 && Object.keys(m.toGenesys).length === 0) plain.push(next);
    }
    if (ctx.dryRun) {
      s.planned!.salesforceUpdates += sfUpdates.length;
      s.planned!.updates += gcUpdates.length;
      return;
    }
    ctx.guard();
    await saveLinks(plain);
    await writeSalesforce(sfUpdates, s, ctx);
    await ctx.updates.add(gcUpdates);
  }

  async function deleteInGenesys(
    links: Map<string, LinkRow>,
    s: RunSummary,
    ctx: Pick<BatchCtx, 'dryRun' | 'guard' | 'pipe'>,
  ): Promise<void> {
    const list = [...links.values()].filter((l) => l.gc_id !== null && l.state === 'linked');
    if (list.length === 0) return;
    if (ctx.dryRun) {
      s.planned!.deletes += list.length;
      return;
    }
    for (const part of chunk(list, o.batchSize)) await ctx.pipe.submit(() => removeBatch(part, s, ctx));
  }

  /** One bulk remove (or mark, `CONTACT_SYNC_ON_DELETE=mark`). */
  async function removeBatch(part: LinkRow[], s: RunSummary, ctx: Pick<BatchCtx, 'guard'>): Promise<void> {
    ctx.guard();
    if (o.onDelete === 'remove') {
      const results = await withRetry('bulkRemove', () =>
        d.genesys.externalContacts.bulkRemove(part.map((l) => l.gc_id as string)),
      );
      s.apiCalls.genesys++;
      for (const r of results) {
        if (!r.ok && bulkErrorAction(r.error.status, 'remove') !== 'skip') {
          await raise(`bulk remove failed (${r.error.status ?? 'no status'})`);
          throw new SyncBatchError(`contact-sync: bulk remove failed: ${r.error.message}`);
        }
      }
    } else {
      const marked = part.map((l) => {
        const e = l.gc_entity ? (JSON.parse(l.gc_entity) as Json) : { id: l.gc_id };
        return stripReadOnly({
          ...e,
          customFields: { ...(e.customFields ?? {}), sfDeleted: true },
        });
      });
      await withRetry('bulkUpdate', () => d.genesys.externalContacts.bulkUpdate(marked));
      s.apiCalls.genesys++;
    }
    s.deleted += part.length;
    await saveLinks(part.map((l) => ({ ...l, state: 'deleted' as const })));
  }

  async function raise(what: string): Promise<void> {
    await d.alerts
      ?.raise({
        condition: 'contact-sync.batch-failed',
        severity: 'warning',
        message: `Contact sync: ${what}`,
      })
      .catch(() => undefined);
  }

  return { run, getState, setState };
}

function nonNull(v: Values): Values {
  return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== null));
}

/** Fields the platform sets itself (a PUT/bulk update carrying them is refused). */
function stripReadOnly(c: Json): Json {
  const { createDate: _c, modifyDate: _m, selfUri: _s, identifiers: _i, mergeSet: _ms, ...rest } = c;
  return rest;
}

export type SyncEngine = ReturnType<typeof createSyncEngine>;
