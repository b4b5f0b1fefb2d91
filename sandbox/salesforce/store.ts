/**
 * The org's records: one table per object with equality indexes (phone, e-mail, references,
 * external IDs) so a phone lookup on 100k contacts is a hash lookup, a recycle bin for
 * `queryAll` (emptied by `emptyRecycleBin`), field rules on every write, derived fields (Name, IsClosed, LastActivityDate, …),
 * cascade deletes, and all-or-none transactions that roll back by restoring row snapshots.
 * Committed changes are published to listeners (Change Data Capture, PushTopics).
 */
import { SfError } from './errors.ts';
import { normalizeId, type IdMinter } from './ids.ts';
import type { ObjectMeta, SchemaIndex } from './schema-index.ts';
import { coerce, fieldLabel, toDateString, type Stored } from './values.ts';

export type Rec = Record<string, Stored>;
export type ChangeType = 'CREATE' | 'UPDATE' | 'DELETE' | 'UNDELETE';

export interface StoreTrigger {
  object: string;
  before?: (rec: Rec, prev: Rec | undefined) => void;
  after?: (rec: Rec, prev: Rec | undefined) => void;
}

export interface ChangeEvent {
  entity: string;
  changeType: ChangeType;
  recordId: string;
  changedFields: string[];
  nulledFields: string[];
  /** The record after the change (before it, for DELETE). */
  record: Rec;
  commitTimestamp: number;
  commitUser: string;
  transactionKey: string;
  sequenceNumber: number;
}

interface Table {
  meta: ObjectMeta;
  rows: Map<string, Rec>;
  deleted: Map<string, Rec>;
  /** Emptied from the recycle bin: gone for good, yet still returned by `queryAll` until physically deleted. */
  purged: Map<string, { rec: Rec; at: number }>;
  indexes: Map<string, Map<string, Set<string>>>;
}

interface Tx {
  snapshots: Map<string, { obj: string; row: Rec | undefined; deleted: Rec | undefined }>;
  events: ChangeEvent[];
  key: string;
}

const RECYCLE_BIN_MS = 15 * 24 * 3600_000;
/** emptyRecycleBin: "they can be queried using queryAll() for some time. Typically this time is 24 hours". */
const PHYSICAL_DELETE_MS = 24 * 3600_000;
const READ_ONLY_HINT =
  'Please check the security settings of this field and verify that it is read/write for your profile or permission set.';

export const indexKey = (v: Stored): string => (typeof v === 'string' ? v.toLowerCase() : String(v));

/** One entry of `emptyRecycleBin`, in input order: the record ID, or why it was refused. */
export type EmptyRecycleBinResult = { id: string; error?: undefined } | { id: string; error: SfError };

export class Store {
  readonly schema: SchemaIndex;
  private readonly tables = new Map<string, Table>();
  private readonly ids: IdMinter;
  private readonly now: () => number;
  private tx: Tx | undefined;
  private txCounter = 0;
  private caseNumber = 1000;
  private readonly listeners: ((events: ChangeEvent[]) => void)[] = [];
  /** Child → parent for records deleted in cascade: emptying the parent empties them too. */
  private readonly cascadedWith = new Map<string, string>();
  /** The user writes are attributed to (the caller's integration user). */
  userId = '';
  /**
   * Whether API users have "Modify All Data": with it they may empty any recycle bin, without it only
   * records they deleted themselves (role hierarchies are not emulated).
   */
  modifyAllData = true;
  /** While true, commits publish no events (bulk seeding must not flood the streaming log). */
  muted = false;
  /**
   * Apex-like triggers: `before` may change the record about to be saved (or throw an SfError to
   * reject the write), `after` runs in the same transaction once the row is saved. `prev` is the
   * record before an update (undefined on insert).
   */
  readonly triggers: StoreTrigger[] = [];

  constructor(schema: SchemaIndex, ids: IdMinter, now: () => number) {
    this.schema = schema;
    this.ids = ids;
    this.now = now;
    this.clear();
  }

  clear(): void {
    this.tables.clear();
    for (const meta of this.schema.objects()) {
      this.tables.set(meta.name, {
        meta,
        rows: new Map(),
        deleted: new Map(),
        purged: new Map(),
        indexes: new Map(meta.indexedFields.map((f) => [f, new Map()])),
      });
    }
    this.cascadedWith.clear();
    this.modifyAllData = true;
    this.caseNumber = 1000;
  }

  onCommit(fn: (events: ChangeEvent[]) => void): void {
    this.listeners.push(fn);
  }

