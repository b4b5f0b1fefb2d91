/**
 * External contacts: CRUD, PATCH changes, bulk with per-record results, search, the cursor scan and reverse
 * lookup. Bulk calls are chunked by `genesysVendor.bulkBatchSize`; every entity gets its own
 * result (the platform answers 200 with per-entity failures).
 */
import platformClient from 'purecloud-platform-client-v2';
import { isRetryableStatus } from '../../platform/jobs/index.ts';
import { invalidInput, VendorPermanentError, VendorRetryableError, type VendorError } from '../errors.ts';
import { requireId, type GenesysCore } from './core.ts';
import { genesysVendor as vendor } from './vendor.ts';

type Contact = platformClient.Models.ExternalContact;

export type BulkItemResult<T> =
  | { index: number; ok: true; id: string | undefined; entity: T | undefined }
  | { index: number; ok: false; id: string | undefined; error: VendorError };

interface RawBulkResult {
  id?: string;
  success?: boolean;
  entity?: unknown;
  error?: { code?: string; message?: string; status?: number; retryable?: boolean };
}

/** One entity's failure inside a bulk answer, as the error a job would throw for it alone. */
export function bulkItemError(operation: string, e: RawBulkResult['error']): VendorError {
  const status = typeof e?.status === 'number' ? e.status : undefined;
  const message = `genesys ${operation}: ${status ?? ''} ${e?.code ?? ''}: ${e?.message ?? 'failed'}`.slice(
    0,
    500,
  );
  const info = { vendor: 'genesys' as const, operation, status, code: e?.code };
  return e?.retryable === true || (status !== undefined && isRetryableStatus(status))
    ? new VendorRetryableError(message, info)
    : new VendorPermanentError(message, info);
}

function contactBody(operation: string, c: unknown): Contact {
  if (c === null || typeof c !== 'object' || Array.isArray(c))
    throw invalidInput('genesys', operation, 'a contact must be an object');
  return c;
}

export function externalContactOperations(core: GenesysCore) {
  const api = () => core.api(platformClient.ExternalContactsApi);

  async function bulk<T>(
    operation: string,
    items: readonly T[],
    send: (chunk: T[]) => Promise<{ results?: RawBulkResult[] }>,
  ): Promise<BulkItemResult<Contact>[]> {
    const out: BulkItemResult<Contact>[] = [];
    for (let i = 0; i < items.length; i += vendor.bulkBatchSize) {
      const chunk = items.slice(i, i + vendor.bulkBatchSize);
      const res = await core.call(operation, () => send(chunk));
      const results = res.results ?? [];
      chunk.forEach((_, j) => {
        const r = results[j];
        const index = i + j;
        if (r?.success === true)
          out.push({ index, ok: true, id: r.id, entity: r.entity as Contact | undefined });
        else
          out.push({
            index,
            ok: false,
            id: r?.id,
            error: bulkItemError(operation, r?.error ?? { message: 'no result for this entity' }),
          });
      });
    }
    return out;
  }

  return {
    externalContacts: {
      async create(contact: Contact): Promise<Contact> {
        const body = contactBody('externalContacts.create', contact);
        return core.call('externalContacts.create', () => api().postExternalcontactsContacts(body));
      },
      async get(id: string): Promise<Contact> {
        requireId('externalContacts.get', id, 'contact id');
        return core.call('externalContacts.get', () => api().getExternalcontactsContact(id));
      },
      /** PUT: replaces the contact. */
      async update(id: string, contact: Contact): Promise<Contact> {
        requireId('externalContacts.update', id, 'contact id');
        const body = contactBody('externalContacts.update', contact);
        return core.call('externalContacts.update', () => api().putExternalcontactsContact(id, body));
      },
      /** PATCH `{ changes: [{ field: "$.firstName", value, action }] }`. */
      async patch(
        id: string,
        changes: platformClient.Models.ExternalContactsPatchRequest['changes'],
      ): Promise<Contact> {
        requireId('externalContacts.patch', id, 'contact id');
        if (!Array.isArray(changes) || changes.length === 0)
          throw invalidInput('genesys', 'externalContacts.patch', 'changes must be a non-empty list');
        return core.call('externalContacts.patch', () => api().patchExternalcontactsContact(id, { changes }));
      },
      async remove(id: string): Promise<void> {
        requireId('externalContacts.remove', id, 'contact id');
        await core.call('externalContacts.remove', () => api().deleteExternalcontactsContact(id));
      },
      bulkAdd(contacts: readonly Contact[]): Promise<BulkItemResult<Contact>[]> {
        const bodies = contacts.map((c) => contactBody('externalContacts.bulkAdd', c));
        return bulk('externalContacts.bulkAdd', bodies, (entities) =>
          api().postExternalcontactsBulkContactsAdd({ entities }),
        );
      },
      bulkUpdate(contacts: readonly Contact[]): Promise<BulkItemResult<Contact>[]> {
        const bodies = contacts.map((c) => contactBody('externalContacts.bulkUpdate', c));
        return bulk('externalContacts.bulkUpdate', bodies, (entities) =>
          api().postExternalcontactsBulkContactsUpdate({ entities }),
        );
      },
      bulkRemove(ids: readonly string[]): Promise<BulkItemResult<Contact>[]> {
        for (const id of ids) requireId('externalContacts.bulkRemove', id, 'contact id');
        return bulk(
          'externalContacts.bulkRemove',
          ids,
          (chunk) =>
            api().postExternalcontactsBulkContactsRemove({
              entities: chunk.map((id) => ({ id })),
            }) as Promise<{
              results?: RawBulkResult[];
            }>,
        );
      },
      /** Free-text search; `pageNumber × pageSize ≤ 1000`. */
      async search(
        q: string,
        opts: { pageSize?: number; pageNumber?: number } = {},
      ): Promise<platformClient.Models.ContactListing> {
        if (typeof q !== 'string' || q.trim() === '')
          throw invalidInput('genesys', 'externalContacts.search', 'q must be a non-empty string');
        return core.call('externalContacts.search', () => api().getExternalcontactsContacts({ q, ...opts }));
      },
      /**
       * One page of every contact (the scan API, not capped by the search window): `limit` 10–200;
       * `after` is the cursor for the next page, undefined after the last one.
       */
      async scanPage(
        opts: { cursor?: string | undefined; limit?: number } = {},
      ): Promise<{ entities: Contact[]; after: string | undefined }> {
        const { cursor, limit = 200 } = opts;
        const res = await core.call('externalContacts.scan', () =>
          api().getExternalcontactsScanContacts({ limit, ...(cursor === undefined ? {} : { cursor }) }),
        );
        const entities = res.entities ?? [];
        return { entities, after: entities.length > 0 ? res.cursors?.after : undefined };
      },
      /** Contacts by e-mail, phone (any format) or identifier; at most 25. */
      async reverseLookup(value: string): Promise<Contact[]> {
        if (typeof value !== 'string' || value.trim() === '')
          throw invalidInput(
            'genesys',
            'externalContacts.reverseLookup',
            'lookup value must be a non-empty string',
          );
        const res = await core.call('externalContacts.reverseLookup', () =>
          api().getExternalcontactsReversewhitepageslookup(value),
        );
        return res.contacts ?? [];
      },
    },
  };
}
