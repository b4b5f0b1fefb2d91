/**
 * What the after-call features need from vendors, as narrow interfaces (the connectors satisfy
 * them; tests and the bench may pass their own).
 */
import type { SalesforceConnector } from '../../connectors/salesforce/client.ts';

export interface RecordingLike {
  id?: string | undefined;
  mediaUris?: Record<string, { mediaUri?: string | undefined } | undefined> | undefined;
}

/** The Genesys operations used after a call (the connector caches users and wrap-up codes). */
export interface GenesysLookups {
  getRecordings(conversationId: string): Promise<RecordingLike[]>;
  getUser(id: string): Promise<{ name?: string | undefined }>;
  getWrapupCode(id: string): Promise<{ name?: string | undefined }>;
}

export type SalesforcePort = Pick<SalesforceConnector, 'query' | 'composite' | 'retrieve' | 'apiVersion'>;

/** The screen-pop index (sf-mirror) when present: local phone → contacts, no Salesforce call. */
export interface ContactIndex {
  byPhone(
    e164: string,
  ): Promise<Array<{ id: string; name: string | undefined; accountId: string | undefined }>>;
}
