/**
 * The routing engine. One replica (the leader of `case-routing-stream`) subscribes to the routing
 * table (PushTopic or CDC), storing each entry's job and the replay ID in one transaction, and at
 * start scans the table for unprocessed entries. Every entry is a durable job keyed by the entry
 * ID, so an entry seen twice (stream + scan, replay after a restart) is handled once. A job routes
 * the case (CIC e-mail interaction, or Genesys Cloud ACD e-mail), records case ↔ interaction,
 * and marks the entry processed; a reply entry disconnects the case's interaction.
 */
import type { Logger } from 'pino';
import type { Kysely } from 'kysely';
import { createCicConnector, type CicConnector } from '../../connectors/cic/index.ts';
import { createSalesforceConnector, type SalesforceConnector } from '../../connectors/salesforce/client.ts';
import { soql } from '../../connectors/salesforce/soql.ts';
import type { Alerts } from '../../platform/alerts/index.ts';
import type { Keyring } from '../../platform/crypto/index.ts';
import { enqueue, PermanentError, RetryableError, type Queue } from '../../platform/jobs/index.ts';
import type { Database, Store } from '../../platform/store/index.ts';
import { loadCredentials, type CicCredentials } from './credentials.ts';
import { decide, type RoutingEntry } from './decide.ts';
import { formatSkills } from './skills.ts';

declare module '../../platform/jobs/types.ts' {
  interface JobKinds {
    'case-routing-entry': { entryId: string };
  }
}

export const ROUTING_OBJECT = 'ININ_Object_Routing_Queue__c';
export const JOB_KIND = 'case-routing-entry';
export const SCREEN_POP_ATTRIBUTE = 'SF_URLPop';
/** Participant attribute carrying the routing entry ID on Genesys Cloud conversations. */
export const ENTRY_ID_ATTRIBUTE = 'Patchbay_EntryId';
/** Default allowance for the Genesys attribute search's index lag (see ensureGenesysEmail). */
export const GENESYS_SEARCH_LAG_MS = 120_000;

export interface RoutingSettings {
  stream: 'pushtopic' | 'cdc';
  pushTopic: string;
  instanceName: string;
  apiVersion?: string | undefined;
}

/** A Genesys Cloud ACD e-mail target (see genesys-target.ts). */
export interface GenesysEmailTarget {
  /** The conversation already created for this routing entry (attribute search), if any. */
  findEmail(entryId: string): Promise<string | undefined>;
  createEmail(req: {
    entryId: string;
    caseId: string;
    queueName: string;
    skills: string[];
    subject: string;
    fromAddress: string;
    screenPopUrl: string;
  }): Promise<string>;
  disconnect(conversationId: string): Promise<void>;
}

export interface EngineOptions {
  store: Store;
  queue: Queue;
  log: Logger;
  keyring: () => Keyring;
  settings: RoutingSettings;
  alerts?: Pick<Alerts, 'raise'> | undefined;
  genesys?: (() => GenesysEmailTarget | undefined) | undefined;
  /**
   * How long the Genesys attribute search may lag behind a create (index delay): a retry that
   * finds a create marker younger than this and no conversation waits instead of creating again.
   */
  genesysSearchLagMs?: number | undefined;
  cicTuning?: { pollMs?: number; primaryProbeMs?: number; createTimeoutMs?: number } | undefined;
}

interface Clients {
  sf: SalesforceConnector;
  cic: CicConnector | undefined;
  cicCredentials: CicCredentials | undefined;
}

export interface Engine {
  handle(payload: { entryId: string }): Promise<unknown>;
  /** Subscribe + scan; resolves with the stop function (for runWhileLeader). */
  startStream(): Promise<() => Promise<void>>;
  /** Enqueue every unprocessed entry; returns how many jobs were new. */
  scan(): Promise<number>;
  /** Drop the connectors (credentials changed); the next use rebuilds them. */
  resetClients(all?: boolean): Promise<void>;
  status(): { streaming: boolean; cic: ReturnType<CicConnector['status']> | null; salesforce: boolean };
  close(): Promise<void>;
}

