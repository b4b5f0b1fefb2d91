/**
 * Deterministic test data: the same options give the same records and IDs on every run. The data
 * is deliberately messy the way real CRMs are: phones in mixed formats (E.164, `(415) 555-0142`,
 * `415.555.0142`, with extensions), numbers shared by several contacts, duplicate e-mails, and
 * contacts with no phone, no e-mail or no account.
 */
import type { Store } from './store.ts';
import { mulberry32 } from '../kit/prng.ts';

export interface SeedOptions {
  accounts?: number;
  contactsPerAccount?: number;
  /** Completed call Tasks per contact for the first contacts (gives LastActivityDate). */
  tasksPerContact?: number;
  casesPerAccount?: number;
  /** PRNG seed; the same seed gives the same data. */
  seed?: number;
}

export interface SeedSummary {
  accounts: number;
  contacts: number;
  tasks: number;
  cases: number;
  /** A few phone numbers in E.164 that are known to match a contact, for tests and benchmarks. */
  samplePhones: string[];
  /** A number shared by two contacts. */
  sharedPhone: string | null;
  /** An e-mail used by two contacts. */
  duplicateEmail: string | null;
}

const FIRST = [
  'Ada',
  'Bruno',
  'Chiara',
  'Dmitri',
  'Elena',
  'Farid',
  'Greta',
  'Hiro',
  'Ines',
  'Jonas',
  'Kemi',
  'Lars',
  'Mina',
  'Nikos',
  'Olga',
  'Pavel',
  'Quinn',
  'Rosa',
  'Sven',
  'Tara',
];
const LAST = [
  'Abbott',
  'Brandt',
  'Castillo',
  'Dubois',
  'Eriksen',
  'Fontaine',
  'Gallo',
  'Haddad',
  'Ivanova',
  'Jensen',
  'Kowalski',
  'Lindgren',
  'Moreau',
  'Novak',
  'Olsen',
  'Petrov',
  'Quintero',
  'Rossi',
  'Schultz',
  'Tanaka',
];
const COMPANY = [
  'Northwind',
  'Contoso',
  'Fabrikam',
  'Globex',
  'Initech',
  'Umbrella',
  'Hooli',
  'Vandelay',
  'Stark',
  'Wayne',
];
const SUFFIX = ['Ltd', 'Inc', 'GmbH', 'Group', 'Partners', 'Labs'];
const AREA = ['415', '617', '212', '312', '206', '303', '512', '646', '702', '919'];
const TIERS = ['Standard', 'Premium', 'Platinum'] as const;

/** The n-th phone number of the seed as a 10-digit US national number (unique for n < 100,000). */
export function seededNationalNumber(n: number): string {
  const area = AREA[n % AREA.length] ?? '415';
  const line = Math.floor(n / AREA.length) % 10000;
  return `${area}555${String(line).padStart(4, '0')}`;
}

/** One number written in one of the formats people type into a CRM. */
export function formatPhone(national: string, style: number): string {
  const a = national.slice(0, 3);
  const b = national.slice(3, 6);
  const c = national.slice(6);
  switch (style % 6) {
    case 0:
    case 1:
      return `+1${national}`;
    case 2:
      return `(${a}) ${b}-${c}`;
    case 3:
      return `${a}.${b}.${c}`;
    case 4:
      return `${a}-${b}-${c} x${100 + (Number(c) % 900)}`;
    default:
      return `+1 ${a} ${b} ${c}`;
  }
}