  meta(objectName: string): ObjectMeta {
    const meta = this.schema.object(objectName);
    if (!meta) throw new SfError('NOT_FOUND', `The requested resource does not exist`, { status: 404 });
    return meta;
  }

  private table(meta: ObjectMeta): Table {
    const t = this.tables.get(meta.name);
    if (!t) throw new Error(`no table for ${meta.name}`);
    return t;
  }

  count(objectName: string): number {
    return this.table(this.meta(objectName)).rows.size;
  }

  /** Live rows (and, with `includeDeleted`, the recycle bin) of an object. */
  *scan(meta: ObjectMeta, includeDeleted = false): Iterable<Rec> {
    yield* this.table(meta).rows.values();
    if (includeDeleted) yield* this.scanDeleted(meta);
  }

  /** The recycle bin and the emptied records not yet physically deleted (what only `queryAll` sees). */
  *scanDeleted(meta: ObjectMeta): Iterable<Rec> {
    const t = this.table(meta);
    this.purgeRecycleBin(t);
    yield* t.deleted.values();
    for (const p of t.purged.values()) yield p.rec;
  }

  /** Ids whose `field` equals `value` (case-insensitive), or undefined when the field has no index. */
  lookup(meta: ObjectMeta, field: string, value: Stored): ReadonlySet<string> | undefined {
    const idx = this.table(meta).indexes.get(field);
    if (!idx) return undefined;
    return idx.get(indexKey(value)) ?? new Set();
  }

  get(id: string, includeDeleted = false): Rec | undefined {
    const meta = this.schema.objectForId(id);
    if (!meta) return undefined;
    const t = this.table(meta);
    const live = t.rows.get(id);
    if (live || !includeDeleted) return live;
    this.purgeRecycleBin(t);
    return t.deleted.get(id) ?? t.purged.get(id)?.rec;
  }

  isDeleted(id: string): boolean {
    const meta = this.schema.objectForId(id);
    return meta ? isGone(this.table(meta), id) : false;
  }

  /**
   * SOAP `emptyRecycleBin`: each ID in the recycle bin is deleted for good (with the records deleted
   * in cascade with it); an ID that is not in the bin, deleted by another user (without
   * `modifyAllData`), or whose cascade parent is in the same call ("do not include the IDs of any
   * records that will be cascade deleted") is refused.
   */
  emptyRecycleBin(rawIds: readonly string[]): EmptyRecycleBinResult[] {
    const asked = new Set(rawIds.map((r) => normalizeId(r)));
    const now = this.now();
    return rawIds.map((raw) => {
      const id = normalizeId(raw);
      if (!id) return { id: raw, error: new SfError('MALFORMED_ID', `malformed id ${raw}`) };
      const meta = this.schema.objectForId(id);
      const t = meta && this.table(meta);
      const rec = t?.deleted.get(id);
      if (!t || !rec)
        return { id, error: new SfError('INVALID_ID_FIELD', 'Entity is not in the recycle bin') };
      if (!this.modifyAllData && rec.LastModifiedById !== this.userId)
        return {
          id,
          error: new SfError('INSUFFICIENT_ACCESS_OR_READONLY', 'insufficient access rights on object id'),
        };
      const parent = this.cascadedWith.get(id);
      if (parent !== undefined && asked.has(parent))
        return {
          id,
          error: new SfError(
            'INVALID_ID_FIELD',
            `Entity is deleted in cascade with ${parent}; empty that one`,
          ),
        };
      this.purge(t, id, now);
      return { id };
    });
  }

  private purge(t: Table, id: string, now: number): void {
    const rec = t.deleted.get(id);
    if (!rec) return;
    t.deleted.delete(id);
    t.purged.set(id, { rec, at: now });
    this.cascadedWith.delete(id);
    for (const [child, parent] of [...this.cascadedWith]) {
      const meta = parent === id ? this.schema.objectForId(child) : undefined;
      if (meta) this.purge(this.table(meta), child, now);
    }
  }

  /** Run `fn` atomically: if it throws, every row it touched is restored and no event is published. */
  transaction<T>(fn: () => T): T {
    if (this.tx) return fn();
    const tx: Tx = {
      snapshots: new Map(),
      events: [],
      key: `${(++this.txCounter).toString(16).padStart(8, '0')}-pb-tx`,
    };
    this.tx = tx;
    try {
      const out = fn();
      this.tx = undefined;
      if (tx.events.length > 0 && !this.muted) for (const l of this.listeners) l(tx.events);
      return out;
    } catch (err) {
      this.tx = undefined;
      for (const [id, snap] of [...tx.snapshots].reverse()) {
        const t = this.table(this.meta(snap.obj));
        this.setRow(t, id, snap.row);
        if (snap.deleted) t.deleted.set(id, snap.deleted);
        else t.deleted.delete(id);
      }
      throw err;
    }
  }

