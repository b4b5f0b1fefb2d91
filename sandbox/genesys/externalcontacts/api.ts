/**
 * `/api/v2/externalcontacts`: contacts CRUD and PATCH `changes[]`, search `q`, the cursor scan of
 * every contact, reverse whitepages lookup, identifier lookup / claim / release, bulk add|update|remove|get with
 * per-entity results, and external sources.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { param, query, objectBody, type Deps } from '../deps.ts';
import { badRequest, codeForStatus, GenesysHttpError, notFound } from '../errors.ts';
import { intParam, strParam } from '../paging.ts';
import { applyChanges, parseChanges } from './patch.ts';
import { toE164 } from './phone.ts';
import { IDENTIFIER_TYPES, type Contact } from './store.ts';
import { validateContact, type ContactBody } from './validate.ts';

const BASE = '/api/v2/externalcontacts';
/** Reverse whitepages lookup returns at most 25 contacts (documented). */
const LOOKUP_MAX = 25;
/** Search paging: pageNumber × pageSize ≤ 1000 (documented). */
const SEARCH_WINDOW = 1000;
const SORT_FIELDS = ['firstName', 'lastName', 'createDate', 'modifyDate'];
/** Scan: `limit` 10–200 (default 100); each page's cursor lives 24 h (documented). */
const SCAN_LIMITS = { min: 10, max: 200, def: 100 };
const CURSOR_TTL_MS = 24 * 3_600_000;

/** The scan's opaque cursor: the last ID returned and when it was issued. */
const encodeCursor = (after: string, at: number) =>
  Buffer.from(JSON.stringify({ after, at })).toString('base64url');
function decodeCursor(cursor: string, now: number): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw badRequest('cursor is not valid');
  }
  const c = parsed as { after?: unknown; at?: unknown };
  if (typeof c.after !== 'string' || typeof c.at !== 'number') throw badRequest('cursor is not valid');
  if (now - c.at > CURSOR_TTL_MS) throw badRequest('cursor has expired');
  return c.after;
}

/** The writable part of a stored contact (what PUT would send back). */
function writable(c: Contact): ContactBody {
  const { id: _i, createDate: _c, modifyDate: _m, selfUri: _s, identifiers: _id, ...rest } = c;
  return rest;
}

interface BulkResult {
  id?: string;
  success: boolean;
  entity?: unknown;
  error?: {
    code: string;
    message: string;
    status: number;
    retryable: boolean;
    details: unknown[];
    entity?: unknown;
  };
  status: number;
}

const failure = (status: number, message: string, entity?: unknown, id?: string): BulkResult => ({
  ...(id !== undefined ? { id } : {}),
  success: false,
  error: {
    code: codeForStatus(status),
    message,
    status,
    retryable: false,
    details: [],
    ...(entity !== undefined ? { entity } : {}),
  },
  status,
});

const bulkResponse = (results: BulkResult[]) => ({
  results,
  errorCount: results.filter((r) => !r.success).length,
  errorIndexes: results.flatMap((r, i) => (r.success ? [] : [i])),
});

