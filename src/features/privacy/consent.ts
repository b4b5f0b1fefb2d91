/**
 * Consent: a Contact is created only with explicit consent, stored in Salesforce `Contact_Consent__c`;
 * withdrawal marks those records. Every change is audited and mirrored locally as keyed hashes so
 * that `hasConsent(subject, purpose)` answers without a Salesforce call.
 */
import type { CountryCode } from 'libphonenumber-js';
import type { SalesforceConnector } from '../../connectors/salesforce/client.ts';
import { soql } from '../../connectors/salesforce/soql.ts';
import { HttpError } from '../../platform/http/errors.ts';
import type { Clock } from '../../platform/jobs/index.ts';
import { phoneKey } from '../../platform/phone/normalize.ts';
import type { Store } from '../../platform/store/index.ts';
import type { Audit } from './audit.ts';
import type { PrivacySettings } from './settings.ts';

export const CONSENT_TYPES = ['marketing', 'service', 'recording', 'analytics'] as const;
export const CONSENT_CHANNELS = ['email', 'phone', 'web', 'sms'] as const;

export interface ConsentInput {
  type: string;
  channel: string;
  version: string;
  /** Must be true: consent is explicit, never implied. */
  given: boolean;
  /** When the person gave it (ISO); default now. */
  at?: string | undefined;
}

export interface NewContact {
  firstName?: string | undefined;
  lastName: string;
  email?: string | undefined;
  phone?: string | undefined;
  accountId?: string | undefined;
}

/** Who a consent question is about: any of these identifiers. */
export interface ConsentSubject {
  contactId?: string | undefined;
  email?: string | undefined;
  phone?: string | undefined;
}

export interface Consents {
  createContact(
    contact: NewContact,
    consent: ConsentInput,
    actor: string,
  ): Promise<{ contactId: string; consentId: string }>;
  withdraw(who: ConsentSubject, type: string | undefined, actor: string): Promise<{ withdrawn: number }>;
  /** False when the consent type mapped to `purpose` was withdrawn (or, for strict purposes, never given). */
  hasConsent(who: ConsentSubject, purpose: string): Promise<boolean>;
}

export function validateConsent(c: ConsentInput): void {
  if (c.given !== true)
    throw new HttpError(
      'validation_failed',
      'consent.given must be true: a contact is created only with explicit consent',
      {
        field: 'consent.given',
      },
    );
  if (!(CONSENT_TYPES as readonly string[]).includes(c.type))
    throw new HttpError('validation_failed', `consent.type must be one of ${CONSENT_TYPES.join(', ')}`, {
      field: 'consent.type',
    });
  if (!(CONSENT_CHANNELS as readonly string[]).includes(c.channel))
    throw new HttpError(
      'validation_failed',
      `consent.channel must be one of ${CONSENT_CHANNELS.join(', ')}`,
      {
        field: 'consent.channel',
      },
    );
  if (typeof c.version !== 'string' || c.version.trim() === '' || c.version.length > 40)
    throw new HttpError('validation_failed', 'consent.version is required (≤ 40 characters)', {
      field: 'consent.version',
    });
  if (c.at !== undefined && Number.isNaN(Date.parse(c.at)))
    throw new HttpError('validation_failed', 'consent.at must be an ISO date-time', { field: 'consent.at' });
}