  insert(objectName: string, input: Record<string, unknown>): Rec {
    return this.transaction(() => {
      const meta = this.meta(objectName);
      const t = this.table(meta);
      const values = this.validate(meta, input, 'insert');
      const now = this.now();
      const id = this.ids.next(meta.keyPrefix);
      const rec: Rec = {};
      for (const f of meta.fields) rec[f.name] = f.defaultValue ?? null;
      Object.assign(rec, values, {
        Id: id,
        IsDeleted: false,
        CreatedDate: now,
        CreatedById: this.userId || null,
        LastModifiedDate: now,
        LastModifiedById: this.userId || null,
        SystemModstamp: now,
      });
      if (meta.fieldsByLower.has('ownerid') && rec.OwnerId === null) rec.OwnerId = this.userId || null;
      if (meta.name === 'Case') rec.CaseNumber = String(++this.caseNumber).padStart(8, '0');
      this.derive(meta, rec);
      this.runTriggers(meta, 'before', rec, undefined);
      this.checkRequired(meta, rec);
      this.checkReferences(meta, values);
      this.checkUnique(t, rec);
      this.snapshot(t, id);
      this.setRow(t, id, rec);
      this.afterWrite(meta, rec, undefined);
      this.emit(
        meta,
        'CREATE',
        rec,
        Object.keys(rec).filter((k) => rec[k] !== null),
        [],
      );
      this.runTriggers(meta, 'after', rec, undefined);
      return rec;
    });
  }

  update(objectName: string, id: string, input: Record<string, unknown>): Rec {
    return this.transaction(() => {
      const meta = this.meta(objectName);
      const t = this.table(meta);
      const prev = t.rows.get(id);
      if (!prev) {
        if (isGone(t, id)) throw new SfError('ENTITY_IS_DELETED', 'entity is deleted', { fields: [] });
        throw new SfError('NOT_FOUND', 'The requested resource does not exist', { status: 404 });
      }
      const values = this.validate(meta, input, 'update');
      const now = Math.max(this.now(), (prev.SystemModstamp as number) + 1);
      const rec: Rec = {
        ...prev,
        ...values,
        LastModifiedDate: now,
        LastModifiedById: this.userId || prev.LastModifiedById || null,
        SystemModstamp: now,
      };
      this.derive(meta, rec);
      this.runTriggers(meta, 'before', rec, prev);
      this.checkRequired(meta, rec);
      this.checkReferences(meta, values);
      this.checkUnique(t, rec);
      this.snapshot(t, id);
      this.setRow(t, id, rec);
      this.afterWrite(meta, rec, prev);
      const changed = Object.keys(rec).filter((k) => rec[k] !== prev[k]);
      this.emit(
        meta,
        'UPDATE',
        rec,
        changed,
        changed.filter((k) => rec[k] === null),
      );
      this.runTriggers(meta, 'after', rec, prev);
      return rec;
    });
  }

  /** Delete a record and, in cascade, its children (a Contact's Tasks and Events). */
  delete(id: string): void {
    this.transaction(() => {
      const meta = this.schema.objectForId(id);
      const t = meta && this.table(meta);
      const prev = t?.rows.get(id);
      if (!meta || !t || !prev) {
        if (t && isGone(t, id)) throw new SfError('ENTITY_IS_DELETED', 'entity is deleted', { fields: [] });
        throw new SfError('NOT_FOUND', 'The requested resource does not exist', { status: 404 });
      }
      this.snapshot(t, id);
      this.setRow(t, id, undefined);
      this.cascadedWith.delete(id);
      const now = Math.max(this.now(), (prev.SystemModstamp as number) + 1);
      t.deleted.set(id, {
        ...prev,
        IsDeleted: true,
        SystemModstamp: now,
        LastModifiedDate: now,
        LastModifiedById: this.userId || prev.LastModifiedById || null,
      });
      for (const other of this.schema.objects()) {
        for (const f of other.fields) {
          if (!f.cascadeDelete || !(f.referenceTo ?? []).includes(meta.name)) continue;
          for (const childId of [...(this.lookup(other, f.name, id) ?? [])])
            if (this.table(other).rows.has(childId)) {
              this.delete(childId);
              this.cascadedWith.set(childId, id);
            }
        }
      }
      this.afterWrite(meta, undefined, prev);
      this.emit(meta, 'DELETE', prev, [], []);
    });
  }

