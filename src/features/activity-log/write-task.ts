/**
 * The Salesforce write: ONE Composite request (allOrNone) that upserts the Task by
 * `Conversation_Id__c` and updates the Contact's call fields. A retry after a crash between the
 * write and the job's completion finds the Task by its external ID and updates it instead of
 * creating a second one. `TaskSubtype` can only be set on create, so when the upsert lands on an
 * existing Task (INVALID_FIELD_FOR_INSERT_UPDATE on it) the request is sent again without it.
 *
 * Orgs without `Conversation_Id__c` (ACTIVITY_LOG_TASK_KEY=call-object): the Task is looked up by
 * `CallObject` first, then created or updated in the same Composite request as the Contact.
 */
import { VendorPermanentError, VendorRetryableError } from '../../connectors/errors.ts';
import { soql } from '../../connectors/salesforce/soql.ts';
import type { CompositeSubrequest, CompositeSubresponse } from '../../connectors/salesforce/client.ts';
import { salesforceVendor } from '../../connectors/salesforce/vendor.ts';
import type { SalesforcePort } from '../call-end-intake/ports.ts';
import type { TaskKeyMode } from '../call-end-intake/settings.ts';

export const TASK_EXTERNAL_ID = 'Conversation_Id__c';

export interface TaskWrite {
  conversationId: string;
  task: Record<string, string | number>;
  /** Contact to update with `contactFields` (resolved or, with `createContact`, new). */
  contactId: string | undefined;
  contactFields: Record<string, string | number>;
  /** Create-contact policy: the new Contact's fields; the Task's WhoId references it. */
  createContact?: Record<string, string | number> | undefined;
}

export interface TaskWriteResult {
  taskId: string;
  created: boolean;
  contactId: string | undefined;
  requests: number;
}

type Body =
  Array<{ errorCode?: string; message?: string; fields?: string[] }> | { id?: string; created?: boolean };

function errorsOf(
  r: CompositeSubresponse<Body>,
): Array<{ errorCode: string; message: string; fields: string[] }> {
  if (r.httpStatusCode < 300 || !Array.isArray(r.body)) return [];
  return r.body.map((e) => ({
    errorCode: e.errorCode ?? 'UNKNOWN',
    message: e.message ?? '',
    fields: e.fields ?? [],
  }));
}

function failure(responses: CompositeSubresponse<Body>[]): VendorPermanentError | VendorRetryableError {
  const errs = responses.flatMap((r) =>
    errorsOf(r)
      .filter((e) => e.errorCode !== 'PROCESSING_HALTED')
      .map((e) => ({ ...e, ref: r.referenceId, status: r.httpStatusCode })),
  );
  const first = errs[0] ?? {
    errorCode: 'UNKNOWN',
    message: 'composite failed',
    ref: '?',
    status: 500,
    fields: [],
  };
  const text = `salesforce composite ${first.ref}: ${first.errorCode}: ${first.message}`.slice(0, 500);
  const info = {
    vendor: 'salesforce' as const,
    operation: 'composite',
    status: first.status,
    code: first.errorCode,
  };
  return (salesforceVendor.retryableErrorCodes as readonly string[]).includes(first.errorCode) ||
    first.status >= 500
    ? new VendorRetryableError(text, info)
    : new VendorPermanentError(text, info);
}

const sobjects = (v: string) => `/services/data/v${v}/sobjects`;

