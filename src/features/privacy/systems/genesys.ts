/**
 * Genesys Cloud side of privacy: external contacts, conversations by ANI (analytics details),
 * recordings (no DELETE in the API: `deleteDate`), and GDPR_DELETE requests.
 */
import platformClient from 'purecloud-platform-client-v2';
import type { GenesysConnector } from '../../../connectors/genesys/client.ts';
import { RetryableError } from '../../../platform/jobs/index.ts';
import { phoneKey } from '../../../platform/phone/normalize.ts';
import type { Subject } from '../../../platform/privacy/index.ts';

/** Analytics details queries are issued in windows of this length (vendor interval limits). */
const WINDOW_MS = 31 * 86_400_000;

type Contact = platformClient.Models.ExternalContact;

const isNotFound = (e: unknown) => (e as { status?: number }).status === 404;

export async function findGenesys(gc: GenesysConnector, s: Subject): Promise<Partial<Subject>> {
  const found = new Map<string, Contact>();
  for (const v of [...s.emails, ...s.phones])
    for (const c of await gc.externalContacts.reverseLookup(v)) if (c.id) found.set(c.id, c);
  for (const id of s.genesysExternalContactIds) {
    if (found.has(id)) continue;
    try {
      found.set(id, await gc.externalContacts.get(id));
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }
  const out: Partial<Subject> = { genesysExternalContactIds: [], emails: [], phones: [], names: [] };
  for (const c of found.values()) {
    out.genesysExternalContactIds!.push(c.id!);
    for (const e of [c.workEmail, c.personalEmail, c.otherEmail]) if (e) out.emails!.push(e);
    for (const p of [c.workPhone, c.cellPhone, c.homePhone, c.otherPhone]) {
      const k = phoneKey(p?.e164 ?? p?.display ?? '');
      if (k) out.phones!.push(k);
    }
    const name = [c.firstName, c.lastName].filter(Boolean).join(' ');
    if (name) out.names!.push(name);
  }
  return out;
}

export interface ConversationRef {
  conversationId: string;
  start: number;
  anis: string[];
}

/** Conversations in [from, to), optionally only those whose ANI is one of `anis` (E.164 and e-mail). */
export async function listConversations(
  gc: GenesysConnector,
  range: { from: number; to: number },
  anis?: readonly string[],
): Promise<ConversationRef[]> {
  if (anis !== undefined && anis.length === 0) return [];
  const values = anis?.flatMap((a) => (a.startsWith('+') ? [a, `tel:${a}`] : [a]));
  const out = new Map<string, ConversationRef>();
  for (let start = range.from; start < range.to; start += WINDOW_MS) {
    const end = Math.min(start + WINDOW_MS, range.to);
    for (let page = 1; ; page++) {
      const body: platformClient.Models.ConversationQuery = {
        interval: `${new Date(start).toISOString()}/${new Date(end).toISOString()}`,
        order: 'asc',
        orderBy: 'conversationStart',
        paging: { pageSize: 100, pageNumber: page },
        ...(values
          ? {
              segmentFilters: [
                {
                  type: 'or',
                  predicates: values.map((v) => ({
                    type: 'dimension',
                    dimension: 'ani',
                    operator: 'matches',
                    value: v,
                  })),
                },
              ],
            }
          : {}),
      };
      const res = await gc.call('analyticsConversationDetails', () =>
        gc.api(platformClient.ConversationsApi).postAnalyticsConversationsDetailsQuery(body),
      );
      const convs = res.conversations ?? [];
      for (const c of convs) {
        if (!c.conversationId) continue;
        const anisOf = (c.participants ?? [])
          .flatMap((p) => (p.sessions ?? []).map((x) => x.ani ?? ''))
          .filter(Boolean);
        out.set(c.conversationId, {
          conversationId: c.conversationId,
          start: c.conversationStart ? Date.parse(c.conversationStart) : start,
          anis: [...new Set(anisOf.map((a) => phoneKey(a) ?? a.toLowerCase()))],
        });
      }
      if (convs.length < 100) break;
    }
  }
  return [...out.values()];
}

export interface RecordingRef {
  conversationId: string;
  recordingId: string;
  media: string;
  start: number;
  deleteDate: number | undefined;
}

export async function recordingsOf(gc: GenesysConnector, conversationId: string): Promise<RecordingRef[]> {
  let recs: platformClient.Models.Recording[];
  try {
    recs = await gc.getRecordings(conversationId, { formatId: 'NONE' });
  } catch (e) {
    if (isNotFound(e)) return [];
    throw e;
  }
  return recs
    .filter((r) => r.id)
    .map((r) => ({
      conversationId,
      recordingId: r.id!,
      media: r.media ?? 'audio',
      start: r.startTime ? Date.parse(r.startTime) : 0,
      deleteDate: r.deleteDate ? Date.parse(r.deleteDate) : undefined,
    }));
}

/** Sets `deleteDate` (there is no DELETE for conversation recordings). */
export async function deleteRecording(gc: GenesysConnector, r: RecordingRef, at: number): Promise<void> {
  try {
    await gc.call('putConversationRecording', () =>
      gc.api(platformClient.RecordingApi).putConversationRecording(r.conversationId, r.recordingId, {
        deleteDate: new Date(at).toISOString(),
      }),
    );
  } catch (e) {
    if (!isNotFound(e)) throw e; // already gone
  }
}

export interface GenesysStepState {
  externalContacts?: number;
  recordings?: number;
  gdprRequestId?: string;
  gdprStatus?: string;
}

/**
 * One pass of the Genesys step. Returns the new state; throws RetryableError while the GDPR request
 * is not COMPLETED (the job comes back, `state` remembers the request).
 */
export async function eraseGenesys(
  gc: GenesysConnector,
  s: Subject,
  state: GenesysStepState,
  now: number,
  save: (state: GenesysStepState) => Promise<void>,
): Promise<GenesysStepState> {
  if (state.externalContacts === undefined) {
    let removed = 0;
    for (const id of s.genesysExternalContactIds) {
      try {
        await gc.externalContacts.remove(id);
        removed++;
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    }
    state = { ...state, externalContacts: removed };
    await save(state);
  }
  if (state.recordings === undefined) {
    let n = 0;
    for (const c of s.conversationIds)
      for (const r of await recordingsOf(gc, c)) {
        await deleteRecording(gc, r, now);
        n++;
      }
    state = { ...state, recordings: n };
    await save(state);
  }
  if (state.gdprRequestId === undefined || state.gdprStatus === 'ERROR') {
    if (s.emails.length + s.phones.length + s.genesysExternalContactIds.length + s.names.length === 0)
      return { ...state, gdprStatus: 'NOT_NEEDED' };
    const req = await gc.gdprRequest({
      requestType: 'GDPR_DELETE',
      subject: {
        ...(s.names[0] ? { name: s.names[0] } : {}),
        emailAddresses: s.emails,
        phoneNumbers: s.phones,
        ...(s.genesysExternalContactIds[0] ? { externalContactId: s.genesysExternalContactIds[0] } : {}),
      },
    } as platformClient.Models.GDPRRequest);
    state = { ...state, gdprRequestId: req.id!, gdprStatus: req.status ?? 'INITIATED' };
    await save(state);
  }
  const st = await gc.gdprStatus(state.gdprRequestId!);
  state = { ...state, gdprStatus: st.status ?? 'UNKNOWN' };
  await save(state);
  if (st.status === 'COMPLETED') return state;
  throw new RetryableError(`GDPR_DELETE request ${state.gdprRequestId} is ${st.status ?? 'pending'}`, {
    retryAfterMs: 2_000,
  });
}
