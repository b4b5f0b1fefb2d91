/**
 * Contact resolution, in order: the flow's `attributes.contact_id` (with `contact_name` /
 * `account_id` when the flow set them, so no Salesforce call is needed), the screen-pop index by
 * caller number, a live SOQL lookup. SOQL only through the connector's `soql` template.
 */
import type { CountryCode } from 'libphonenumber-js';
import { soql } from '../../connectors/salesforce/soql.ts';
import { salesforceVendor } from '../../connectors/salesforce/vendor.ts';
import { vendorErrorCode } from '../../connectors/errors.ts';
import { normalizePhone } from '../../platform/phone/normalize.ts';
import type { CallEndEvent } from '../call-end-intake/call-end.ts';
import type { ContactIndex, SalesforcePort } from '../call-end-intake/ports.ts';
import type { SfMirror } from '../sf-mirror/index.ts';
import type { ResolvedContact } from './task-mapping.ts';

interface ContactRow {
  Id: string;
  Name?: string | null;
  AccountId?: string | null;
}

export function e164Of(callerId: string | undefined, region: CountryCode): string | undefined {
  if (!callerId) return undefined;
  const r = normalizePhone(callerId.replace(/^tel:/i, ''), region);
  return r.ok ? r.e164 : undefined;
}

/** The screen-pop index (the sf-mirror's phone table) as a ContactIndex: the hub's database only. */
export function mirrorContactIndex(mirror: Pick<SfMirror, 'findByPhone'>): ContactIndex {
  return {
    async byPhone(e164) {
      // Most recently modified first, like the live lookup's ORDER BY; only the first is used.
      const { contacts } = await mirror.findByPhone(e164, 1);
      return contacts.map((c) => ({
        id: c.id,
        name: [c.firstName, c.lastName].filter((n) => n).join(' ') || undefined,
        accountId: c.accountId ?? undefined,
      }));
    },
  };
}

export async function resolveContact(
  event: CallEndEvent,
  deps: {
    salesforce: SalesforcePort;
    index?: ContactIndex | undefined;
    trustAttributes: boolean;
    /** Region of caller IDs without a country code: the index's keys are normalised with the same. */
    region: CountryCode;
  },
): Promise<ResolvedContact | undefined> {
  const attrs = event.attributes ?? {};
  const fromFlow = attrs.contact_id;
  if (fromFlow && salesforceVendor.idPattern.test(fromFlow)) {
    if (deps.trustAttributes && attrs.contact_name) {
      return {
        id: fromFlow,
        name: attrs.contact_name,
        accountId:
          attrs.account_id && salesforceVendor.idPattern.test(attrs.account_id)
            ? attrs.account_id
            : undefined,
        via: 'attribute',
      };
    }
    try {
      const c = await deps.salesforce.retrieve<ContactRow>('Contact', fromFlow, ['Id', 'Name', 'AccountId']);
      return { id: c.Id, name: c.Name ?? undefined, accountId: c.AccountId ?? undefined, via: 'attribute' };
    } catch (err) {
      const code = vendorErrorCode(err);
      if (code !== 'NOT_FOUND' && code !== 'ENTITY_IS_DELETED' && code !== 'INVALID_INPUT') throw err;
    }
  }
  const e164 = e164Of(event.callerId, deps.region);
  if (e164 === undefined) return undefined;
  if (deps.index) {
    const hits = await deps.index.byPhone(e164);
    const first = hits[0];
    if (first) return { id: first.id, name: first.name, accountId: first.accountId, via: 'index' };
  }
  const raw = event.callerId?.replace(/^tel:/i, '');
  const values = raw && raw !== e164 ? [e164, raw] : [e164];
  const { records } = await deps.salesforce.query<ContactRow>(
    soql`SELECT Id, Name, AccountId FROM Contact WHERE Phone IN ${values} OR MobilePhone IN ${values} ORDER BY LastModifiedDate DESC LIMIT 5`,
  );
  const c = records[0];
  return c
    ? { id: c.Id, name: c.Name ?? undefined, accountId: c.AccountId ?? undefined, via: 'live' }
    : undefined;
}
