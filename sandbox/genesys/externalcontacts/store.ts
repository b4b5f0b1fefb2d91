/**
 * External contacts and external sources, with the indexes the lookups need (E.164, e-mail,
 * external id, identifier) so a store of 100k contacts answers lookups in constant time and a
 * free-text search in one pass over precomputed text.
 */
import { randomUUID } from 'node:crypto';
import { EMAIL_FIELDS, PHONE_FIELDS, type ContactBody } from './validate.ts';
import { HOME_DIVISION } from '../directory/store.ts';

export type Contact = ContactBody & { id: string; createDate: string; modifyDate: string };

export interface ExternalSource {
  id: string;
  name: string;
  active: boolean;
}

export interface Identifier {
  type: string;
  value: string;
  dateCreated: string;
  externalSource?: { id: string };
}

export const IDENTIFIER_TYPES = [
  'SocialLine',
  'SocialFacebook',
  'SocialTwitter',
  'SocialWhatsapp',
  'SocialInstagram',
  'Email',
  'Phone',
  'Cookie',
  'ExternalId',
] as const;

class MultiIndex {
  private readonly map = new Map<string, Set<string>>();
  add(key: string, id: string): void {
    let s = this.map.get(key);
    if (s === undefined) this.map.set(key, (s = new Set()));
    s.add(id);
  }
  remove(key: string, id: string): void {
    const s = this.map.get(key);
    s?.delete(id);
    if (s?.size === 0) this.map.delete(key);
  }
  get(key: string): string[] {
    return [...(this.map.get(key) ?? [])];
  }
  clear(): void {
    this.map.clear();
  }
}

const identifierKey = (type: string, value: string) =>
  `${type}\u0000${type === 'Email' ? value.toLowerCase() : value}`;

export class ExternalContactStore {
  readonly contacts = new Map<string, Contact>();
  readonly sources = new Map<string, ExternalSource>();
  private readonly byPhone = new MultiIndex();
  private readonly byEmail = new MultiIndex();
  private readonly byExternalId = new MultiIndex();
  private readonly byIdentifier = new Map<string, string>();
  private readonly text = new Map<string, string>();

  clear(): void {
    this.contacts.clear();
    this.sources.clear();
    this.byPhone.clear();
    this.byEmail.clear();
    this.byExternalId.clear();
    this.byIdentifier.clear();
    this.text.clear();
  }

  create(body: ContactBody, now: number, id: string = randomUUID()): Contact {
    const iso = new Date(now).toISOString();
    const contact: Contact = {
      type: 'Curated',
      division: { ...HOME_DIVISION },
      ...body,
      id,
      createDate: iso,
      modifyDate: iso,
      selfUri: `/api/v2/externalcontacts/contacts/${id}`,
    };
    this.contacts.set(id, contact);
    this.index(contact);
    return contact;
  }

  /** Replace the writable fields, keeping id, createDate and claimed identifiers. */
  replace(id: string, body: ContactBody, now: number): Contact | undefined {
    const old = this.contacts.get(id);
    if (old === undefined) return undefined;
    this.unindex(old);
    const next: Contact = {
      type: old.type,
      division: old.division,
      ...body,
      id,
      createDate: old.createDate,
      modifyDate: new Date(Math.max(now, Date.parse(old.modifyDate) + 1)).toISOString(),
      selfUri: old.selfUri,
      ...(old.identifiers !== undefined ? { identifiers: old.identifiers } : {}),
    };
    this.contacts.set(id, next);
    this.index(next);
    return next;
  }

  delete(id: string): boolean {
    const c = this.contacts.get(id);
    if (c === undefined) return false;
    this.unindex(c);
    this.contacts.delete(id);
    return true;
  }

  get(id: string): Contact | undefined {
    return this.contacts.get(id);
  }

  findByE164(e164: string): Contact[] {
    return this.resolve([...this.byPhone.get(e164), ...this.identifierOwner('Phone', e164)]);
  }

  findByEmail(email: string): Contact[] {
    return this.resolve([...this.byEmail.get(email.toLowerCase()), ...this.identifierOwner('Email', email)]);
  }

  findByExternalId(sourceId: string, value: string): Contact[] {
    return this.resolve(this.byExternalId.get(`${sourceId}\u0000${value}`));
  }

