/** describeGlobal and describe, generated from the schema data. */
import type { ObjectMeta } from '../schema-index.ts';
import type { FieldDef } from '../schema-types.ts';
import { fieldLabel } from '../values.ts';

const SOAP_TYPE: Record<FieldDef['type'], string> = {
  id: 'tns:ID',
  reference: 'tns:ID',
  string: 'xsd:string',
  textarea: 'xsd:string',
  phone: 'xsd:string',
  email: 'xsd:string',
  url: 'xsd:string',
  picklist: 'xsd:string',
  boolean: 'xsd:boolean',
  int: 'xsd:int',
  double: 'xsd:double',
  currency: 'xsd:double',
  date: 'xsd:date',
  datetime: 'xsd:dateTime',
};

function urls(version: string, name: string): Record<string, string> {
  const base = `/services/data/v${version}/sobjects/${name}`;
  return { sobject: base, describe: `${base}/describe`, rowTemplate: `${base}/{ID}` };
}

export function globalEntry(meta: ObjectMeta, version: string): Record<string, unknown> {
  const def = meta.def;
  const system = meta.name === 'User' || meta.name === 'Group';
  return {
    name: meta.name,
    label: def.label,
    labelPlural: def.labelPlural,
    keyPrefix: meta.keyPrefix,
    custom: def.custom ?? false,
    createable: !system,
    updateable: !system,
    deletable: !system,
    queryable: true,
    searchable: def.searchable ?? false,
    retrieveable: true,
    replicateable: true,
    triggerable: true,
    undeletable: !system,
    layoutable: true,
    urls: urls(version, meta.name),
  };
}

function describeField(f: FieldDef, nameField: string | undefined): Record<string, unknown> {
  const textual = ['string', 'textarea', 'phone', 'email', 'url', 'picklist'].includes(f.type);
  const defaulted = f.defaultValue !== undefined || f.name === 'OwnerId';
  return {
    name: f.name,
    label: fieldLabel(f),
    type: f.type,
    soapType: SOAP_TYPE[f.type],
    length: textual ? (f.length ?? 255) : 0,
    custom: f.name.endsWith('__c'),
    nillable: !f.required && f.type !== 'boolean' && f.name !== 'Id',
    createable: !f.readOnly,
    updateable: !f.readOnly && !f.createOnly,
    defaultedOnCreate: defaulted || f.readOnly === true,
    defaultValue: f.defaultValue ?? null,
    calculated: false,
    externalId: f.externalId ?? false,
    unique: f.unique ?? false,
    idLookup: f.name === 'Id' || (f.externalId ?? false) || f.type === 'email' || f.name === nameField,
    nameField: f.name === nameField,
    filterable: f.type !== 'textarea',
    sortable: f.type !== 'textarea',
    groupable: f.type !== 'textarea',
    referenceTo: f.referenceTo ?? [],
    relationshipName: f.relationshipName ?? null,
    cascadeDelete: f.cascadeDelete ?? false,
    restrictedPicklist: f.restrictedPicklist ?? false,
    picklistValues: (f.picklistValues ?? []).map((v) => ({
      active: true,
      defaultValue: v === f.defaultValue,
      label: v,
      validFor: null,
      value: v,
    })),
  };
}

export function describeObject(
  meta: ObjectMeta,
  version: string,
  childRels: {
    childSObject: string;
    field: string;
    relationshipName: string | null;
    cascadeDelete: boolean;
  }[],
): Record<string, unknown> {
  return {
    ...globalEntry(meta, version),
    fields: meta.fields.map((f) => describeField(f, meta.def.nameField)),
    childRelationships: childRels,
    recordTypeInfos: [],
  };
}