export function registerExternalContacts(d: Deps): void {
  const { app, contacts } = d;
  const country = () => d.config.defaultPhoneCountry;
  const sourceExists = (id: string) => contacts.sources.has(id);
  const validate = (body: unknown) => {
    const v = validateContact(body, country(), sourceExists);
    if (!v.ok) throw badRequest(v.message);
    return v.contact;
  };
  const contact = (id: string): Contact => {
    const c = contacts.get(id);
    if (c === undefined) throw notFound(`External contact ${id} not found`);
    return c;
  };
  const entities = (req: FastifyRequest): unknown[] => {
    const list = objectBody(req).entities;
    if (!Array.isArray(list) || list.length === 0) throw badRequest('entities must be a non-empty array');
    if (list.length > d.config.bulkMax)
      throw badRequest(`entities may hold at most ${d.config.bulkMax} items`);
    return list;
  };
  const bulkId = (e: unknown): string | undefined =>
    e && typeof e === 'object' && typeof (e as { id?: unknown }).id === 'string'
      ? (e as { id: string }).id
      : undefined;

  app.post(`${BASE}/contacts`, async (req) => contacts.create(validate(req.body), d.now()));

  app.get(`${BASE}/contacts`, async (req) => {
    const q = query(req);
    const pageSize = intParam(q.pageSize, 'pageSize', 20, 1, SEARCH_WINDOW);
    const pageNumber = intParam(q.pageNumber, 'pageNumber', 1, 1, SEARCH_WINDOW);
    if (pageSize * pageNumber > SEARCH_WINDOW)
      throw badRequest(`pageNumber × pageSize must not exceed ${SEARCH_WINDOW}`);
    const text = strParam(q, 'q') ?? '';
    // A phone number in any format also finds contacts by their normalised E.164.
    const e164 = /\d{4,}/.test(text.replace(/\D/g, '')) ? toE164(text, country()) : undefined;
    let found = contacts.search(text);
    if (e164 !== undefined && found.length === 0) found = contacts.findByE164(e164);
    const sortOrder = strParam(q, 'sortOrder');
    if (sortOrder !== undefined) {
      const [field = 'lastName', dir = 'asc'] = sortOrder.includes(':')
        ? sortOrder.split(':')
        : ['lastName', sortOrder];
      if (!SORT_FIELDS.includes(field) || !['asc', 'desc'].includes(dir.toLowerCase()))
        throw badRequest(`sortOrder must be ASC, DESC or <${SORT_FIELDS.join('|')}>:<asc|desc>`);
      const key = (c: Contact) => {
        const v = c[field];
        return typeof v === 'string' ? v : '';
      };
      found = [...found].sort((a, b) => key(a).localeCompare(key(b)) || a.id.localeCompare(b.id));
      if (dir.toLowerCase() === 'desc') found.reverse();
    }
    const total = found.length;
    const start = (pageNumber - 1) * pageSize;
    const uri = (n: number) =>
      `${BASE}/contacts?pageSize=${pageSize}&pageNumber=${n}${text ? `&q=${encodeURIComponent(text)}` : ''}`;
    const pageCount = Math.max(1, Math.ceil(total / pageSize));
    return {
      entities: found.slice(start, start + pageSize),
      pageSize,
      pageNumber,
      total,
      pageCount,
      firstUri: uri(1),
      selfUri: uri(pageNumber),
      lastUri: uri(pageCount),
      ...(pageNumber < pageCount ? { nextUri: uri(pageNumber + 1) } : {}),
      ...(pageNumber > 1 ? { previousUri: uri(pageNumber - 1) } : {}),
    };
  });

  // Every contact, in a stable order (by ID), page by page: the one listing not capped by the search window.
  app.get(`${BASE}/scan/contacts`, async (req) => {
    const q = query(req);
    const limit = intParam(q.limit, 'limit', SCAN_LIMITS.def, SCAN_LIMITS.min, SCAN_LIMITS.max);
    const cursor = strParam(q, 'cursor');
    const after = cursor === undefined ? undefined : decodeCursor(cursor, d.now());
    const ids = [...contacts.contacts.keys()].filter((id) => after === undefined || id > after).sort();
    const entities = ids.slice(0, limit).map((id) => contact(id));
    const last = entities.at(-1);
    const next = ids.length > limit && last ? encodeCursor(last.id, d.now()) : undefined;
    const uri = (c: string | undefined) =>
      `${BASE}/scan/contacts?limit=${limit}${c === undefined ? '' : `&cursor=${c}`}`;
    return {
      entities,
      selfUri: uri(cursor),
      ...(next === undefined ? {} : { cursors: { after: next }, nextUri: uri(next) }),
    };
  });

  app.get(`${BASE}/contacts/:contactId`, async (req) => contact(param(req, 'contactId')));

  app.put(`${BASE}/contacts/:contactId`, async (req) => {
    const id = param(req, 'contactId');
    contact(id);
    return contacts.replace(id, validate(req.body), d.now());
  });

  app.patch(`${BASE}/contacts/:contactId`, async (req) => {
    const c = contact(param(req, 'contactId'));
    const parsed = parseChanges(req.body);
    if (!parsed.ok) throw badRequest(parsed.message);
    const applied = applyChanges(writable(c), parsed.changes);
    if (!applied.ok) throw new GenesysHttpError(applied.status, applied.message);
    return contacts.replace(c.id, validate(applied.contact), d.now());
  });

  app.delete(`${BASE}/contacts/:contactId`, async (req) => {
    if (!contacts.delete(param(req, 'contactId')))
      throw notFound(`External contact ${param(req, 'contactId')} not found`);
    return {};
  });

  app.get(`${BASE}/reversewhitepageslookup`, async (req) => {
    const value = strParam(query(req), 'lookupVal');
    if (value === undefined || value.trim() === '') throw badRequest('lookupVal is required');
    let found: Contact[];
    if (value.includes('@')) found = contacts.findByEmail(value.trim());
    else {
      const e164 = toE164(value, country());
      found = e164 !== undefined ? contacts.findByE164(e164) : [];
      // A handle or any other identifier value.
      for (const t of IDENTIFIER_TYPES) {
        const c = contacts.findByIdentifier(t, value.trim());
        if (c !== undefined && !found.includes(c)) found.push(c);
      }
    }
    return { contacts: found.slice(0, LOOKUP_MAX), externalOrganizations: [] };
  });

  const parseIdentifier = (
    raw: unknown,
  ): { type: string; value: string; externalSource?: { id: string } } => {
    if (!raw || typeof raw !== 'object') throw badRequest('identifier must be { type, value }');
    const i = raw as { type?: unknown; value?: unknown; externalSource?: { id?: unknown } };
    if (typeof i.type !== 'string' || !(IDENTIFIER_TYPES as readonly string[]).includes(i.type))
      throw badRequest(`identifier.type must be one of ${IDENTIFIER_TYPES.join(', ')}`);
    if (typeof i.value !== 'string' || i.value.trim() === '')
      throw badRequest('identifier.value is required');
    let value = i.value.trim();
    if (i.type === 'Phone') {
      // Phone identifiers must carry a + and a country code.
      if (!value.startsWith('+'))
        throw badRequest('A Phone identifier must be in E.164 format (+ and country code)');
      const e = toE164(value, country());
      if (e === undefined) throw badRequest('A Phone identifier must be a valid E.164 number');
      value = e;
    }
    if (i.type === 'Email' && !/^[^\s@]+@[^\s@]+$/.test(value))
      throw badRequest('An Email identifier must be an e-mail address');
    if (i.type === 'ExternalId') {
      const src = i.externalSource?.id;
      if (typeof src !== 'string' || !sourceExists(src))
        throw badRequest('An ExternalId identifier needs an existing externalSource.id');
      return { type: i.type, value, externalSource: { id: src } };
    }
    return { type: i.type, value };
  };

  const identifierLookup = async (req: FastifyRequest) => {
    const ident = parseIdentifier(req.body);
    const c =
      contacts.findByIdentifier(ident.type, ident.value) ??
      (ident.type === 'Phone'
        ? contacts.findByE164(ident.value)[0]
        : ident.type === 'Email'
          ? contacts.findByEmail(ident.value)[0]
          : undefined);
    if (c === undefined) throw notFound('No contact holds this identifier');
    return c;
  };
  app.post(`${BASE}/identifierlookup/contacts`, identifierLookup);
  app.post(`${BASE}/identifierlookup`, identifierLookup);

  app.get(`${BASE}/contacts/:contactId/identifiers`, async (req) => ({
    entities: contact(param(req, 'contactId')).identifiers ?? [],
  }));

  app.patch(`${BASE}/contacts/:contactId/identifiers`, async (req) => {
    const c = contact(param(req, 'contactId'));
    const body = objectBody(req);
    const ident = parseIdentifier(body.identifier);
    if (body.operation === 'Claim') {
      const claimed = contacts.claim(c.id, ident, d.now());
      if (claimed === undefined) throw notFound(`External contact ${c.id} not found`);
      return claimed;
    }
    if (body.operation === 'Release') {
      const released = contacts.release(c.id, ident.type, ident.value);
      if (released === undefined) throw notFound('The contact does not hold this identifier');
      return released;
    }
    throw badRequest('operation must be Claim or Release');
  });

  app.post(`${BASE}/bulk/contacts/add`, async (req) =>
    bulkResponse(
      entities(req).map((e) => {
        const v = validateContact(e, country(), sourceExists);
        if (!v.ok) return failure(400, v.message, e);
        const created = contacts.create(v.contact, d.now());
        return { id: created.id, success: true, entity: created, status: 200 };
      }),
    ),
  );

  app.post(`${BASE}/bulk/contacts/update`, async (req) =>
    bulkResponse(
      entities(req).map((e) => {
        const id = bulkId(e);
        if (id === undefined) return failure(400, 'Each entity needs an id', e);
        if (contacts.get(id) === undefined) return failure(404, `External contact ${id} not found`, e, id);
        const v = validateContact(e, country(), sourceExists);
        if (!v.ok) return failure(400, v.message, e, id);
        return { id, success: true, entity: contacts.replace(id, v.contact, d.now()), status: 200 };
      }),
    ),
  );

  app.post(`${BASE}/bulk/contacts/remove`, async (req) =>
    bulkResponse(
      entities(req).map((e) => {
        const id = bulkId(e);
        if (id === undefined) return failure(400, 'Each entity needs an id', e);
        return contacts.delete(id)
          ? { id, success: true, status: 200 }
          : failure(404, `External contact ${id} not found`, e, id);
      }),
    ),
  );

  app.post(`${BASE}/bulk/contacts`, async (req) =>
    bulkResponse(
      entities(req).map((e) => {
        const id = bulkId(e);
        if (id === undefined) return failure(400, 'Each entity needs an id', e);
        const c = contacts.get(id);
        return c !== undefined
          ? { id, success: true, entity: c, status: 200 }
          : failure(404, `External contact ${id} not found`, e, id);
      }),
    ),
  );

  const sourceView = (s: { id: string; name: string; active: boolean }) => ({
    ...s,
    selfUri: `${BASE}/externalsources/${s.id}`,
  });
  const sourceBody = (req: FastifyRequest) => {
    const b = objectBody(req);
    if (typeof b.name !== 'string' || b.name.trim() === '' || b.name.length > 256)
      throw badRequest('name is required (at most 256 characters)');
    if (b.active !== undefined && typeof b.active !== 'boolean') throw badRequest('active must be a boolean');
    return { name: b.name.trim(), active: b.active ?? true };
  };
  app.get(`${BASE}/externalsources`, async (req) => {
    const q = query(req);
    const limit = intParam(q.limit, 'limit', 25, 1, 200);
    const name = strParam(q, 'name');
    const active = strParam(q, 'active');
    const list = [...contacts.sources.values()].filter(
      (s) =>
        (name === undefined || s.name.toLowerCase().startsWith(name.toLowerCase())) &&
        (active === undefined || String(s.active) === active),
    );
    return { entities: list.slice(0, limit).map(sourceView), selfUri: `${BASE}/externalsources` };
  });
  app.post(`${BASE}/externalsources`, async (req) => {
    const b = sourceBody(req);
    if ([...contacts.sources.values()].some((s) => s.name.toLowerCase() === b.name.toLowerCase()))
      throw new GenesysHttpError(409, `An external source named ${b.name} already exists`);
    const s = { id: randomUUID(), ...b };
    contacts.sources.set(s.id, s);
    return sourceView(s);
  });
  app.get(`${BASE}/externalsources/:externalSourceId`, async (req) => {
    const s = contacts.sources.get(param(req, 'externalSourceId'));
    if (s === undefined) throw notFound('External source not found');
    return sourceView(s);
  });
  app.put(`${BASE}/externalsources/:externalSourceId`, async (req) => {
    const s = contacts.sources.get(param(req, 'externalSourceId'));
    if (s === undefined) throw notFound('External source not found');
    Object.assign(s, sourceBody(req));
    return sourceView(s);
  });
  app.delete(`${BASE}/externalsources/:externalSourceId`, async (req) => {
    if (!contacts.sources.delete(param(req, 'externalSourceId'))) throw notFound('External source not found');
    return {};
  });
}