type EntryRecord = {
  Id: string;
  Case__c: string;
  Reason__c: string | null;
  Workgroup__c: string | null;
  Target__c: string | null;
  Skills__c: string | null;
  Processed__c: boolean;
};

export function createEngine(opts: EngineOptions): Engine {
  const { store, log } = opts;
  const db: Kysely<Database> = store.db;
  let clients: Promise<Clients> | undefined;
  let built: Clients | undefined;
  let streaming = false;
  let sfOk = false;

  async function buildClients(): Promise<Clients> {
    const keyring = opts.keyring();
    const sfCred = await loadCredentials(db, keyring, 'salesforce');
    if (!sfCred) throw new RetryableError('Salesforce credentials for case routing are not set (/loginSf)');
    const sf = createSalesforceConnector({ ...sfCred, apiVersion: opts.settings.apiVersion, log });
    const cicCred = await loadCredentials(db, keyring, 'cic');
    let cic: CicConnector | undefined;
    if (cicCred) {
      cic = createCicConnector({
        primaryUrl: cicCred.server,
        switchoverUrl: cicCred.switchoverServer,
        userId: cicCred.userId,
        password: cicCred.password,
        log,
        ...opts.cicTuning,
      });
      try {
        await cic.connect();
      } catch (e) {
        await cic.close();
        throw e;
      }
    }
    return { sf, cic, cicCredentials: cicCred };
  }

  function getClients(): Promise<Clients> {
    if (!clients) {
      const p = buildClients();
      clients = p;
      p.then(
        (c) => {
          if (clients === p) built = c;
        },
        () => {
          if (clients === p) clients = undefined;
        },
      );
    }
    return clients;
  }

  async function sfCall<T>(fn: () => Promise<T>): Promise<T> {
    try {
      const out = await fn();
      sfOk = true;
      return out;
    } catch (e) {
      if (!(e instanceof PermanentError)) sfOk = false;
      throw e;
    }
  }

  async function markEntry(
    sf: SalesforceConnector,
    id: string,
    fields: Record<string, unknown>,
  ): Promise<void> {
    await sfCall(() => sf.update(ROUTING_OBJECT, id, fields));
  }

  async function reject(sf: SalesforceConnector, entry: RoutingEntry, error: string) {
    await markEntry(sf, entry.id, {
      Status__c: 'Error',
      Error_Message__c: error.slice(0, 1000),
      Processed__c: true,
    });
    log.warn({ entryId: entry.id, caseId: entry.caseId, error }, 'routing entry rejected; nothing routed');
    await opts.alerts?.raise({
      condition: `case-routing.entry-rejected:${entry.id}`,
      severity: 'warning',
      message: `Case ${entry.caseId} was not routed (entry ${entry.id}): ${error}`,
      details: { entryId: entry.id, caseId: entry.caseId },
    });
    return { rejected: error };
  }

  const genesysMarker = (entryId: string) => `genesys-create:${entryId}`;

  /**
   * Retry-safe Genesys create: the conversation carries the entry ID as a participant attribute
   * (`Patchbay_EntryId`). First look for it (attribute search); if absent, refuse to create while
   * an earlier attempt's marker is younger than the search's index lag (that attempt may have
   * created a conversation the search does not show yet), else write the marker and create.
   */
  async function ensureGenesysEmail(
    g: GenesysEmailTarget,
    req: Parameters<GenesysEmailTarget['createEmail']>[0],
  ): Promise<string> {
    const found = await g.findEmail(req.entryId);
    if (found !== undefined) {
      log.info(
        { entryId: req.entryId, conversationId: found },
        'Genesys conversation of the entry found: not creating another',
      );
      return found;
    }
    const name = genesysMarker(req.entryId);
    const prior = await db
      .selectFrom('case_routing_state')
      .select('updated_at')
      .where('name', '=', name)
      .executeTakeFirst();
    const lagMs = opts.genesysSearchLagMs ?? GENESYS_SEARCH_LAG_MS;
    const now = Date.now();
    if (prior !== undefined && now - Number(prior.updated_at) < lagMs) {
      const waitMs = Number(prior.updated_at) + lagMs - now;
      throw new RetryableError(
        `An earlier attempt may have created the Genesys conversation of entry ${req.entryId}; waiting ${Math.ceil(waitMs / 1000)} s for the attribute search before creating`,
        { retryAfterMs: waitMs },
      );
    }
    await db
      .insertInto('case_routing_state')
      .values({ name, value: String(now), updated_at: now })
      .onConflict((oc) => oc.column('name').doUpdateSet({ value: String(now), updated_at: now }))
      .execute();
    return g.createEmail(req);
  }

  async function route(
    c: Clients,
    entry: RoutingEntry,
    d: { target: 'cic' | 'genesys-cloud'; workgroup: string; skills: string[] },
  ) {
    const known = await db
      .selectFrom('case_routing_interactions')
      .selectAll()
      .where('entry_id', '=', entry.id)
      .executeTakeFirst();
    let interactionId = known?.interaction_id;
    if (interactionId === undefined) {
      const kase = await sfCall(() =>
        c.sf.retrieve<{ Subject: string | null; SuppliedEmail: string | null }>('Case', entry.caseId, [
          'Subject',
          'SuppliedEmail',
        ]),
      );
      const conn = await c.sf.connection();
      const screenPopUrl = `${conn.instanceUrl}/lightning/r/Case/${entry.caseId}/view`;
      try {
        if (d.target === 'cic') {
          if (!c.cic) throw new RetryableError('CIC credentials for case routing are not set (/loginIc)');
          const r = await c.cic.ensureEmailInteraction({
            caseId: entry.caseId,
            workgroup: d.workgroup,
            skills: formatSkills(d.skills),
            subject: kase.Subject ?? '',
            remoteAddress: kase.SuppliedEmail ?? '',
          });
          interactionId = r.interactionId;
          await c.cic.setAttributes(interactionId, {
            [SCREEN_POP_ATTRIBUTE]: screenPopUrl,
            SORS_EntryId: entry.id,
          });
        } else {
          const g = opts.genesys?.();
          if (!g) throw new RetryableError('Genesys Cloud is not configured (GENESYS_* settings)');
          interactionId = await ensureGenesysEmail(g, {
            entryId: entry.id,
            caseId: entry.caseId,
            queueName: d.workgroup,
            skills: d.skills,
            subject: kase.Subject ?? '',
            fromAddress: kase.SuppliedEmail ?? '',
            screenPopUrl,
          });
        }
      } catch (e) {
        if (e instanceof PermanentError) return reject(c.sf, entry, e.message);
        throw e;
      }
      const now = Date.now();
      await db
        .insertInto('case_routing_interactions')
        .values({
          entry_id: entry.id,
          case_id: entry.caseId,
          target: d.target,
          workgroup: d.workgroup,
          interaction_id: interactionId,
          state: 'routed',
          created_at: now,
          updated_at: now,
        })
        .onConflict((oc) => oc.column('entry_id').doNothing())
        .execute();
      if (d.target === 'genesys-cloud')
        await db.deleteFrom('case_routing_state').where('name', '=', genesysMarker(entry.id)).execute();
    }
    await markEntry(c.sf, entry.id, {
      Processed__c: true,
      Status__c: 'Processed',
      Interaction_Id__c: interactionId,
      Error_Message__c: null,
    });
    log.info({ entryId: entry.id, caseId: entry.caseId, interactionId, target: d.target }, 'case routed');
    return { interactionId };
  }

  async function disconnect(c: Clients, entry: RoutingEntry) {
    const rows = await db
      .selectFrom('case_routing_interactions')
      .selectAll()
      .where('case_id', '=', entry.caseId)
      .where('state', '=', 'routed')
      .execute();
    if (rows.length === 0) {
      // The reply may overtake the routing of the same case (jobs run concurrently): wait for it.
      const caseId = entry.caseId;
      const pending = await sfCall(() =>
        c.sf.query<{ Id: string }>(
          soql`SELECT Id FROM ININ_Object_Routing_Queue__c WHERE Case__c = ${caseId} AND Processed__c = false AND Reason__c != 'Agent Reply'`,
        ),
      );
      if (pending.records.length > 0)
        throw new RetryableError('the case is still being routed; the reply is handled after it');
    }
    const done: string[] = [];
    for (const r of rows) {
      if (r.target === 'cic') {
        if (!c.cic) throw new RetryableError('CIC credentials for case routing are not set (/loginIc)');
        await c.cic.disconnect(r.interaction_id);
      } else {
        const g = opts.genesys?.();
        if (!g) throw new RetryableError('Genesys Cloud is not configured');
        await g.disconnect(r.interaction_id);
      }
      await db
        .updateTable('case_routing_interactions')
        .set({ state: 'disconnected', updated_at: Date.now() })
        .where('entry_id', '=', r.entry_id)
        .execute();
      done.push(r.interaction_id);
    }
    await markEntry(c.sf, entry.id, { Processed__c: true, Status__c: 'Processed' });
    log.info(
      { entryId: entry.id, caseId: entry.caseId, disconnected: done.length },
      'agent replied: interaction disconnected',
    );
    return { disconnected: done };
  }

  async function handle({ entryId }: { entryId: string }) {
    const c = await getClients();
    let rec: EntryRecord;
    try {
      rec = await sfCall(() =>
        c.sf.retrieve<EntryRecord>(ROUTING_OBJECT, entryId, [
          'Case__c',
          'Reason__c',
          'Workgroup__c',
          'Target__c',
          'Skills__c',
          'Processed__c',
        ]),
      );
    } catch (e) {
      if (e instanceof PermanentError) return { skipped: 'entry no longer exists' };
      throw e;
    }
    const entry: RoutingEntry = {
      id: entryId,
      caseId: rec.Case__c,
      reason: rec.Reason__c,
      workgroup: rec.Workgroup__c,
      target: rec.Target__c,
      skills: rec.Skills__c,
      processed: rec.Processed__c,
    };
    const d = decide(entry, { autoDisconnect: c.cicCredentials?.autoDisconnect ?? true });
    switch (d.kind) {
      case 'settle':
        if (!entry.processed) await markEntry(c.sf, entryId, { Processed__c: true, Status__c: 'Processed' });
        return { settled: d.note };
      case 'reject':
        return reject(c.sf, entry, d.error);
      case 'route':
        return route(c, entry, d);
      case 'disconnect':
        return disconnect(c, entry);
      default: {
        const never: never = d;
        throw new Error(`unknown decision ${String(never)}`);
      }
    }
  }

  const enqueueAll = (ids: string[]) =>
    store.durable(async (trx) => {
      let created = 0;
      for (const entryId of ids)
        if ((await enqueue(trx, JOB_KIND, { entryId }, { key: `case-routing:${entryId}` })).created)
          created++;
      return created;
    });

  async function scan(): Promise<number> {
    const { sf } = await getClients();
    let created = 0;
    await sfCall(() =>
      sf.queryPages<{ Id: string }>(
        soql`SELECT Id FROM ININ_Object_Routing_Queue__c WHERE Processed__c = false ORDER BY CreatedDate`,
        async (page) => {
          created += await enqueueAll(page.records.map((r) => r.Id));
        },
      ),
    );
    log.info({ created }, 'routing table scanned for unprocessed entries');
    return created;
  }

  const channel = () =>
    opts.settings.stream === 'cdc'
      ? '/data/ININ_Object_Routing_Queue__ChangeEvent'
      : `/topic/${opts.settings.pushTopic}`;

  async function ensurePushTopic(sf: SalesforceConnector): Promise<void> {
    const name = opts.settings.pushTopic;
    const found = await sf.query<{ Id: string }>(soql`SELECT Id FROM PushTopic WHERE Name = ${name}`);
    if (found.records.length > 0) return;
    await sf.create('PushTopic', {
      Name: name,
      Query: 'SELECT Id, Case__c, Reason__c, Processed__c FROM ININ_Object_Routing_Queue__c',
      ApiVersion: Number(sf.apiVersion),
      NotifyForFields: 'Referenced',
      NotifyForOperationCreate: true,
      NotifyForOperationUpdate: false,
      NotifyForOperationDelete: false,
      NotifyForOperationUndelete: false,
      Description: 'Patchbay case routing: new routing-table entries',
    });
  }

  /** Entry IDs an event announces; `scan` when the event says changes were lost (CDC overflow). */
  function entriesOf(payload: unknown): string[] | 'scan' {
    const p = payload as {
      event?: { type?: string };
      sobject?: { Id?: string };
      ChangeEventHeader?: { changeType?: string; recordIds?: string[] };
    };
    if (p.ChangeEventHeader) {
      const t = p.ChangeEventHeader.changeType ?? '';
      if (t === 'GAP_OVERFLOW') return 'scan';
      return t === 'CREATE' || t === 'GAP_CREATE' ? (p.ChangeEventHeader.recordIds ?? []) : [];
    }
    return p.event?.type === 'created' && p.sobject?.Id ? [p.sobject.Id] : [];
  }

  async function startStream(): Promise<() => Promise<void>> {
    const { sf } = await getClients();
    const ch = channel();
    if (opts.settings.stream === 'pushtopic') await sfCall(() => ensurePushTopic(sf));
    const stateName = `replay:${ch}`;
    const stored = await db
      .selectFrom('case_routing_state')
      .select('value')
      .where('name', '=', stateName)
      .executeTakeFirst();
    const onEvent = async (ev: { replayId: number; payload: unknown }) => {
      const ids = entriesOf(ev.payload);
      if (ids === 'scan') await scan();
      await store.durable(async (trx) => {
        if (ids !== 'scan')
          for (const entryId of ids)
            await enqueue(trx, JOB_KIND, { entryId }, { key: `case-routing:${entryId}` });
        const now = Date.now();
        await trx
          .insertInto('case_routing_state')
          .values({ name: stateName, value: String(ev.replayId), updated_at: now })
          .onConflict((oc) => oc.column('name').doUpdateSet({ value: String(ev.replayId), updated_at: now }))
          .execute();
      });
    };
    let sub;
    const replayId = stored ? Number(stored.value) : -1;
    try {
      sub = await sf.subscribe(ch, { replayId }, onEvent);
    } catch (e) {
      if (replayId === -1) throw e;
      // The stored replay ID is past retention: take new events and rely on the scan for the gap.
      log.warn({ err: e, channel: ch }, 'stored replay ID refused; subscribing from now and scanning');
      sub = await sf.subscribe(ch, { replayId: -1 }, onEvent);
    }
    streaming = true;
    sfOk = true;
    log.info({ channel: ch, replayId }, 'subscribed to the routing table');
    await scan();
    return async () => {
      streaming = false;
      sub.unsubscribe();
    };
  }

  /** Drops the connectors; the stream's Salesforce connection stays open unless `all`. */
  async function resetClients(all = false): Promise<void> {
    const old = clients;
    clients = undefined;
    built = undefined;
    if (!streaming) sfOk = false;
    const c = await old?.catch(() => undefined);
    await c?.cic?.close();
    if (all || !streaming) await c?.sf.close();
  }

  return {
    handle,
    startStream,
    scan,
    resetClients,
    status: () => ({ streaming, cic: built?.cic?.status() ?? null, salesforce: sfOk }),
    close: () => resetClients(true),
  };
}