export function createConsents(deps: {
  store: Store;
  clock: Clock;
  audit: Audit;
  settings: PrivacySettings;
  region: CountryCode;
  salesforce: () => SalesforceConnector | undefined;
}): Consents {
  const { store, clock, audit, settings } = deps;
  const db = store.db;

  function hashesOf(who: ConsentSubject): string[] {
    const out: string[] = [];
    if (who.contactId) out.push(audit.hash(who.contactId.slice(0, 15)));
    if (who.email) out.push(audit.hash(who.email.trim().toLowerCase()));
    const p = who.phone ? phoneKey(who.phone, deps.region) : undefined;
    if (p) out.push(audit.hash(p));
    return out;
  }

  async function recordLocal(
    who: ConsentSubject,
    type: string,
    given: boolean,
    actor: string,
    details: unknown,
  ) {
    const now = clock.now();
    const hashes = hashesOf(who);
    await store.durable(async (trx) => {
      for (const h of hashes)
        await trx
          .insertInto('privacy_consent_state')
          .values({ subject_hash: h, consent_type: type, given: given ? 1 : 0, changed_at: now })
          .execute();
      await audit.record(trx, {
        action: given ? 'consent.given' : 'consent.withdrawn',
        actor,
        subjectHash: hashes[0] ?? null,
        at: now,
        details,
      });
    });
  }

  const sfOrFail = () => {
    const sf = deps.salesforce();
    if (!sf) throw new HttpError('unavailable', 'Salesforce is not configured (SALESFORCE_* settings)');
    return sf;
  };

  return {
    async createContact(contact, consent, actor) {
      validateConsent(consent);
      if (typeof contact.lastName !== 'string' || contact.lastName.trim() === '')
        throw new HttpError('validation_failed', 'contact.lastName is required', {
          field: 'contact.lastName',
        });
      const phone = contact.phone === undefined ? undefined : phoneKey(contact.phone, deps.region);
      if (contact.phone !== undefined && !phone)
        throw new HttpError('validation_failed', 'contact.phone: not a phone number', {
          field: 'contact.phone',
        });
      const sf = sfOrFail();
      const at = consent.at ?? new Date(clock.now()).toISOString();
      // Contact and consent in one Composite call, all or none: no contact exists without its consent.
      const res = await sf.composite<{ id: string }>(
        [
          {
            method: 'POST',
            url: 'sobjects/Contact',
            referenceId: 'contact',
            body: {
              ...(contact.firstName ? { FirstName: contact.firstName } : {}),
              LastName: contact.lastName,
              ...(contact.email ? { Email: contact.email } : {}),
              ...(phone ? { Phone: phone } : {}),
              ...(contact.accountId ? { AccountId: contact.accountId } : {}),
            },
          },
          {
            method: 'POST',
            url: 'sobjects/Contact_Consent__c',
            referenceId: 'consent',
            body: {
              Name: `${consent.type} consent ${consent.version}`.slice(0, 80),
              Contact__c: '@{contact.id}',
              ...(contact.email ? { Email__c: contact.email } : {}),
              Consent_Given__c: true,
              Consent_Date__c: at,
              Consent_Type__c: consent.type,
              Consent_Channel__c: consent.channel,
              Consent_Version__c: consent.version,
            },
          },
        ],
        { allOrNone: true },
      );
      const [c, k] = res;
      if (!c || !k || c.httpStatusCode >= 300 || k.httpStatusCode >= 300)
        throw new HttpError('unavailable', 'Salesforce refused the contact or its consent record');
      const contactId = c.body.id;
      await recordLocal({ contactId, email: contact.email, phone }, consent.type, true, actor, {
        type: consent.type,
        channel: consent.channel,
        version: consent.version,
        at,
      });
      return { contactId, consentId: k.body.id };
    },

    async withdraw(who, type, actor) {
      if (!who.contactId && !who.email)
        throw new HttpError('validation_failed', 'contactId or email is required');
      if (type !== undefined && !(CONSENT_TYPES as readonly string[]).includes(type))
        throw new HttpError('validation_failed', `type must be one of ${CONSENT_TYPES.join(', ')}`, {
          field: 'type',
        });
      const sf = sfOrFail();
      const byContact = who.contactId
        ? (
            await sf.query<{ Id: string; Consent_Type__c: string | null }>(
              soql`SELECT Id, Consent_Type__c FROM Contact_Consent__c WHERE Contact__c = ${who.contactId} AND Consent_Withdrawn__c = false`,
            )
          ).records
        : [];
      const byEmail = who.email
        ? (
            await sf.query<{ Id: string; Consent_Type__c: string | null }>(
              soql`SELECT Id, Consent_Type__c FROM Contact_Consent__c WHERE Email__c = ${who.email} AND Consent_Withdrawn__c = false`,
            )
          ).records
        : [];
      // Withdraw for every identifier of the person, so a lookup by phone or e-mail sees it too.
      if (who.contactId) {
        const c = (
          await sf.query<{ Email: string | null; Phone: string | null; MobilePhone: string | null }>(
            soql`SELECT Email, Phone, MobilePhone FROM Contact WHERE Id = ${who.contactId}`,
          )
        ).records[0];
        const phone = c?.Phone ?? c?.MobilePhone ?? undefined;
        who = {
          ...who,
          ...(c?.Email && !who.email ? { email: c.Email } : {}),
          ...(phone && !who.phone ? { phone } : {}),
        };
      }
      const records = [...new Map([...byContact, ...byEmail].map((r) => [r.Id, r])).values()].filter(
        (r) => type === undefined || r.Consent_Type__c === type,
      );
      const now = new Date(clock.now()).toISOString();
      if (records.length > 0)
        await sf.collections.update(
          'Contact_Consent__c',
          records.map((r) => ({
            Id: r.Id,
            Consent_Withdrawn__c: true,
            Consent_Withdrawn_Date__c: now,
          })),
          { allOrNone: true },
        );
      const types = type ? [type] : [...new Set(records.map((r) => r.Consent_Type__c ?? 'service'))];
      for (const t of types.length > 0 ? types : ['service'])
        await recordLocal(who, t, false, actor, { type: t, records: records.length });
      return { withdrawn: records.length };
    },

    async hasConsent(who, purpose) {
      const type = settings.purposes[purpose] ?? purpose;
      const hashes = hashesOf(who);
      if (hashes.length === 0) return !settings.strictPurposes.includes(purpose);
      const latest = await db
        .selectFrom('privacy_consent_state')
        .select(['given', 'changed_at'])
        .where('subject_hash', 'in', hashes)
        .where('consent_type', '=', type)
        .orderBy('changed_at', 'desc')
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst();
      if (!latest) return !settings.strictPurposes.includes(purpose);
      return Number(latest.given) === 1;
    },
  };
}
