/** Salesforce side of privacy: find the person's Contacts, erase them with their activities and consents. */
import type { SalesforceConnector } from '../../../connectors/salesforce/client.ts';
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
  recycleBin: 'emptied' | 'kept' | 'disabled' | 'nothing';
}

/** Deletes Tasks, Events and consent records of the Contacts, then the Contacts; then the recycle bin. */
export async function eraseSalesforce(
  sf: SalesforceConnector,
  s: Subject,
  opts: { hardDelete: boolean },
): Promise<SalesforceErasure> {
  const ids = s.salesforceContactIds;
  const idsOf = async (q: ReturnType<typeof soql>) =>
    (await sf.query<{ Id: string }>(q)).records.map((r) => r.Id);
  const tasks = ids.length ? await idsOf(soql`SELECT Id FROM Task WHERE WhoId IN ${ids}`) : [];
  const events = ids.length ? await idsOf(soql`SELECT Id FROM Event WHERE WhoId IN ${ids}`) : [];
  const consents = new Set<string>();
  if (ids.length)
    (await idsOf(soql`SELECT Id FROM Contact_Consent__c WHERE Contact__c IN ${ids}`)).forEach((i) =>
      consents.add(i),
    );
  if (s.emails.length)
    (await idsOf(soql`SELECT Id FROM Contact_Consent__c WHERE Email__c IN ${s.emails}`)).forEach((i) =>
      consents.add(i),
    );
  const all = [...tasks, ...events, ...consents];
  await removeAll(sf, all);
  const contacts = ids.length ? await idsOf(soql`SELECT Id FROM Contact WHERE Id IN ${ids}`) : [];
  await removeAll(sf, contacts);
  const erased = [...all, ...contacts];
  let recycleBin: SalesforceErasure['recycleBin'] = erased.length === 0 ? 'nothing' : 'disabled';
  if (erased.length > 0 && opts.hardDelete) recycleBin = await emptyRecycleBin(sf, erased);
  return {
    contacts: contacts.length,
    tasks: tasks.length,
    events: events.length,
    consents: consents.size,
    recycleBin,
  };
}

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

/** SOAP `emptyRecycleBin` (jsforce); an org or emulator that refuses it leaves the bin to its 15-day purge. */
async function emptyRecycleBin(sf: SalesforceConnector, ids: readonly string[]): Promise<'emptied' | 'kept'> {
  try {
    const conn = await sf.connection();
    for (let i = 0; i < ids.length; i += 200) await conn.soap.emptyRecycleBin(ids.slice(i, i + 200));
    return 'emptied';
  } catch {
    return 'kept';
  }
}