export function seed(store: Store, opts: SeedOptions = {}): SeedSummary {
  const accounts = opts.accounts ?? 10;
  const perAccount = opts.contactsPerAccount ?? 5;
  const tasksPer = opts.tasksPerContact ?? 0;
  const casesPer = opts.casesPerAccount ?? 0;
  const rand = mulberry32(opts.seed ?? 42);
  const summary: SeedSummary = {
    accounts: 0,
    contacts: 0,
    tasks: 0,
    cases: 0,
    samplePhones: [],
    sharedPhone: null,
    duplicateEmail: null,
  };
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T;
  let n = store.count('Contact');
  let previousPhone: string | null = null;
  let previousEmail: string | null = null;

  const wasMuted = store.muted;
  store.muted = true;
  try {
    for (let a = 0; a < accounts; a++) {
      const acc = store.insert('Account', {
        Name: `${pick(COMPANY)} ${pick(SUFFIX)} ${a + 1}`,
        Phone: formatPhone(seededNationalNumber(900_000 + a), a),
        Industry: pick(['Banking', 'Retail', 'Technology', 'Healthcare', 'Insurance']),
        Custom_Tier__c: pick(TIERS),
      });
      summary.accounts++;
      for (let c = 0; c < perAccount; c++, n++) {
        const first = pick(FIRST);
        const last = pick(LAST);
        const national = seededNationalNumber(n);
        // Every 25th contact shares the previous contact's number (a household or switchboard).
        const shared: boolean = n % 25 === 24 && previousPhone !== null;
        const phone: string | null = n % 11 === 10 ? null : shared ? previousPhone : formatPhone(national, n);
        const mobile = n % 3 === 0 ? `+1${seededNationalNumber(n + 500_000)}` : null;
        // Every 20th contact reuses the previous e-mail; every 9th has none.
        const dupEmail: boolean = n % 20 === 19 && previousEmail !== null;
        const email: string | null =
          n % 9 === 8 ? null : dupEmail ? previousEmail : `${first}.${last}.${n}@example.com`.toLowerCase();
        store.insert('Contact', {
          // Every 15th contact has no account ("private contact").
          ...(n % 15 === 14 ? {} : { AccountId: acc.Id }),
          FirstName: n % 13 === 12 ? null : first,
          LastName: last,
          Phone: phone,
          MobilePhone: mobile,
          Email: email,
          Custom_Tier__c: n % 4 === 3 ? null : pick(TIERS),
          External_Genesys_ID__c: n % 2 === 0 ? `gx-${String(n).padStart(8, '0')}` : null,
        });
        if (shared && summary.sharedPhone === null && previousPhone?.startsWith('+1'))
          summary.sharedPhone = previousPhone;
        if (dupEmail && summary.duplicateEmail === null) summary.duplicateEmail = email;
        if (phone?.startsWith('+1') && !phone.includes(' ') && summary.samplePhones.length < 10)
          summary.samplePhones.push(phone);
        if (phone) previousPhone = phone;
        if (email) previousEmail = email;
        summary.contacts++;
      }
    }
    if (tasksPer > 0 || casesPer > 0) seedActivities(store, summary, tasksPer, casesPer, rand);
  } finally {
    store.muted = wasMuted;
  }
  return summary;
}

function seedActivities(
  store: Store,
  summary: SeedSummary,
  tasksPer: number,
  casesPer: number,
  rand: () => number,
): void {
  const contacts = [...store.scan(store.meta('Contact'))].slice(0, 200);
  let day = 0;
  for (const c of contacts) {
    for (let i = 0; i < tasksPer; i++, day++) {
      store.insert('Task', {
        Subject: `Call ${i + 1}`,
        WhoId: c.Id,
        Status: 'Completed',
        TaskSubtype: 'Call',
        CallType: rand() < 0.7 ? 'Inbound' : 'Outbound',
        CallDurationInSeconds: 30 + Math.floor(rand() * 600),
        ActivityDate: new Date(Date.UTC(2026, 0, 1 + (day % 60))).toISOString().slice(0, 10),
      });
      summary.tasks++;
    }
    if (casesPer > 0 && typeof c.AccountId === 'string') {
      for (let i = 0; i < casesPer; i++) {
        store.insert('Case', {
          ContactId: c.Id,
          AccountId: c.AccountId,
          Subject: `Issue ${i + 1}`,
          Origin: rand() < 0.5 ? 'Phone' : 'Email',
        });
        summary.cases++;
      }
    }
  }
}
