/** `/api/v2/gdpr`: requests (EXPORT, UPDATE, DELETE) whose status progresses over time, and subject search. */
import { authOf } from '../api-guard.ts';
import { iso, param, query, objectBody, type Deps } from '../deps.ts';
import { badRequest, notFound } from '../errors.ts';
import { toE164 } from '../externalcontacts/phone.ts';
import type { Contact } from '../externalcontacts/store.ts';
import { validateContact } from '../externalcontacts/validate.ts';
import { page, pageParams, strParam } from '../paging.ts';
import { GDPR_REQUEST_TYPES, type GdprRequestType } from './progress.ts';
import type { GdprRequestRecord, GdprSubject } from './store.ts';

export const GDPR_SEARCH_TYPES = [
  'NAME',
  'ADDRESS',
  'PHONE',
  'EMAIL',
  'TWITTER',
  'FACEBOOK',
  'EXTERNAL_ID',
] as const;

const strings = (v: unknown, name: string): string[] | undefined => {
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string'))
    throw badRequest(`subject.${name} must be an array of strings`);
  return v as string[];
};

function parseSubject(raw: unknown): GdprSubject {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw badRequest('subject is required');
  const s = raw as Record<string, unknown>;
  const out: GdprSubject = {};
  for (const k of ['name', 'userId', 'externalContactId', 'externalId'] as const) {
    if (s[k] === undefined) continue;
    if (typeof s[k] !== 'string') throw badRequest(`subject.${k} must be a string`);
    out[k] = s[k];
  }
  for (const k of ['addresses', 'phoneNumbers', 'emailAddresses'] as const) {
    const v = strings(s[k], k);
    if (v !== undefined) out[k] = v;
  }
  if (Object.keys(out).length === 0)
    throw badRequest(
      'subject must identify someone (name, userId, externalContactId, phoneNumbers, emailAddresses…)',
    );
  return out;
}

export function contactSubject(c: Contact): GdprSubject {
  const phones = ['workPhone', 'cellPhone', 'homePhone', 'otherPhone']
    .map((f) => (c[f] as { e164?: string } | undefined)?.e164)
    .filter((x): x is string => x !== undefined);
  const emails = ['workEmail', 'personalEmail', 'otherEmail']
    .map((f) => c[f])
    .filter((x): x is string => typeof x === 'string');
  return {
    name: [c.firstName, c.lastName].filter((x) => typeof x === 'string').join(' '),
    externalContactId: c.id,
    phoneNumbers: phones,
    emailAddresses: emails,
    addresses: [],
  };
}

