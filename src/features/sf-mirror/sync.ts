/**
 * Keeps the mirror current from Salesforce: an initial load by paged query, Change Data Capture
 * from the stored replay IDs (Contact changes, and Account renames for the contacts' account
 * name), and a periodic incremental catch-up by `SystemModstamp` of both (which also covers events
 * lost beyond CDC's 72 h retention). Runs on one replica at a time (leadership).
 */
import { soql, soqlFields, soqlIdentifier } from '../../connectors/salesforce/soql.ts';
import type { SalesforceConnector } from '../../connectors/salesforce/client.ts';
import type { Logger } from '../../platform/log/logger.ts';
import {
  accountActionForChange,
  actionForChange,
  catchUpStart,
  contactFields,
  maxWatermark,
  parseSfDateTime,
  patchFromEvent,
  patchRow,
  relevantFields,
  rowFromRecord,
  type ChangeEventHeader,
  type ContactPatch,
  type MirrorOptions,
  type MirrorRow,
  type Watermark,
} from './model.ts';
import { stateKeys, type MirrorRepo } from './repo.ts';

/** The connector operations the mirror needs (a fake in unit tests, the connector in the hub). */
export type MirrorSource = Pick<SalesforceConnector, 'query' | 'queryPages' | 'subscribe'>;

export interface MirrorSyncOptions extends MirrorOptions {
  /** Incremental catch-up period (default 5 min); 0 = only at start. */
  catchUpMs: number;
  /** How far back each catch-up re-reads before the watermark (default 60 s). */
  overlapMs: number;
  pageSize: number;
}

export interface MirrorSyncDeps {
  repo: MirrorRepo;
  source: MirrorSource;
  log: Logger;
  now?: () => number;
  /** Called after changes are applied (metrics). */
  onApplied?: (source: 'load' | 'cdc' | 'catchup', count: number) => void;
  /** Called with the Contact IDs of every CDC event, once applied (the change feed other features use). */
  onContactsChanged?: ((ids: readonly string[]) => void) | undefined;
}

export interface MirrorSync {
  /** Subscribes, loads (first time) and schedules catch-ups; resolves with a stop function. */
  start(): Promise<() => Promise<void>>;
  initialLoad(): Promise<number>;
  catchUp(): Promise<number>;
  /** Applies one CDC event payload (exported for tests). */
  handleChange(payload: unknown): Promise<void>;
}

const CHANNEL = '/data/ContactChangeEvent';
const ACCOUNT_CHANNEL = '/data/AccountChangeEvent';

