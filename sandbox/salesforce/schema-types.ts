/**
 * The shape of the org's metadata. The objects themselves are data in `schema.ts`; users add their
 * own objects and fields by passing more `ObjectDef`s to `startSalesforceSandbox({ schema })`.
 */
export type FieldType =
  | 'id'
  | 'string'
  | 'textarea'
  | 'phone'
  | 'email'
  | 'url'
  | 'boolean'
  | 'int'
  | 'double'
  | 'currency'
  | 'date'
  | 'datetime'
  | 'reference'
  | 'picklist';

export interface FieldDef {
  name: string;
  type: FieldType;
  label?: string;
  length?: number;
  /** Must be given on create (describe: nillable false, createable, not defaulted). */
  required?: boolean;
  /** Value written by the system; writing it fails with INVALID_FIELD_FOR_INSERT_UPDATE. */
  readOnly?: boolean;
  /** Settable on create but not on update (e.g. Task.WhoId stays updateable; ParentId does not). */
  createOnly?: boolean;
  externalId?: boolean;
  unique?: boolean;
  /** Keep an equality index (phones, e-mails, references and external IDs always get one). */
  indexed?: boolean;
  referenceTo?: string[];
  /** Parent relationship name used in SOQL (`Account.Name`). */
  relationshipName?: string;
  /** Name of the child relationship on the referenced object (`Contact.Tasks`). */
  childRelationshipName?: string;
  /** Deleting the parent deletes the children (activities with their Contact). */
  cascadeDelete?: boolean;
  picklistValues?: string[];
  restrictedPicklist?: boolean;
  /** Value used on create when none is given (describe: defaultedOnCreate). */
  defaultValue?: string | number | boolean;
}

export interface ObjectDef {
  name: string;
  keyPrefix: string;
  label: string;
  labelPlural: string;
  custom?: boolean;
  /** The field holding the record's display name (Name, Subject, CaseNumber). */
  nameField?: string;
  /** Standard system fields (Id, CreatedDate, …, OwnerId) are added unless false. */
  systemFields?: boolean;
  hasOwner?: boolean;
  /** Publish Change Data Capture events for this object. */
  changeDataCapture?: boolean;
  /** Queryable through SOSL `IN PHONE FIELDS` / `IN EMAIL FIELDS`. */
  searchable?: boolean;
  fields: FieldDef[];
}
