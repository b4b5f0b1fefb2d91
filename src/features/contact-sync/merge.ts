/**
 * Per-field three-way merge of one linked contact against its base (the values both sides held
 * after the last sync). A field changed on one side only is taken from that side; a field changed
 * on both sides to different values is a **conflict**, resolved by the strategy and recorded.
 *
 * Timestamps are never compared when one is missing: such a conflict is parked for a person, with
 * reason `missing_timestamp`, rather than silently given to a side.
 */
import type { Direction, FieldMapping } from './mapping.ts';
import { sameValue, type Value, type Values } from './values.ts';

export type Strategy = 'last-write-wins' | 'field-priority' | 'manual';
export type Side = 'salesforce' | 'genesys';
export type Winner = Side | 'manual';

export interface SideInput {
  values: Values;
  /** Keys whose value on this side could not be read (invalid): no opinion, never sent. */
  invalid?: readonly string[];
  /** Last modification, epoch ms (`SystemModstamp` / `modifyDate`); undefined when unknown. */
  modifiedAt: number | undefined;
}

export interface MergeOptions {
  strategy: Strategy;
  /** Equal timestamps under last-write: this side wins (reason `tie`), or `manual`. Default salesforce. */
  tie?: Winner;
  /** Force every field to one direction (one-way runs use `sf-to-gc`). */
  direction?: Direction;
}

export interface Conflict {
  key: string;
  base: Value | undefined;
  salesforce: Value;
  genesys: Value;
  winner: Winner;
  reason: string;
}

export interface MergeResult {
  /** The new base: every mapped key; a parked field keeps its old base. */
  merged: Values;
  /** Keys (and values) to write to Genesys / Salesforce. */
  toGenesys: Values;
  toSalesforce: Values;
  conflicts: Conflict[];
}

function lastWrite(sf: SideInput, gc: SideInput, tie: Winner): { winner: Winner; reason: string } {
  const a = sf.modifiedAt;
  const b = gc.modifiedAt;
  if (a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b))
    return { winner: 'manual', reason: 'missing_timestamp' };
  if (a > b) return { winner: 'salesforce', reason: 'salesforce_newer' };
  if (b > a) return { winner: 'genesys', reason: 'genesys_newer' };
  return { winner: tie, reason: 'tie' };
}

function resolve(
  m: FieldMapping,
  sf: SideInput,
  gc: SideInput,
  opts: MergeOptions,
): { winner: Winner; reason: string } {
  const tie = opts.tie ?? 'salesforce';
  switch (opts.strategy) {
    case 'manual':
      return { winner: 'manual', reason: 'manual_strategy' };
    case 'last-write-wins':
      return lastWrite(sf, gc, tie);
    case 'field-priority':
      switch (m.priority) {
        case 'salesforce':
          return { winner: 'salesforce', reason: 'field_priority' };
        case 'genesys':
          return { winner: 'genesys', reason: 'field_priority' };
        case 'last-write':
          return lastWrite(sf, gc, tie);
        default: {
          const never: never = m.priority;
          return never;
        }
      }
    default: {
      const never: never = opts.strategy;
      return never;
    }
  }
}

/**
 * Merges one record. `base` undefined = first link of records that already existed on both sides.
 * A side passed as undefined did not change (its values are the base).
 */
export function mergeRecord(
  mapping: readonly FieldMapping[],
  base: Values | undefined,
  sfIn: SideInput | undefined,
  gcIn: SideInput | undefined,
  opts: MergeOptions,
): MergeResult {
  const baseValues: Values = base ?? {};
  const sf: SideInput = sfIn ?? { values: baseValues, modifiedAt: undefined };
  const gc: SideInput = gcIn ?? { values: baseValues, modifiedAt: undefined };
  const merged: Record<string, Value> = {};
  const toGenesys: Record<string, Value> = {};
  const toSalesforce: Record<string, Value> = {};
  const conflicts: Conflict[] = [];
  const sfInvalid = new Set(sf.invalid ?? []);
  const gcInvalid = new Set(gc.invalid ?? []);

  for (const m of mapping) {
    const k = m.key;
    const eq = (x: Value | undefined, y: Value | undefined) => sameValue(x, y, m.type);
    const hasBase = base !== undefined && k in base;
    const b = hasBase ? (base[k] ?? null) : undefined;
    // A side without a readable value has no opinion: it counts as unchanged.
    const sfOpinion = !sfInvalid.has(k) && k in sf.values;
    const gcOpinion = !gcInvalid.has(k) && k in gc.values;
    const s: Value | undefined = sfOpinion ? (sf.values[k] ?? null) : b;
    const g: Value | undefined = gcOpinion ? (gc.values[k] ?? null) : b;
    const sfChanged = sfOpinion && (b === undefined || !eq(s, b));
    const gcChanged = gcOpinion && (b === undefined || !eq(g, b));
    const direction = opts.direction ?? m.direction;

    let result: Value | undefined;
    if (s !== undefined && g !== undefined && eq(s, g)) result = s;
    else if (direction === 'sf-to-gc') {
      result = s ?? g;
      if (gcChanged && sfOpinion)
        conflicts.push({
          key: k,
          base: b,
          salesforce: s ?? null,
          genesys: g ?? null,
          winner: 'salesforce',
          reason: 'one_way_field',
        });
    } else if (direction === 'gc-to-sf') {
      result = g ?? s;
      if (sfChanged && gcOpinion)
        conflicts.push({
          key: k,
          base: b,
          salesforce: s ?? null,
          genesys: g ?? null,
          winner: 'genesys',
          reason: 'one_way_field',
        });
    } else if (sfChanged && !gcChanged) result = s;
    else if (gcChanged && !sfChanged) result = g;
    else if (!sfChanged && !gcChanged) result = b ?? s ?? g;
    else {
      const r = resolve(m, sf, gc, opts);
      const reason = b === undefined ? `${r.reason}:no_base` : r.reason;
      conflicts.push({
        key: k,
        base: b,
        salesforce: s ?? null,
        genesys: g ?? null,
        winner: r.winner,
        reason,
      });
      if (r.winner === 'manual') {
        // Parked: nothing is written; the field keeps its base until someone decides.
        if (b !== undefined) merged[k] = b;
        continue;
      }
      result = r.winner === 'salesforce' ? s : g;
    }
    if (result === undefined) continue;
    merged[k] = result;
    if (!eq(g, result)) toGenesys[k] = result;
    if (!eq(s, result)) toSalesforce[k] = result;
  }
  // One-way fields are never written to their source.
  for (const m of mapping) {
    const direction = opts.direction ?? m.direction;
    if (direction === 'sf-to-gc') delete toSalesforce[m.key];
    if (direction === 'gc-to-sf') delete toGenesys[m.key];
  }
  return { merged, toGenesys, toSalesforce, conflicts };
}
