/**
 * Field mapping: which Salesforce Contact field feeds which Genesys external-contact field, in
 * which direction, and who wins a conflict on it. Data, validated once; the seed's "Field Mapping
 * Reference" table is the default.
 *
 * Glossary: a **key** names a mapped field inside Patchbay (`email`); its **canonical value** is
 * the normalised form both sides are compared in (E.164 phones, trimmed strings, `null` for empty).
 */
import { isValidIdentifier } from '../../connectors/salesforce/soql.ts';

/** Where a value lives in a Genesys external contact. */
export type GenesysTarget =
  | { kind: 'field'; name: GenesysField }
  | { kind: 'phone'; name: GenesysPhoneField }
  | { kind: 'custom'; name: string };

export const GENESYS_FIELDS = [
  'firstName',
  'middleName',
  'lastName',
  'salutation',
  'title',
  'workEmail',
  'personalEmail',
  'otherEmail',
] as const;
export type GenesysField = (typeof GENESYS_FIELDS)[number];
export const GENESYS_PHONE_FIELDS = ['workPhone', 'cellPhone', 'homePhone', 'otherPhone'] as const;
export type GenesysPhoneField = (typeof GENESYS_PHONE_FIELDS)[number];

export type ValueType = 'text' | 'email' | 'phone' | 'list';
/** `both`: edits flow both ways; otherwise only from the named source (the other side is overwritten). */
export type Direction = 'both' | 'sf-to-gc' | 'gc-to-sf';
/** Who wins when both sides changed the field (strategy `field-priority`). */
export type Priority = 'salesforce' | 'genesys' | 'last-write';

export interface FieldMapping {
  key: string;
  /** Salesforce Contact field (API name). */
  sf: string;
  gc: GenesysTarget;
  type: ValueType;
  direction: Direction;
  priority: Priority;
}

/** The seed's table ("Field Mapping Reference"), on the fields the Contact object has. */
export const defaultMapping: readonly FieldMapping[] = [
  {
    key: 'firstName',
    sf: 'FirstName',
    gc: { kind: 'field', name: 'firstName' },
    type: 'text',
    direction: 'both',
    priority: 'salesforce',
  },
  {
    key: 'lastName',
    sf: 'LastName',
    gc: { kind: 'field', name: 'lastName' },
    type: 'text',
    direction: 'both',
    priority: 'salesforce',
  },
  {
    key: 'email',
    sf: 'Email',
    gc: { kind: 'field', name: 'workEmail' },
    type: 'email',
    direction: 'both',
    priority: 'last-write',
  },
  {
    key: 'phone',
    sf: 'Phone',
    gc: { kind: 'phone', name: 'workPhone' },
    type: 'phone',
    direction: 'both',
    priority: 'last-write',
  },
  {
    key: 'mobile',
    sf: 'MobilePhone',
    gc: { kind: 'phone', name: 'cellPhone' },
    type: 'phone',
    direction: 'both',
    priority: 'last-write',
  },
  {
    key: 'title',
    sf: 'Title',
    gc: { kind: 'field', name: 'title' },
    type: 'text',
    direction: 'both',
    priority: 'last-write',
  },
  {
    key: 'accountId',
    sf: 'AccountId',
    gc: { kind: 'custom', name: 'sfAccountId' },
    type: 'text',
    direction: 'sf-to-gc',
    priority: 'salesforce',
  },
];

export class MappingError extends Error {
  readonly issues: string[];
  constructor(issues: string[]) {
    super(`invalid contact-sync mapping: ${issues.join('; ')}`);
    this.name = 'MappingError';
    this.issues = issues;
  }
}

const DIRECTIONS: readonly Direction[] = ['both', 'sf-to-gc', 'gc-to-sf'];
const PRIORITIES: readonly Priority[] = ['salesforce', 'genesys', 'last-write'];
const TYPES: readonly ValueType[] = ['text', 'email', 'phone', 'list'];
const SYSTEM_FIELDS = new Set(['id', 'systemmodstamp', 'isdeleted', 'lastmodifieddate']);