export function registerGdpr(d: Deps): void {
  const { app } = d;
  const view = (r: GdprRequestRecord) => {
    const status = d.gdpr.status(r, d.now());
    return {
      id: r.id,
      name: `${r.requestType} ${r.id.slice(0, 8)}`,
      createdBy: { id: r.createdBy.id, selfUri: `/api/v2/users/${r.createdBy.id}` },
      replacementTerms: r.replacementTerms,
      requestType: r.requestType,
      createdDate: iso(r.createdAt),
      status,
      subject: r.subject,
      ...(r.requestType === 'GDPR_EXPORT' && status === 'COMPLETED'
        ? { resultsUrl: `/__sandbox/gdpr/exports/${r.id}`, resultsUrls: [`/__sandbox/gdpr/exports/${r.id}`] }
        : {}),
      selfUri: `/api/v2/gdpr/requests/${r.id}`,
    };
  };

  app.post('/api/v2/gdpr/requests', async (req, reply) => {
    const body = objectBody(req);
    const type = body.requestType;
    if (typeof type !== 'string' || !(GDPR_REQUEST_TYPES as readonly string[]).includes(type))
      throw badRequest(`requestType must be one of ${GDPR_REQUEST_TYPES.join(', ')}`);
    const subject = parseSubject(body.subject);
    if (type === 'GDPR_DELETE' && strParam(query(req), 'deleteConfirmed') !== 'true')
      throw badRequest('A GDPR_DELETE request must be confirmed with deleteConfirmed=true');
    const terms = body.replacementTerms;
    if (terms !== undefined && (!Array.isArray(terms) || terms.some((t) => !t || typeof t !== 'object')))
      throw badRequest('replacementTerms must be an array of { type, existingValue, updatedValue }');
    if (type === 'GDPR_UPDATE' && (!Array.isArray(terms) || terms.length === 0))
      throw badRequest('A GDPR_UPDATE request needs replacementTerms');
    const t = authOf(req);
    const rec = d.gdpr.add({
      requestType: type as GdprRequestType,
      subject,
      replacementTerms: (terms ?? []) as GdprRequestRecord['replacementTerms'],
      createdAt: d.now(),
      createdBy: { id: t?.userId ?? t?.clientId ?? 'unknown' },
    });
    return reply.code(202).send(view(rec));
  });

  app.get('/api/v2/gdpr/requests', async (req) => {
    const all = [...d.gdpr.requests.values()].sort((a, b) => b.createdAt - a.createdAt);
    const listing = page(all, pageParams(query(req), 25, 100), '/api/v2/gdpr/requests');
    return { ...listing, entities: listing.entities.map(view) };
  });

  app.get('/api/v2/gdpr/requests/:requestId', async (req) => {
    const r = d.gdpr.requests.get(param(req, 'requestId'));
    if (r === undefined) throw notFound(`GDPR request ${param(req, 'requestId')} not found`);
    return view(r);
  });

  // Where a completed export's `resultsUrl` points: the subject's external contacts as JSON.
  app.get('/__sandbox/gdpr/exports/:requestId', async (req, reply) => {
    const r = d.gdpr.requests.get(param(req, 'requestId'));
    if (r === undefined || r.requestType !== 'GDPR_EXPORT' || d.gdpr.status(r, d.now()) !== 'COMPLETED')
      return reply
        .code(404)
        .send({ error: { code: 'not_found', message: 'No completed export with this id' } });
    const ids = new Set<string>();
    if (r.subject.externalContactId !== undefined) ids.add(r.subject.externalContactId);
    for (const p of r.subject.phoneNumbers ?? []) {
      const e = toE164(p, d.config.defaultPhoneCountry);
      if (e !== undefined) for (const c of d.contacts.findByE164(e)) ids.add(c.id);
    }
    for (const m of r.subject.emailAddresses ?? []) for (const c of d.contacts.findByEmail(m)) ids.add(c.id);
    return {
      request: view(r),
      externalContacts: [...ids].map((id) => d.contacts.get(id)).filter((c) => c !== undefined),
    };
  });

  app.get('/api/v2/gdpr/subjects', async (req) => {
    const q = query(req);
    const type = strParam(q, 'searchType');
    const value = strParam(q, 'searchValue');
    if (type === undefined || !(GDPR_SEARCH_TYPES as readonly string[]).includes(type))
      throw badRequest(`searchType must be one of ${GDPR_SEARCH_TYPES.join(', ')}`);
    if (value === undefined || value.trim() === '') throw badRequest('searchValue is required');
    const v = value.trim();
    const subjects: GdprSubject[] = [];
    const users = d.directory.usersSorted();
    if (type === 'EMAIL') {
      for (const u of users)
        if (u.email.toLowerCase() === v.toLowerCase())
          subjects.push({
            name: u.name,
            userId: u.id,
            emailAddresses: [u.email],
            phoneNumbers: [],
            addresses: [],
          });
      subjects.push(...d.contacts.findByEmail(v).map(contactSubject));
    } else if (type === 'PHONE') {
      const e164 = toE164(v, d.config.defaultPhoneCountry);
      if (e164 !== undefined) subjects.push(...d.contacts.findByE164(e164).map(contactSubject));
    } else if (type === 'NAME') {
      for (const u of users)
        if (u.name.toLowerCase().includes(v.toLowerCase()))
          subjects.push({
            name: u.name,
            userId: u.id,
            emailAddresses: [u.email],
            phoneNumbers: [],
            addresses: [],
          });
      subjects.push(...d.contacts.search(v).slice(0, 100).map(contactSubject));
    } else if (type === 'EXTERNAL_ID') {
      for (const s of d.contacts.sources.values())
        subjects.push(...d.contacts.findByExternalId(s.id, v).map(contactSubject));
    }
    return page(subjects, pageParams(q, 25, 100), '/api/v2/gdpr/subjects');
  });
}

/** The effect of a request reaching its working stage: delete or rewrite the subject's external contacts. */
export function applyGdpr(d: Pick<Deps, 'contacts' | 'config' | 'now'>, r: GdprRequestRecord): void {
  const ids = new Set<string>();
  if (r.subject.externalContactId !== undefined && d.contacts.get(r.subject.externalContactId))
    ids.add(r.subject.externalContactId);
  for (const p of r.subject.phoneNumbers ?? []) {
    const e = toE164(p, d.config.defaultPhoneCountry);
    if (e !== undefined) for (const c of d.contacts.findByE164(e)) ids.add(c.id);
  }
  for (const m of r.subject.emailAddresses ?? []) for (const c of d.contacts.findByEmail(m)) ids.add(c.id);
  if (r.requestType === 'GDPR_DELETE') {
    for (const id of ids) if (d.contacts.delete(id)) r.deletedContactIds.push(id);
  } else if (r.requestType === 'GDPR_UPDATE') {
    for (const id of ids) {
      const c = d.contacts.get(id);
      if (c === undefined) continue;
      const next: Record<string, unknown> = { ...c };
      for (const t of r.replacementTerms) {
        for (const [k, v] of Object.entries(next)) {
          if (typeof v === 'string' && v === t.existingValue && t.updatedValue !== undefined)
            next[k] = t.updatedValue;
          if (
            v &&
            typeof v === 'object' &&
            (v as { e164?: string }).e164 !== undefined &&
            t.existingValue !== undefined &&
            (v as { e164: string }).e164 === toE164(t.existingValue, d.config.defaultPhoneCountry) &&
            t.updatedValue !== undefined
          )
            next[k] = { display: t.updatedValue };
        }
      }
      // Re-validate so rewritten phone numbers get their E.164 again.
      const v = validateContact(next, d.config.defaultPhoneCountry, (sid) => d.contacts.sources.has(sid));
      if (v.ok) d.contacts.replace(id, v.contact, d.now());
    }
  }
}
