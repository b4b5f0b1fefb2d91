/** Salesforce side of privacy: find the person's Contacts, erase them with their activities and consents. */
import { VendorPermanentError } from '../../../connectors/errors.ts';
import type { SalesforceConnector } from '../../../connectors/salesforce/client.ts';
import { isRetryableRecordError } from '../../../connectors/salesforce/errors.ts';
import { soql, soqlFields } from '../../../connectors/salesforce/soql.ts';
import { phoneKey } from '../../../platform/phone/normalize.ts';
import { phoneSpellings, type Subject } from '../../../platform/privacy/index.ts';
import type { CountryCode } from 'libphonenumber-js';

interface ContactRow {
  Id: string;
  FirstName: string | null;
  LastName: string | null;
  Email: string | null;
  Phone: string | null;
  MobilePhone: string | null;
  HomePhone: string | null;
  OtherPhone: string | null;
}

/** Contacts matching any identifier of the subject, as a partial subject (all their e-mails, phones, names). */
export async function findSalesforce(
  sf: SalesforceConnector,
  s: Subject,
  region: CountryCode,
): Promise<Partial<Subject>> {
  const rows = new Map<string, ContactRow>();
  const add = (rs: ContactRow[]) => rs.forEach((r) => rows.set(r.Id, r));
  const fields = soqlFields([
    'Id',
    'FirstName',
    'LastName',
    'Email',
    'Phone',
    'MobilePhone',
    'HomePhone',
    'OtherPhone',
  ]);
  if (s.salesforceContactIds.length > 0)
    add(
      (await sf.query<ContactRow>(soql`SELECT ${fields} FROM Contact WHERE Id IN ${s.salesforceContactIds}`))
        .records,
    );
  if (s.emails.length > 0)
    add((await sf.query<ContactRow>(soql`SELECT ${fields} FROM Contact WHERE Email IN ${s.emails}`)).records);
  const spellings = s.phones.flatMap(phoneSpellings);
  if (spellings.length > 0)
    add(
      (
        await sf.query<ContactRow>(
          soql`SELECT ${fields} FROM Contact WHERE Phone IN ${spellings} OR MobilePhone IN ${spellings} OR HomePhone IN ${spellings} OR OtherPhone IN ${spellings}`,
        )
      ).records,
    );
  const out: Partial<Subject> = { salesforceContactIds: [], emails: [], phones: [], names: [] };
  for (const r of rows.values()) {
    out.salesforceContactIds!.push(r.Id);
    if (r.Email) out.emails!.push(r.Email);
    for (const p of [r.Phone, r.MobilePhone, r.HomePhone, r.OtherPhone]) {
      const k = p ? phoneKey(p, region) : undefined;
      if (k) out.phones!.push(k);
    }
    const name = [r.FirstName, r.LastName].filter(Boolean).join(' ');
    if (name) out.names!.push(name);
  }
  return out;
}

export interface SalesforceErasure {
  contacts: number;
  tasks: number;
  events: number;
  consents: number;
  /**
   * `emptied`: deleted for good (SOAP `emptyRecycleBin`); `soft_deleted_only`: left in the recycle
   * bin, which Salesforce purges after 15 days (`note` says why); `nothing`: no record found.
   */
  recycleBin: 'emptied' | 'soft_deleted_only' | 'nothing';
  note?: string;
}

interface Found {
  Id: string;
  IsDeleted: boolean;
}

/**
 * Deletes Tasks, Events and consent records of the Contacts, then the Contacts; then empties the
 * recycle bin of them. Retry-safe: records are found with `queryAll`, so a retry after the deletes
 * (or after emptying) picks up where the last attempt stopped.
 */