/** Parses a mapping from JSON (the `CONTACT_SYNC_MAPPING` setting); throws `MappingError` listing every problem. */
export function parseMapping(input: unknown): FieldMapping[] {
  if (!Array.isArray(input)) throw new MappingError(['the mapping must be a JSON array']);
  const issues: string[] = [];
  const out: FieldMapping[] = [];
  const keys = new Set<string>();
  const sfFields = new Set<string>();
  const targets = new Set<string>();
  input.forEach((raw: unknown, i) => {
    const at = `entry ${i}`;
    if (raw === null || typeof raw !== 'object') return void issues.push(`${at}: must be an object`);
    const r = raw as Record<string, unknown>;
    const key = r.key;
    const sf = r.sf;
    const gc = r.gc as Record<string, unknown> | undefined;
    const type = r.type ?? 'text';
    const direction = r.direction ?? 'both';
    const priority = r.priority ?? 'last-write';
    if (typeof key !== 'string' || !/^[A-Za-z][A-Za-z0-9_]{0,63}$/.test(key))
      issues.push(`${at}: key must be a name`);
    else if (keys.has(key)) issues.push(`${at}: key ${key} is mapped twice`);
    if (typeof sf !== 'string' || !isValidIdentifier(sf) || SYSTEM_FIELDS.has(sf.toLowerCase()))
      issues.push(`${at}: sf must be a writable Salesforce field name`);
    else if (sfFields.has(sf.toLowerCase())) issues.push(`${at}: ${sf} is mapped twice`);
    if (!TYPES.includes(type as ValueType)) issues.push(`${at}: type must be one of ${TYPES.join(', ')}`);
    if (!DIRECTIONS.includes(direction as Direction))
      issues.push(`${at}: direction must be one of ${DIRECTIONS.join(', ')}`);
    if (!PRIORITIES.includes(priority as Priority))
      issues.push(`${at}: priority must be one of ${PRIORITIES.join(', ')}`);
    let target: GenesysTarget | undefined;
    if (gc === undefined || gc === null || typeof gc !== 'object')
      issues.push(`${at}: gc must be { kind, name }`);
    else if (gc.kind === 'field' && (GENESYS_FIELDS as readonly unknown[]).includes(gc.name))
      target = { kind: 'field', name: gc.name as GenesysField };
    else if (gc.kind === 'phone' && (GENESYS_PHONE_FIELDS as readonly unknown[]).includes(gc.name))
      target = { kind: 'phone', name: gc.name as GenesysPhoneField };
    else if (
      gc.kind === 'custom' &&
      typeof gc.name === 'string' &&
      /^[A-Za-z][A-Za-z0-9_]{0,99}$/.test(gc.name)
    )
      target = { kind: 'custom', name: gc.name };
    else issues.push(`${at}: gc must be { kind: field|phone|custom, name } with a known Genesys field`);
    if (target) {
      const t = `${target.kind}:${target.name}`;
      if (targets.has(t)) issues.push(`${at}: Genesys ${target.name} is mapped twice`);
      targets.add(t);
      if (target.kind === 'phone' && type !== 'phone')
        issues.push(`${at}: a Genesys phone field needs type phone`);
    }
    if (typeof key === 'string') keys.add(key);
    if (typeof sf === 'string') sfFields.add(sf.toLowerCase());
    if (target && typeof key === 'string' && typeof sf === 'string')
      out.push({
        key,
        sf,
        gc: target,
        type: type as ValueType,
        direction: direction as Direction,
        priority: priority as Priority,
      });
  });
  if (input.length === 0) issues.push('map at least one field');
  if (issues.length > 0) throw new MappingError(issues);
  return out;
}

/** Salesforce fields a sync query selects (system fields first). */
export function salesforceFields(mapping: readonly FieldMapping[]): string[] {
  return ['Id', 'SystemModstamp', 'IsDeleted', ...mapping.map((m) => m.sf)];
}