  private runTriggers(meta: ObjectMeta, phase: 'before' | 'after', rec: Rec, prev: Rec | undefined): void {
    if (this.muted) return;
    for (const t of this.triggers) if (t.object === meta.name) t[phase]?.(rec, prev);
  }

  /** The field rules of the REST API, in the order the platform reports them. */
  private validate(meta: ObjectMeta, input: Record<string, unknown>, op: 'insert' | 'update'): Rec {
    const out: Rec = {};
    const readOnly: string[] = [];
    for (const [key, value] of Object.entries(input)) {
      if (key === 'attributes') continue;
      const f = meta.fieldsByLower.get(key.toLowerCase());
      if (!f)
        throw new SfError('INVALID_FIELD', `No such column '${key}' on sobject of type ${meta.name}`, {
          fields: [],
        });
      if (f.name === 'Id') {
        if (op === 'insert')
          throw new SfError('INVALID_FIELD', 'Cannot specify Id in an insert call', { fields: [] });
        continue;
      }
      if (f.readOnly || (op === 'update' && f.createOnly)) {
        readOnly.push(f.name);
        continue;
      }
      out[f.name] = coerce(f, value);
    }
    if (readOnly.length > 0) {
      throw new SfError(
        'INVALID_FIELD_FOR_INSERT_UPDATE',
        `Unable to create/update fields: ${readOnly.join(', ')}. ${READ_ONLY_HINT}`,
        { fields: readOnly },
      );
    }
    return out;
  }

  private checkRequired(meta: ObjectMeta, rec: Rec): void {
    const missing = meta.fields
      .filter((f) => f.required && (rec[f.name] === null || rec[f.name] === undefined))
      .map((f) => f.name);
    if (missing.length > 0)
      throw new SfError('REQUIRED_FIELD_MISSING', `Required fields are missing: [${missing.join(', ')}]`, {
        fields: missing,
      });
  }

  private checkReferences(meta: ObjectMeta, values: Rec): void {
    for (const [name, v] of Object.entries(values)) {
      const f = meta.fieldsByLower.get(name.toLowerCase());
      if (!f || f.type !== 'reference' || typeof v !== 'string') continue;
      const target = this.schema.objectForId(v);
      if (!target || !(f.referenceTo ?? []).includes(target.name)) {
        throw new SfError('FIELD_INTEGRITY_EXCEPTION', `${fieldLabel(f)}: id value of incorrect type: ${v}`, {
          fields: [f.name],
        });
      }
      if (!this.table(target).rows.has(v)) {
        throw new SfError('INVALID_CROSS_REFERENCE_KEY', `invalid cross reference id`, { fields: [f.name] });
      }
    }
  }

  private checkUnique(t: Table, rec: Rec): void {
    for (const f of t.meta.fields) {
      if (!f.unique) continue;
      const v = rec[f.name];
      if (v === null || v === undefined) continue;
      for (const other of t.indexes.get(f.name)?.get(indexKey(v)) ?? []) {
        if (other !== rec.Id)
          throw new SfError(
            'DUPLICATE_VALUE',
            `duplicate value found: ${f.name} duplicates value on record with id: ${other}`,
            { fields: [f.name] },
          );
      }
    }
  }

  /** Fields the platform computes: compound names, closed flags, an activity's account. */
  private derive(meta: ObjectMeta, rec: Rec): void {
    if (
      meta.fieldsByLower.has('firstname') &&
      meta.fieldsByLower.has('name') &&
      meta.fieldsByLower.has('lastname')
    ) {
      rec.Name =
        [rec.FirstName, rec.LastName].filter((p) => typeof p === 'string' && p !== '').join(' ') || null;
    }
    if (meta.name === 'Task') rec.IsClosed = rec.Status === 'Completed';
    if (meta.name === 'Case') {
      const closed = rec.Status === 'Closed';
      if (closed && !rec.IsClosed) rec.ClosedDate = this.now();
      if (!closed) rec.ClosedDate = null;
      rec.IsClosed = closed;
    }
    if (meta.name === 'Task' || meta.name === 'Event') {
      const who = typeof rec.WhoId === 'string' ? this.get(rec.WhoId) : undefined;
      const what = typeof rec.WhatId === 'string' && rec.WhatId.startsWith('001') ? rec.WhatId : null;
      rec.AccountId = (who?.AccountId as string | null | undefined) ?? what;
    }
  }

