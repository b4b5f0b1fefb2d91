/**
 * The Object Routing managed package (seed 004) emulated: its two custom objects, the
 * `ObjectRouting_Skills__c` field on Case, and its triggers. The real package's API names are not
 * published; ours are documented in docs/sandbox/salesforce.md.
 *
 * - `Interaction_Routing_Queue__c` ("Interaction Routing Queues" tab): Salesforce queue name →
 *   contact-center workgroup name, both case-sensitive; `QueueID__c` is filled on save.
 * - `ININ_Object_Routing_Queue__c` (the routing table the PushTopic watches): one row per routing
 *   request, with the case, workgroup, skills, status, processed flag and error message.
 *
 * A case "is in" the queue that owns it; when a user takes it, it stays in the last queue that
 * owned it (kept in `Case.Routing_Queue__c`), so owner changes and comments still route.
 */
import { SfError } from './errors.ts';
import type { ObjectDef } from './schema-types.ts';
import type { Rec, Store } from './store.ts';
import { formatDatetime } from './values.ts';

export const MAPPING_OBJECT = 'Interaction_Routing_Queue__c';
export const ROUTING_OBJECT = 'ININ_Object_Routing_Queue__c';

export const ROUTING_REASONS = [
  'New Case',
  'Owner Changed',
  'Queue Changed',
  'Comment Added',
  'Inbound Email',
  'Agent Reply',
] as const;
export type RoutingReason = (typeof ROUTING_REASONS)[number];

export const objectRoutingSchema: ObjectDef[] = [
  {
    name: 'Case',
    keyPrefix: '500',
    label: 'Case',
    labelPlural: 'Cases',
    fields: [
      // Longer than the 255 the package allows, so a too-long value reaches the router and is reported.
      { name: 'ObjectRouting_Skills__c', type: 'string', length: 1000, label: 'Object Routing Skills' },
    ],
  },
  {
    name: MAPPING_OBJECT,
    keyPrefix: 'a0R',
    label: 'Interaction Routing Queue',
    labelPlural: 'Interaction Routing Queues',
    custom: true,
    nameField: 'Name',
    hasOwner: true,
    fields: [
      { name: 'Name', type: 'string', length: 80 },
      {
        name: 'Salesforce_Queue_Name__c',
        type: 'string',
        length: 80,
        required: true,
        label: 'Salesforce Queue Name',
      },
      {
        name: 'CIC_Workgroup_Name__c',
        type: 'string',
        length: 100,
        required: true,
        label: 'CIC Workgroup Name',
      },
      { name: 'QueueID__c', type: 'string', length: 18, label: 'QueueID' },
      // Patchbay extension: route this queue to CIC (default) or to a Genesys Cloud queue of that name.
      {
        name: 'Target__c',
        type: 'picklist',
        picklistValues: ['CIC', 'Genesys Cloud'],
        restrictedPicklist: true,
        defaultValue: 'CIC',
        label: 'Target',
      },
    ],
  },
  {
    name: ROUTING_OBJECT,
    keyPrefix: 'a0S',
    label: 'ININ Object Routing Queue',
    labelPlural: 'ININ Object Routing Queues',
    custom: true,
    hasOwner: true,
    changeDataCapture: true,
    fields: [
      {
        name: 'Case__c',
        type: 'reference',
        referenceTo: ['Case'],
        relationshipName: 'Case__r',
        childRelationshipName: 'ININ_Object_Routing_Queues__r',
        required: true,
        cascadeDelete: true,
        label: 'Case',
      },
      { name: 'Queue_Name__c', type: 'string', length: 80, label: 'Salesforce Queue Name' },
      { name: 'Workgroup__c', type: 'string', length: 100, label: 'Workgroup' },
      { name: 'Target__c', type: 'picklist', picklistValues: ['CIC', 'Genesys Cloud'], defaultValue: 'CIC' },
      { name: 'Skills__c', type: 'string', length: 1000, label: 'Skills' },
      { name: 'Reason__c', type: 'picklist', picklistValues: [...ROUTING_REASONS], label: 'Reason' },
      {
        name: 'Status__c',
        type: 'picklist',
        picklistValues: ['New', 'Processed', 'Error'],
        defaultValue: 'New',
        label: 'Status',
      },
      { name: 'Processed__c', type: 'boolean', defaultValue: false, label: 'Processed' },
      { name: 'Error_Message__c', type: 'string', length: 1000, label: 'Error Message' },
      { name: 'Interaction_Id__c', type: 'string', length: 255, label: 'Interaction ID' },
    ],
  },
];

function queueByName(store: Store, name: string): Rec | undefined {
  for (const g of store.scan(store.meta('Group'))) if (g.Type === 'Queue' && g.Name === name) return g; // case-sensitive, as the package documents
  return undefined;
}

