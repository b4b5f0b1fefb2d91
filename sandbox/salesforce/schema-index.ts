/**
 * The schema compiled for lookups: case-insensitive object and field names (SOQL and the REST API
 * are case-insensitive), key prefixes, child relationships, and the system fields every object has.
 */
import type { FieldDef, ObjectDef } from './schema-types.ts';

export interface ObjectMeta {
  def: ObjectDef;
  name: string;
  keyPrefix: string;
  fields: FieldDef[];
  fieldsByLower: Map<string, FieldDef>;
  /** Parent relationship name (lower-case) → the reference field. */
  parentRels: Map<string, FieldDef>;
  /** Child relationship name (lower-case) → child object and its reference field. */
  childRels: Map<string, { name: string; childObject: string; field: string }>;
  indexedFields: string[];
}

const systemFields = (hasOwner: boolean): FieldDef[] => [
  { name: 'Id', type: 'id', readOnly: true },
  { name: 'IsDeleted', type: 'boolean', readOnly: true, defaultValue: false },
  { name: 'CreatedDate', type: 'datetime', readOnly: true },
  {
    name: 'CreatedById',
    type: 'reference',
    referenceTo: ['User'],
    relationshipName: 'CreatedBy',
    readOnly: true,
  },
  { name: 'LastModifiedDate', type: 'datetime', readOnly: true },
  {
    name: 'LastModifiedById',
    type: 'reference',
    referenceTo: ['User'],
    relationshipName: 'LastModifiedBy',
    readOnly: true,
  },
  { name: 'SystemModstamp', type: 'datetime', readOnly: true },
  ...(hasOwner
    ? [
        {
          name: 'OwnerId',
          type: 'reference',
          referenceTo: ['User', 'Group'],
          relationshipName: 'Owner',
        } satisfies FieldDef,
      ]
    : []),
];

export class SchemaIndex {
  private readonly byLower = new Map<string, ObjectMeta>();
  private readonly byPrefix = new Map<string, ObjectMeta>();

  constructor(defs: ObjectDef[]) {
    for (const def of mergeDefs(defs)) {
      const fields = [
        ...(def.systemFields === false ? [] : systemFields(def.hasOwner ?? false)),
        ...def.fields,
      ];
      const meta: ObjectMeta = {
        def,
        name: def.name,
        keyPrefix: def.keyPrefix,
        fields,
        fieldsByLower: new Map(fields.map((f) => [f.name.toLowerCase(), f])),
        parentRels: new Map(
          fields.filter((f) => f.relationshipName).map((f) => [(f.relationshipName ?? '').toLowerCase(), f]),
        ),
        childRels: new Map(),
        indexedFields: fields
          .filter(
            (f) =>
              f.indexed ||
              f.externalId ||
              f.unique ||
              f.type === 'phone' ||
              f.type === 'email' ||
              f.type === 'reference',
          )
          .map((f) => f.name),
      };
      this.byLower.set(def.name.toLowerCase(), meta);
      this.byPrefix.set(def.keyPrefix, meta);
    }
    for (const meta of this.byLower.values()) {
      for (const f of meta.fields) {
        if (!f.childRelationshipName) continue;
        for (const parent of f.referenceTo ?? []) {
          this.byLower.get(parent.toLowerCase())?.childRels.set(f.childRelationshipName.toLowerCase(), {
            name: f.childRelationshipName,
            childObject: meta.name,
            field: f.name,
          });
        }
      }
    }
  }

  object(name: string): ObjectMeta | undefined {
    return this.byLower.get(name.toLowerCase());
  }
  objectForId(id: string): ObjectMeta | undefined {
    return this.byPrefix.get(id.slice(0, 3));
  }
  objects(): ObjectMeta[] {
    return [...this.byLower.values()];
  }
  field(obj: ObjectMeta, name: string): FieldDef | undefined {
    return obj.fieldsByLower.get(name.toLowerCase());
  }
}

/** Later definitions of the same object add (or replace) fields, so users can extend standard objects. */
function mergeDefs(defs: ObjectDef[]): ObjectDef[] {
  const out = new Map<string, ObjectDef>();
  for (const def of defs) {
    const prev = out.get(def.name.toLowerCase());
    if (!prev) {
      out.set(def.name.toLowerCase(), { ...def, fields: [...def.fields] });
      continue;
    }
    const fields = new Map(prev.fields.map((f) => [f.name.toLowerCase(), f]));
    for (const f of def.fields) fields.set(f.name.toLowerCase(), f);
    out.set(def.name.toLowerCase(), { ...prev, ...def, fields: [...fields.values()] });
  }
  return [...out.values()];
}