export async function writeTask(
  sf: SalesforcePort,
  mode: TaskKeyMode,
  w: TaskWrite,
  opts: { exists?: boolean } = {},
): Promise<TaskWriteResult> {
  const base = sobjects(sf.apiVersion);
  let requests = 0;
  const send = async (subrequests: CompositeSubrequest[]) => {
    requests++;
    return sf.composite<Body>(subrequests, { allOrNone: true });
  };
  const contactRequests = (): CompositeSubrequest[] => {
    if (w.createContact)
      return [
        {
          method: 'POST',
          url: `${base}/Contact`,
          referenceId: 'newContact',
          body: { ...w.createContact, ...w.contactFields },
        },
      ];
    if (w.contactId)
      return [
        {
          method: 'PATCH',
          url: `${base}/Contact/${w.contactId}`,
          referenceId: 'contact',
          body: w.contactFields,
        },
      ];
    return [];
  };
  const taskBody = (withSubtype: boolean) => {
    const t: Record<string, unknown> = { ...w.task };
    if (!withSubtype) delete t.TaskSubtype;
    if (w.createContact) t.WhoId = '@{newContact.id}';
    return t;
  };

  if (mode === 'external-id') {
    const url = `${base}/Task/${TASK_EXTERNAL_ID}/${encodeURIComponent(w.conversationId)}`;
    // A Task known to exist is updated without TaskSubtype at once (it is create-only).
    for (const withSubtype of opts.exists ? [false] : [true, false]) {
      const task: CompositeSubrequest = {
        method: 'PATCH',
        url,
        referenceId: 'task',
        body: taskBody(withSubtype),
      };
      // The contact goes first when it is created (the Task references it).
      const res = await send(w.createContact ? [...contactRequests(), task] : [task, ...contactRequests()]);
      const t = res.find((r) => r.referenceId === 'task');
      const tErrs = t ? errorsOf(t) : [];
      const subtypeRefused = tErrs.some(
        (e) =>
          e.errorCode === 'INVALID_FIELD_FOR_INSERT_UPDATE' &&
          (e.fields.includes('TaskSubtype') || /TaskSubtype/.test(e.message)),
      );
      if (withSubtype && subtypeRefused) continue; // the Task exists already: a retry; update it
      if (res.some((r) => r.httpStatusCode >= 300)) throw failure(res);
      const body = t?.body as { id?: string; created?: boolean } | undefined;
      const created = res.find((r) => r.referenceId === 'newContact')?.body as { id?: string } | undefined;
      return {
        taskId: body?.id ?? '',
        created: body?.created ?? t?.httpStatusCode === 201,
        contactId: created?.id ?? w.contactId,
        requests,
      };
    }
    throw new VendorPermanentError('salesforce composite task: TaskSubtype refused twice', {
      vendor: 'salesforce',
      operation: 'composite',
      code: 'INVALID_FIELD_FOR_INSERT_UPDATE',
    });
  }

  // call-object mode: look first (the org has no external ID to upsert on).
  requests++;
  const { records } = await sf.query<{ Id: string }>(
    soql`SELECT Id FROM Task WHERE CallObject = ${w.conversationId} ORDER BY CreatedDate ASC LIMIT 1`,
  );
  const existing = records[0]?.Id;
  const task: CompositeSubrequest = existing
    ? { method: 'PATCH', url: `${base}/Task/${existing}`, referenceId: 'task', body: taskBody(false) }
    : { method: 'POST', url: `${base}/Task`, referenceId: 'task', body: taskBody(true) };
  const res = await send(w.createContact ? [...contactRequests(), task] : [task, ...contactRequests()]);
  if (res.some((r) => r.httpStatusCode >= 300)) throw failure(res);
  const body = res.find((r) => r.referenceId === 'task')?.body as { id?: string } | undefined;
  const created = res.find((r) => r.referenceId === 'newContact')?.body as { id?: string } | undefined;
  return {
    taskId: existing ?? body?.id ?? '',
    created: !existing,
    contactId: created?.id ?? w.contactId,
    requests,
  };
}

/** The Task already written for a conversation (its WhoId), for retries of the create-contact policy. */
export async function findTask(
  sf: SalesforcePort,
  mode: TaskKeyMode,
  conversationId: string,
): Promise<{ Id: string; WhoId: string | null } | undefined> {
  const q =
    mode === 'external-id'
      ? soql`SELECT Id, WhoId FROM Task WHERE Conversation_Id__c = ${conversationId} LIMIT 1`
      : soql`SELECT Id, WhoId FROM Task WHERE CallObject = ${conversationId} LIMIT 1`;
  const { records } = await sf.query<{ Id: string; WhoId: string | null }>(q);
  return records[0];
}