export async function eraseSalesforce(
  sf: SalesforceConnector,
  s: Subject,
  opts: { hardDelete: boolean },
): Promise<SalesforceErasure> {
  const ids = s.salesforceContactIds;
  const find = async (q: ReturnType<typeof soql>) => (await sf.query<Found>(q, { all: true })).records;
  const tasks = ids.length ? await find(soql`SELECT Id, IsDeleted FROM Task WHERE WhoId IN ${ids}`) : [];
  const events = ids.length ? await find(soql`SELECT Id, IsDeleted FROM Event WHERE WhoId IN ${ids}`) : [];
  const consents = new Map<string, Found>();
  const addConsents = (rs: Found[]) => rs.forEach((r) => consents.set(r.Id, r));
  if (ids.length)
    addConsents(await find(soql`SELECT Id, IsDeleted FROM Contact_Consent__c WHERE Contact__c IN ${ids}`));
  if (s.emails.length)
    addConsents(await find(soql`SELECT Id, IsDeleted FROM Contact_Consent__c WHERE Email__c IN ${s.emails}`));
  const children = [...tasks, ...events, ...consents.values()];
  const contacts = ids.length ? await find(soql`SELECT Id, IsDeleted FROM Contact WHERE Id IN ${ids}`) : [];
  // Children first: deleting a Contact would cascade its Tasks and Events, and emptying the bin
  // refuses a cascade child named with its parent.
  await removeAll(sf, live(children));
  await removeAll(sf, live(contacts));
  const counts = {
    contacts: contacts.length,
    tasks: tasks.length,
    events: events.length,
    consents: consents.size,
  };
  if (children.length + contacts.length === 0) return { ...counts, recycleBin: 'nothing' };
  if (!opts.hardDelete)
    return {
      ...counts,
      recycleBin: 'soft_deleted_only',
      note: 'PRIVACY_SF_HARD_DELETE is off: the records stay in the recycle bin until Salesforce purges them (15 days).',
    };
  // Children in their own call, before the Contacts, for the same reason.
  const refused: string[] = [];
  for (const group of [children, contacts]) {
    const groupIds = group.map((r) => r.Id);
    refused.push(...(await emptyRecycleBin(sf, groupIds)));
  }
  if (refused.length === 0) return { ...counts, recycleBin: 'emptied' };
  return {
    ...counts,
    recycleBin: 'soft_deleted_only',
    note: `Salesforce refused to empty the recycle bin (${[...new Set(refused)].join(', ')}): the records stay there until Salesforce purges them (15 days). The integration user can empty only its own bin (and its subordinates'), any bin with "Modify All Data".`,
  };
}

const live = (rs: Found[]) => rs.filter((r) => !r.IsDeleted).map((r) => r.Id);

async function removeAll(sf: SalesforceConnector, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  const results = await sf.collections.remove(ids, { allOrNone: false });
  const failed = results.filter(
    (r) => !r.success && !r.errors.some((e) => e.statusCode === 'ENTITY_IS_DELETED'),
  );
  if (failed.length > 0) {
    const codes = [...new Set(failed.flatMap((r) => r.errors.map((e) => e.statusCode)))].join(', ');
    throw new Error(`Salesforce refused to delete ${failed.length} record(s): ${codes}`);
  }
}

/**
 * Records found deleted may already have left the bin (emptied by an earlier attempt: queryAll
 * still returns them for about a day) — the answer for those is "not in the recycle bin".
 */
const NOT_IN_BIN = new Set(['INVALID_ID_FIELD', 'ENTITY_IS_DELETED']);

/**
 * SOAP `emptyRecycleBin` for deleted records; returns the error codes of the IDs Salesforce refused
 * for good (access). A refusal of the whole call by the org (no SOAP access, …) is a refusal too;
 * transient failures (locks, limits, outages) throw, so the step retries.
 */
async function emptyRecycleBin(sf: SalesforceConnector, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  let results;
  try {
    results = await sf.emptyRecycleBin(ids);
  } catch (err) {
    if (err instanceof VendorPermanentError) return [err.code ?? 'refused'];
    throw err;
  }
  const errors = results
    .filter((r) => !r.success)
    .map((r) => r.errors[0] ?? { statusCode: 'UNKNOWN_EXCEPTION', message: '', fields: [] });
  const retryable = errors.filter(isRetryableRecordError);
  if (retryable.length > 0)
    throw new Error(
      `Salesforce could not empty the recycle bin for ${retryable.length} record(s) yet: ${retryable[0]!.statusCode}`,
    );
  return errors.filter((e) => !NOT_IN_BIN.has(e.statusCode)).map((e) => e.statusCode);
}