function mappingFor(store: Store, queueName: unknown): Rec | undefined {
  if (typeof queueName !== 'string') return undefined;
  for (const m of store.scan(store.meta(MAPPING_OBJECT)))
    if (m.Salesforce_Queue_Name__c === queueName) return m;
  return undefined;
}

function hasOpenEntry(store: Store, caseId: string): boolean {
  const meta = store.meta(ROUTING_OBJECT);
  for (const id of store.lookup(meta, 'Case__c', caseId) ?? []) {
    const e = store.get(id);
    if (e && e.Processed__c === false && e.Reason__c !== 'Agent Reply') return true;
  }
  return false;
}

/** Adds a routing entry for a case in a monitored queue; returns whether one was added. */
function addEntry(store: Store, caseRec: Rec, reason: RoutingReason): boolean {
  const mapping = mappingFor(store, caseRec.Routing_Queue__c);
  if (!mapping) return false;
  // One pending routing per case: a comment on a case still waiting to be routed adds nothing.
  if (reason !== 'Agent Reply' && hasOpenEntry(store, caseRec.Id as string)) return false;
  store.insert(ROUTING_OBJECT, {
    Case__c: caseRec.Id,
    Queue_Name__c: caseRec.Routing_Queue__c,
    Workgroup__c: mapping.CIC_Workgroup_Name__c,
    Target__c: mapping.Target__c ?? 'CIC',
    Skills__c: caseRec.ObjectRouting_Skills__c ?? null,
    Reason__c: reason,
  });
  return true;
}

/** Installs the package's triggers on a store (idempotent per store). */
export function installObjectRouting(store: Store): void {
  if (store.triggers.some((t) => t.object === MAPPING_OBJECT)) return;
  store.triggers.push(
    {
      object: MAPPING_OBJECT,
      before(rec) {
        const name = rec.Salesforce_Queue_Name__c as string | null;
        const queue = name === null ? undefined : queueByName(store, name);
        if (!queue)
          throw new SfError(
            'FIELD_CUSTOM_VALIDATION_EXCEPTION',
            `Salesforce Queue Name: no queue is named "${name ?? ''}" (the match is case-sensitive)`,
            { fields: ['Salesforce_Queue_Name__c'] },
          );
        rec.QueueID__c = queue.Id as string;
        if (rec.Name === null) rec.Name = name;
      },
    },
    {
      object: 'Case',
      before(rec) {
        const owner = typeof rec.OwnerId === 'string' ? store.get(rec.OwnerId) : undefined;
        if (owner?.Type === 'Queue') rec.Routing_Queue__c = owner.Name as string;
      },
      after(rec, prev) {
        if (!prev) addEntry(store, rec, 'New Case');
        else if (rec.Routing_Queue__c !== prev.Routing_Queue__c) addEntry(store, rec, 'Queue Changed');
        else if (rec.OwnerId !== prev.OwnerId) addEntry(store, rec, 'Owner Changed');
      },
    },
    {
      object: 'CaseComment',
      after(rec, prev) {
        if (prev) return;
        const c = store.get(rec.ParentId as string);
        if (c && rec.CreatedById !== c.OwnerId) addEntry(store, c, 'Comment Added');
      },
    },
    {
      object: 'EmailMessage',
      after(rec, prev) {
        if (prev || typeof rec.ParentId !== 'string' || !rec.ParentId.startsWith('500')) return;
        const c = store.get(rec.ParentId);
        if (c) addEntry(store, c, rec.Incoming === true ? 'Inbound Email' : 'Agent Reply');
      },
    },
  );
}

export interface EmailToCaseInput {
  queue: string;
  fromAddress: string;
  fromName?: string | undefined;
  subject: string;
  body: string;
  skills?: string | undefined;
}

/** Email-to-Case: a Case owned by the queue plus its inbound EmailMessage, in one transaction. */
export function emailToCase(
  store: Store,
  input: EmailToCaseInput,
  now: number,
): { caseId: string; emailMessageId: string } {
  return store.transaction(() => {
    const queue = queueByName(store, input.queue);
    if (!queue) throw new SfError('INVALID_CROSS_REFERENCE_KEY', `no queue is named "${input.queue}"`);
    const c = store.insert('Case', {
      OwnerId: queue.Id,
      Origin: 'Email',
      Subject: input.subject,
      Description: input.body,
      SuppliedEmail: input.fromAddress,
      SuppliedName: input.fromName ?? null,
      ...(input.skills !== undefined ? { ObjectRouting_Skills__c: input.skills } : {}),
    });
    const m = store.insert('EmailMessage', {
      ParentId: c.Id,
      Incoming: true,
      FromAddress: input.fromAddress,
      FromName: input.fromName ?? null,
      ToAddress: queue.Email ?? 'support@patchbay.sandbox',
      Subject: input.subject,
      TextBody: input.body,
      MessageDate: formatDatetime(now),
      Status: '0',
    });
    return { caseId: c.Id as string, emailMessageId: m.Id as string };
  });
}
