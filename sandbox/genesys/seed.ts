/**
 * Deterministic seeding: the same `seed` number always yields the same users, queues,
 * wrap-up codes, skills and external contacts (ids included), so tests and the simulator
 * can refer to them across runs.
 */
import type { DirectoryStore, QueueRecord, UserRecord } from './directory/store.ts';
import { HOME_DIVISION } from './directory/store.ts';
import { findDefinition } from './directory/presence-definitions.ts';
import type { ExternalContactStore } from './externalcontacts/store.ts';
import { validateContact } from './externalcontacts/validate.ts';
import { mulberry32, pick, seededUuid } from './rng.ts';

export interface SeedUser {
  id?: string;
  name: string;
  email: string;
  title?: string;
  department?: string;
}

export interface SeedSpec {
  /** PRNG seed (default 1). */
  seed?: number;
  /** A count of generated users, or explicit users. Default 10. */
  users?: number | SeedUser[];
  /** A count of generated queues, or names. Default 3. Users are spread over the queues. */
  queues?: number | string[];
  /** A count or names. Default 8. */
  wrapupCodes?: number | string[];
  /** Skill names. Default Billing, Support, Sales, French, Spanish. */
  skills?: string[];
  /** A count of generated contacts, or contact bodies (ExternalContact shape). Default 25. */
  externalContacts?: number | Record<string, unknown>[];
  /** Names of external sources to create. Default ["Salesforce"]. */
  externalSources?: string[];
}

const FIRST = [
  'Ada',
  'Bram',
  'Chiara',
  'Dmitri',
  'Elif',
  'Farid',
  'Greta',
  'Hiro',
  'Ines',
  'Jonas',
  'Kaia',
  'Luca',
  'Mireille',
  'Nnamdi',
  'Oona',
  'Pavel',
  'Quentin',
  'Rosa',
  'Sven',
  'Thandi',
  'Umar',
  'Vera',
  'Wim',
  'Xenia',
  'Yusuf',
  'Zofia',
];
const LAST = [
  'Abara',
  'Brandt',
  'Castell',
  'Dewitt',
  'Engström',
  'Faure',
  'Gallo',
  'Hartmann',
  'Ivanova',
  'Jansen',
  'Kowalczyk',
  'Lindgren',
  'Moreau',
  'Novak',
  'Okafor',
  'Petrov',
  'Quist',
  'Rinaldi',
  'Sato',
  'Tamm',
  'Ueda',
  'Varga',
  'Weiss',
  'Yilmaz',
  'Zeller',
];
const QUEUES = ['Support', 'Sales', 'Billing', 'Retention', 'Technical', 'Escalations'];
const WRAPUPS = [
  'Resolved',
  'Follow-up required',
  'Transferred',
  'Callback scheduled',
  'Wrong number',
  'Sale',
  'Complaint',
  'No answer',
];
const TITLES = ['Agent', 'Senior Agent', 'Team Lead', 'Supervisor'];
const DEFAULT_SKILLS = ['Billing', 'Support', 'Sales', 'French', 'Spanish'];

export const DEFAULT_SEED: SeedSpec = {};

/** Fill the stores from a seed spec (the stores are expected to be empty). */
export function applySeed(
  spec: SeedSpec,
  dir: DirectoryStore,
  contacts: ExternalContactStore,
  now: number,
  defaultCountry: string,
): void {
  const rand = mulberry32(spec.seed ?? 1);
  const offline = findDefinition('Offline');
  if (offline === undefined) throw new Error('the Offline presence definition is missing');

  for (const name of spec.skills ?? DEFAULT_SKILLS) {
    const id = seededUuid(rand);
    dir.skills.set(id, { id, name, modifiedAt: now });
  }

  const users: SeedUser[] = Array.isArray(spec.users)
    ? spec.users
    : Array.from({ length: spec.users ?? 10 }, (_, i) => {
        const first = pick(rand, FIRST);
        const last = pick(rand, LAST);
        return {
          name: `${first} ${last}`,
          email: `${first}.${last}.${i + 1}@sandbox.patchbay.test`
            .toLowerCase()
            .normalize('NFD')
            .replace(/[\u0300-\u036f]/g, ''),
          title: pick(rand, TITLES),
        };
      });
  const skillIds = [...dir.skills.keys()];
  for (const u of users) {
    const id = u.id ?? seededUuid(rand);
    const rec: UserRecord = {
      id,
      name: u.name,
      email: u.email,
      username: u.email,
      division: { ...HOME_DIVISION },
      state: 'active',
      title: u.title ?? 'Agent',
      department: u.department ?? 'Contact Center',
      version: 1,
      presence: { definition: offline, message: '', modifiedAt: now },
      routing: { status: 'OFF_QUEUE', startAt: now },
      skillIds: skillIds.filter(() => rand() < 0.4),
    };
    dir.users.set(id, rec);
  }

  const queueNames = Array.isArray(spec.queues) ? spec.queues : QUEUES.slice(0, spec.queues ?? 3);
  const userIds = [...dir.users.keys()];
  queueNames.forEach((name, qi) => {
    const id = seededUuid(rand);
    // Every user is in the first queue; the others get every n-th user, so membership overlaps.
    const memberIds = userIds.filter((_, ui) => qi === 0 || ui % (qi + 1) === 0);
    const q: QueueRecord = {
      id,
      name,
      division: { ...HOME_DIVISION },
      description: `${name} queue`,
      createdAt: now,
      mediaSettings: Object.fromEntries(
        ['call', 'email', 'chat', 'callback', 'message'].map((m) => [
          m,
          { serviceLevel: { percentage: 0.8, durationMs: 20_000 }, alertingTimeoutSeconds: 8 },
        ]),
      ),
      memberIds,
      joined: new Set(memberIds),
    };
    dir.queues.set(id, q);
  });

  const codes = Array.isArray(spec.wrapupCodes) ? spec.wrapupCodes : WRAPUPS.slice(0, spec.wrapupCodes ?? 8);
  for (const name of codes) {
    const id = seededUuid(rand);
    dir.wrapupCodes.set(id, { id, name, description: '', createdAt: now, modifiedAt: now });
  }

  for (const name of spec.externalSources ?? ['Salesforce']) {
    const id = seededUuid(rand);
    contacts.sources.set(id, { id, name, active: true });
  }
  const sourceExists = (id: string) => contacts.sources.has(id);
  const bodies: Record<string, unknown>[] = Array.isArray(spec.externalContacts)
    ? spec.externalContacts
    : Array.from({ length: spec.externalContacts ?? 25 }, (_, i) => {
        const first = pick(rand, FIRST);
        const last = pick(rand, LAST);
        const n = String(1_000_000 + Math.floor(rand() * 8_999_999)).slice(-7);
        return {
          firstName: first,
          lastName: last,
          workEmail: `${first}.${last}.${i + 1}@customer.example`
            .toLowerCase()
            .normalize('NFD')
            .replace(/[\u0300-\u036f]/g, ''),
          // 555-01xx is reserved for fiction in the North American plan; keeps seeded numbers harmless.
          cellPhone: { display: `+1 (202) 555-01${n.slice(-2)}` },
          workPhone: { display: `(312) 555-${n.slice(0, 4)}` },
        };
      });
  for (const body of bodies) {
    const v = validateContact(body, defaultCountry, sourceExists);
    if (!v.ok) throw new Error(`seed external contact is invalid: ${v.message}`);
    contacts.create(v.contact, now, typeof body.id === 'string' ? body.id : seededUuid(rand));
  }
}
