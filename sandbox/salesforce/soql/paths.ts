/**
 * Field paths in SOQL (`Phone`, `Account.Name`, `Who.Name`) resolved once against the schema into
 * accessors that follow references through the store at run time.
 */
import type { ObjectMeta } from '../schema-index.ts';
import type { FieldDef } from '../schema-types.ts';
import type { Rec, Store } from '../store.ts';
import type { Stored } from '../values.ts';
import { noSuchColumn } from './query-errors.ts';

export interface Accessor {
  /** The path as written, for messages. */
  raw: string;
  /** The leaf field (of the first target object that has it, for polymorphic relationships). */
  field: FieldDef;
  /** Relationship steps before the leaf; empty for a direct field. */
  steps: { relationshipName: string; field: FieldDef }[];
  get(rec: Rec): Stored;
}

export function resolvePath(store: Store, meta: ObjectMeta, path: string[], soql: string): Accessor {
  const raw = path.join('.');
  const steps: Accessor['steps'] = [];
  let targets: ObjectMeta[] = [meta];
  for (const rel of path.slice(0, -1)) {
    const refField = targets.map((t) => t.parentRels.get(rel.toLowerCase())).find((f) => f !== undefined);
    if (!refField) throw noSuchColumn(soql, raw, targets[0]?.name ?? meta.name);
    steps.push({ relationshipName: refField.relationshipName ?? rel, field: refField });
    targets = (refField.referenceTo ?? [])
      .map((n) => store.schema.object(n))
      .filter((m): m is ObjectMeta => m !== undefined);
  }
  const leafName = path[path.length - 1] ?? '';
  const field = targets.map((t) => t.fieldsByLower.get(leafName.toLowerCase())).find((f) => f !== undefined);
  if (!field) throw noSuchColumn(soql, path.length > 1 ? raw : leafName, targets[0]?.name ?? meta.name);
  const leaf = field.name;
  const get =
    steps.length === 0
      ? (rec: Rec): Stored => rec[leaf] ?? null
      : (rec: Rec): Stored => {
          let cur: Rec | undefined = rec;
          for (const s of steps) {
            const id: Stored | undefined = cur?.[s.field.name];
            cur = typeof id === 'string' ? store.get(id) : undefined;
            if (!cur) return null;
          }
          return cur[leaf] ?? null;
        };
  return { raw, field, steps, get };
}