export function createMirrorSync(opts: MirrorSyncOptions, deps: MirrorSyncDeps): MirrorSync {
  const { repo, source } = deps;
  const log = deps.log.child({ feature: 'sf-mirror' });
  const now = deps.now ?? Date.now;
  const fields = soqlFields(contactFields(opts));
  const relevant = relevantFields(opts);
  let catchingUp: Promise<number> | undefined;

  const rowsOf = (records: readonly Record<string, unknown>[]): MirrorRow[] =>
    records.flatMap((r) => {
      const row = rowFromRecord(r, opts);
      return row ? [row] : [];
    });
  const markOf = (rows: readonly MirrorRow[]): Watermark | undefined =>
    rows.reduce<Watermark | undefined>((w, r) => maxWatermark(w, { ts: r.modstamp, id: r.id }), undefined);

  async function saveWatermark(w: Watermark | undefined, key: string = stateKeys.watermark): Promise<void> {
    const next = maxWatermark(await repo.watermark(key), w);
    if (next) await repo.setState(key, JSON.stringify(next), now());
  }

  /** An Account record (`Id, Name, SystemModstamp`) → its name on its contacts; returns contacts changed. */
  async function renameFrom(rec: Record<string, unknown>): Promise<number> {
    const at = parseSfDateTime(rec.SystemModstamp);
    if (typeof rec.Id !== 'string' || typeof rec.Name !== 'string' || !Number.isFinite(at)) return 0;
    return repo.renameAccount(rec.Id, rec.Name, at);
  }

  async function applied(src: 'load' | 'cdc' | 'catchup', n: number): Promise<void> {
    if (n > 0) await repo.setState(stateKeys.lastChangeAt, String(now()), now());
    deps.onApplied?.(src, n);
  }

  async function initialLoad(): Promise<number> {
    const started = now();
    let total = 0;
    let mark: Watermark | undefined;
    await source.queryPages<Record<string, unknown>>(
      soql`SELECT ${fields} FROM Contact`,
      async (page) => {
        const rows = rowsOf(page.records);
        total += await repo.apply(rows, now());
        mark = maxWatermark(mark, markOf(rows));
      },
      { pageSize: opts.pageSize },
    );
    await saveWatermark(mark ?? { ts: started, id: '' });
    // The load read every contact's account name: account catch-ups start from its start.
    await saveWatermark({ ts: started, id: '' }, stateKeys.accountWatermark);
    await repo.setState(stateKeys.loadedAt, String(now()), now());
    await applied('load', total);
    log.info({ contacts: total, ms: now() - started }, 'salesforce mirror: initial load done');
    return total;
  }

  async function runCatchUp(): Promise<number> {
    const since = catchUpStart(await repo.watermark(), opts.overlapMs);
    let total = 0;
    let mark: Watermark | undefined;
    await source.queryPages<Record<string, unknown>>(
      soql`SELECT ${fields}, IsDeleted FROM Contact WHERE SystemModstamp >= ${since} ORDER BY SystemModstamp, Id`,
      async (page) => {
        const rows = rowsOf(page.records);
        total += await repo.apply(rows, now());
        mark = maxWatermark(mark, markOf(rows));
      },
      { all: true, pageSize: opts.pageSize },
    );
    await saveWatermark(mark);
    total += await accountsCatchUp();
    await applied('catchup', total);
    if (total > 0) log.info({ contacts: total }, 'salesforce mirror: catch-up applied changes');
    return total;
  }

  /** Accounts modified since their watermark: their names onto their contacts. */
  async function accountsCatchUp(): Promise<number> {
    const since = catchUpStart(await repo.watermark(stateKeys.accountWatermark), opts.overlapMs);
    let total = 0;
    let mark: Watermark | undefined;
    await source.queryPages<Record<string, unknown>>(
      soql`SELECT Id, Name, SystemModstamp FROM Account WHERE SystemModstamp >= ${since} ORDER BY SystemModstamp, Id`,
      async (page) => {
        for (const rec of page.records) {
          total += await renameFrom(rec);
          const ts = parseSfDateTime(rec.SystemModstamp);
          if (typeof rec.Id === 'string' && Number.isFinite(ts))
            mark = maxWatermark(mark, { ts, id: rec.Id });
        }
      },
      { pageSize: opts.pageSize },
    );
    await saveWatermark(mark, stateKeys.accountWatermark);
    return total;
  }

  function catchUp(): Promise<number> {
    catchingUp ??= runCatchUp().finally(() => {
      catchingUp = undefined;
    });
    return catchingUp;
  }

  async function refetch(ids: readonly string[]): Promise<number> {
    const { records } = await source.query<Record<string, unknown>>(
      soql`SELECT ${fields}, IsDeleted FROM ${soqlIdentifier('Contact')} WHERE Id IN ${ids}`,
      { all: true },
    );
    const rows = rowsOf(records);
    const found = new Set(rows.map((r) => r.id));
    const missing = ids.filter((id) => !found.has(id));
    let n = await repo.apply(rows, now());
    // Gone even from the recycle bin: treat as deleted.
    if (missing.length > 0) {
      await repo.markDeleted(missing, now(), now());
      n += missing.length;
    }
    return n;
  }

  /** Applies an UPDATE's new values to the stored rows; contacts the mirror does not hold are re-read. */
  async function patch(ids: readonly string[], p: ContactPatch): Promise<number> {
    let n = 0;
    const unknown: string[] = [];
    for (const id of ids) {
      const row = await repo.getRow(id);
      if (!row || row.deleted) unknown.push(id);
      // Rows never go backwards: a stored version newer than the event wins.
      else n += await repo.apply([patchRow(row, p)], now());
    }
    return unknown.length > 0 ? n + (await refetch(unknown)) : n;
  }

  async function handleChange(payload: unknown): Promise<void> {
    const event = (payload ?? {}) as { ChangeEventHeader?: ChangeEventHeader } & Record<string, unknown>;
    const header = event.ChangeEventHeader;
    await applyChange(header, event);
    // The feed reports every changed Contact, also changes of fields the mirror does not keep.
    const ids = (header?.recordIds ?? []).filter((i): i is string => typeof i === 'string' && i !== '');
    if (deps.onContactsChanged && ids.length > 0) deps.onContactsChanged(ids);
  }

  async function handleAccountChange(payload: unknown): Promise<void> {
    const event = (payload ?? {}) as { ChangeEventHeader?: ChangeEventHeader } & Record<string, unknown>;
    const action = accountActionForChange(event.ChangeEventHeader, event);
    switch (action.kind) {
      case 'ignore':
        return;
      case 'rename': {
        let n = 0;
        for (const id of action.ids) n += await repo.renameAccount(id, action.name, action.at);
        await applied('cdc', n);
        return;
      }
      case 'reread': {
        const { records } = await source.query<Record<string, unknown>>(
          soql`SELECT Id, Name, SystemModstamp FROM Account WHERE Id IN ${action.ids}`,
        );
        let n = 0;
        for (const rec of records) n += await renameFrom(rec);
        await applied('cdc', n);
        return;
      }
      case 'resync':
        log.warn('salesforce mirror: Account CDC overflow/gap without IDs; catching up');
        await catchUp();
        return;
      default: {
        const never: never = action;
        return never;
      }
    }
  }

  async function applyChange(
    header: ChangeEventHeader | undefined,
    body: Record<string, unknown>,
  ): Promise<void> {
    const action = actionForChange(header, relevant);
    switch (action.kind) {
      case 'ignore':
        return;
      case 'refetch': {
        const p = patchFromEvent(header, body, opts);
        await applied('cdc', p ? await patch(action.ids, p) : await refetch(action.ids));
        return;
      }
      case 'delete':
        await repo.markDeleted(action.ids, action.at, now());
        await applied('cdc', action.ids.length);
        return;
      case 'resync':
        log.warn('salesforce mirror: CDC overflow/gap without IDs; catching up');
        await catchUp();
        return;
      default: {
        const never: never = action;
        return never;
      }
    }
  }

  /** Subscribes from the replay ID stored under `replayKey`; stores each event's ID once it is applied. */
  async function subscribe(channel: string, replayKey: string, handle: (payload: unknown) => Promise<void>) {
    const stored = await repo.getState(replayKey);
    const onEvent = async (e: { replayId: number; payload: unknown }) => {
      await handle(e.payload);
      await repo.setState(replayKey, String(e.replayId), now());
    };
    if (stored !== undefined) {
      try {
        return await source.subscribe(channel, { replayId: Number(stored) }, onEvent);
      } catch (err) {
        // Replay ID beyond retention (or otherwise refused): start from new events; the catch-up at start fills the gap.
        log.warn(
          { code: (err as { code?: string }).code, channel },
          'salesforce mirror: cannot resume CDC; catching up',
        );
      }
    }
    return source.subscribe(channel, { replayId: -1 }, onEvent);
  }

  return {
    initialLoad,
    catchUp,
    handleChange,
    async start() {
      // Subscribe first so no change made during the load is missed (rows never go backwards).
      const subs = [await subscribe(CHANNEL, stateKeys.replayId, handleChange)];
      const unsubscribe = () => subs.forEach((s) => s.unsubscribe());
      let timer: NodeJS.Timeout | undefined;
      let stopped = false;
      const loop = async () => {
        if ((await repo.getState(stateKeys.loadedAt)) === undefined) await initialLoad();
        else await catchUp();
      };
      const schedule = () => {
        if (stopped || opts.catchUpMs <= 0) return;
        timer = setTimeout(() => {
          catchUp()
            .catch((err: unknown) =>
              log.warn({ code: (err as { code?: string }).code }, 'salesforce mirror: catch-up failed'),
            )
            .finally(schedule);
        }, opts.catchUpMs);
        timer.unref();
      };
      try {
        subs.push(await subscribe(ACCOUNT_CHANNEL, stateKeys.accountReplayId, handleAccountChange));
        await loop();
      } catch (err) {
        unsubscribe();
        throw err;
      }
      schedule();
      return async () => {
        stopped = true;
        if (timer) clearTimeout(timer);
        unsubscribe();
        await catchingUp?.catch(() => undefined);
      };
    },
  };
}