  findByIdentifier(type: string, value: string): Contact | undefined {
    const id = this.byIdentifier.get(identifierKey(type, value));
    return id === undefined ? undefined : this.contacts.get(id);
  }

  /** Free-text search: every whitespace-separated term must occur in the contact's names, e-mails or phones. */
  search(q: string): Contact[] {
    const terms = q
      .toLowerCase()
      .split(/\s+/)
      .filter((t) => t !== '');
    if (terms.length === 0) return [...this.contacts.values()];
    const out: Contact[] = [];
    for (const [id, text] of this.text) {
      if (terms.every((t) => text.includes(t))) {
        const c = this.contacts.get(id);
        if (c !== undefined) out.push(c);
      }
    }
    return out;
  }

  /** Claim moves the identifier to this contact, taking it from whichever contact held it. */
  claim(contactId: string, ident: Omit<Identifier, 'dateCreated'>, now: number): Identifier | undefined {
    const contact = this.contacts.get(contactId);
    if (contact === undefined) return undefined;
    const key = identifierKey(ident.type, ident.value);
    const owner = this.byIdentifier.get(key);
    if (owner !== undefined && owner !== contactId) this.release(owner, ident.type, ident.value);
    const list = (contact.identifiers as Identifier[] | undefined) ?? [];
    const existing = list.find((i) => identifierKey(i.type, i.value) === key);
    if (existing !== undefined) return existing;
    const created: Identifier = { ...ident, dateCreated: new Date(now).toISOString() };
    contact.identifiers = [...list, created];
    this.byIdentifier.set(key, contactId);
    return created;
  }

  release(contactId: string, type: string, value: string): Identifier | undefined {
    const contact = this.contacts.get(contactId);
    const key = identifierKey(type, value);
    const list = (contact?.identifiers as Identifier[] | undefined) ?? [];
    const found = list.find((i) => identifierKey(i.type, i.value) === key);
    if (contact === undefined || found === undefined) return undefined;
    contact.identifiers = list.filter((i) => i !== found);
    this.byIdentifier.delete(key);
    return found;
  }

  private identifierOwner(type: string, value: string): string[] {
    const id = this.byIdentifier.get(identifierKey(type, value));
    return id === undefined ? [] : [id];
  }

  private resolve(ids: string[]): Contact[] {
    return [...new Set(ids)].map((id) => this.contacts.get(id)).filter((c): c is Contact => c !== undefined);
  }

  private index(c: Contact): void {
    const words: string[] = [];
    for (const f of ['firstName', 'middleName', 'lastName', 'title'] as const)
      if (typeof c[f] === 'string') words.push(c[f]);
    for (const f of PHONE_FIELDS) {
      const p = c[f] as { e164?: string; display?: string } | undefined;
      if (p?.e164 !== undefined) this.byPhone.add(p.e164, c.id);
      if (p?.e164 !== undefined) words.push(p.e164);
      if (p?.display !== undefined) words.push(p.display);
    }
    for (const f of EMAIL_FIELDS) {
      const e = c[f];
      if (typeof e === 'string') {
        this.byEmail.add(e.toLowerCase(), c.id);
        words.push(e);
      }
    }
    for (const x of (c.externalIds as { externalSource: { id: string }; value: string }[] | undefined) ?? [])
      this.byExternalId.add(`${x.externalSource.id}\u0000${x.value}`, c.id);
    for (const i of (c.identifiers as Identifier[] | undefined) ?? [])
      this.byIdentifier.set(identifierKey(i.type, i.value), c.id);
    this.text.set(c.id, words.join(' ').toLowerCase());
  }

  private unindex(c: Contact): void {
    for (const f of PHONE_FIELDS) {
      const p = c[f] as { e164?: string } | undefined;
      if (p?.e164 !== undefined) this.byPhone.remove(p.e164, c.id);
    }
    for (const f of EMAIL_FIELDS) {
      const e = c[f];
      if (typeof e === 'string') this.byEmail.remove(e.toLowerCase(), c.id);
    }
    for (const x of (c.externalIds as { externalSource: { id: string }; value: string }[] | undefined) ?? [])
      this.byExternalId.remove(`${x.externalSource.id}\u0000${x.value}`, c.id);
    for (const i of (c.identifiers as Identifier[] | undefined) ?? [])
      this.byIdentifier.delete(identifierKey(i.type, i.value));
    this.text.delete(c.id);
  }
}