  /** LastActivityDate of the Contact/Lead/Account an activity points at, recomputed from closed activities. */
  private afterWrite(meta: ObjectMeta, rec: Rec | undefined, prev: Rec | undefined): void {
    if (meta.name !== 'Task' && meta.name !== 'Event') return;
    const targets = new Set<string>();
    for (const r of [rec, prev]) {
      for (const k of ['WhoId', 'WhatId', 'AccountId']) if (typeof r?.[k] === 'string') targets.add(r[k]);
    }
    for (const id of targets) this.recomputeLastActivity(id);
  }

  private recomputeLastActivity(id: string): void {
    const meta = this.schema.objectForId(id);
    if (!meta || !meta.fieldsByLower.has('lastactivitydate')) return;
    const t = this.table(meta);
    const row = t.rows.get(id);
    if (!row) return;
    const today = toDateString(this.now());
    let latest: string | null = null;
    for (const actName of ['Task', 'Event']) {
      const act = this.meta(actName);
      const ids = new Set<string>();
      for (const field of meta.name === 'Account' ? ['AccountId', 'WhatId'] : ['WhoId'])
        for (const x of this.lookup(act, field, id) ?? []) ids.add(x);
      for (const actId of ids) {
        const a = this.table(act).rows.get(actId);
        if (!a) continue;
        const date =
          actName === 'Task'
            ? a.IsClosed
              ? ((a.ActivityDate as string | null) ?? toDateString(a.LastModifiedDate as number))
              : null
            : eventDate(a);
        if (date && date <= today && (latest === null || date > latest)) latest = date;
      }
    }
    if (row.LastActivityDate === latest) return;
    this.snapshot(t, id);
    // A system recalculation: SystemModstamp moves, LastModifiedDate does not (as on the platform).
    this.setRow(t, id, {
      ...row,
      LastActivityDate: latest,
      SystemModstamp: Math.max(this.now(), (row.SystemModstamp as number) + 1),
    });
  }

  private snapshot(t: Table, id: string): void {
    if (!this.tx || this.tx.snapshots.has(id)) return;
    this.tx.snapshots.set(id, { obj: t.meta.name, row: t.rows.get(id), deleted: t.deleted.get(id) });
  }

  private setRow(t: Table, id: string, rec: Rec | undefined): void {
    const prev = t.rows.get(id);
    for (const [field, idx] of t.indexes) {
      const before = prev?.[field];
      const after = rec?.[field];
      if (before === after) continue;
      if (before !== null && before !== undefined) {
        const set = idx.get(indexKey(before));
        set?.delete(id);
        if (set?.size === 0) idx.delete(indexKey(before));
      }
      if (after !== null && after !== undefined) {
        const k = indexKey(after);
        let set = idx.get(k);
        if (!set) idx.set(k, (set = new Set()));
        set.add(id);
      }
    }
    if (rec) t.rows.set(id, rec);
    else t.rows.delete(id);
  }

  private purgeRecycleBin(t: Table): void {
    const cutoff = this.now() - RECYCLE_BIN_MS;
    for (const [id, r] of t.deleted)
      if ((r.SystemModstamp as number) < cutoff) {
        t.deleted.delete(id);
        this.cascadedWith.delete(id);
      }
    const physical = this.now() - PHYSICAL_DELETE_MS;
    for (const [id, p] of t.purged) if (p.at < physical) t.purged.delete(id);
  }

  private emit(
    meta: ObjectMeta,
    changeType: ChangeType,
    rec: Rec,
    changedFields: string[],
    nulledFields: string[],
  ): void {
    if (!this.tx) return;
    this.tx.events.push({
      entity: meta.name,
      changeType,
      recordId: rec.Id as string,
      changedFields,
      nulledFields,
      record: rec,
      commitTimestamp: this.now(),
      commitUser: this.userId,
      transactionKey: this.tx.key,
      sequenceNumber: this.tx.events.length + 1,
    });
  }
}

const isGone = (t: Table, id: string): boolean => t.deleted.has(id) || t.purged.has(id);

function eventDate(e: Rec): string | null {
  if (typeof e.ActivityDate === 'string') return e.ActivityDate;
  if (typeof e.StartDateTime === 'number') return toDateString(e.StartDateTime);
  return null;
}
