/**
 * Matching a Salesforce contact to an existing Genesys contact, in the seed's order of confidence:
 * external ID → e-mail (case-insensitive) → E.164 phone → first + last name + account (only when
 * configured). Several candidates at one level, or a candidate already linked to another
 * Salesforce record, is **ambiguous**: the record is parked, never merged blindly.
 */

export interface MatchSubject {
  sfId: string;
  email: string | null;
  phones: readonly string[];
  firstName: string | null;
  lastName: string | null;
  accountId: string | null;
}

export interface Candidate {
  id: string;
  /** Salesforce IDs this contact carries in `externalIds` (of Patchbay's external source). */
  externalIds: readonly string[];
  emails: readonly string[];
  phones: readonly string[];
  firstName: string | null;
  lastName: string | null;
  accountId: string | null;
  /** The Salesforce record Patchbay already linked it to, if any. */
  linkedSfId?: string | undefined;
}

export type MatchLevel = 'external_id' | 'email' | 'phone' | 'name_account';

export type MatchResult =
  | { kind: 'match'; id: string; by: MatchLevel }
  | { kind: 'none' }
  | {
      kind: 'ambiguous';
      by: MatchLevel;
      ids: string[];
      reason: 'several_candidates' | 'linked_to_other_record';
    };

const lower = (s: string | null) => (s === null ? null : s.trim().toLowerCase());

export function matchContact(
  subject: MatchSubject,
  candidates: readonly Candidate[],
  opts: { byNameAndAccount: boolean },
): MatchResult {
  const levels: Array<[MatchLevel, (c: Candidate) => boolean]> = [
    ['external_id', (c) => c.externalIds.includes(subject.sfId)],
  ];
  const email = lower(subject.email);
  if (email !== null) levels.push(['email', (c) => c.emails.some((e) => e.toLowerCase() === email)]);
  if (subject.phones.length > 0)
    levels.push(['phone', (c) => c.phones.some((p) => subject.phones.includes(p))]);
  const first = lower(subject.firstName);
  const last = lower(subject.lastName);
  if (opts.byNameAndAccount && first !== null && last !== null && subject.accountId !== null)
    levels.push([
      'name_account',
      (c) => lower(c.firstName) === first && lower(c.lastName) === last && c.accountId === subject.accountId,
    ]);
  for (const [by, test] of levels) {
    const hits = candidates.filter(test);
    if (hits.length === 0) continue;
    const ids = [...new Set(hits.map((h) => h.id))].sort();
    if (ids.length > 1) return { kind: 'ambiguous', by, ids, reason: 'several_candidates' };
    const hit = hits[0] as Candidate;
    if (hit.linkedSfId !== undefined && hit.linkedSfId !== subject.sfId)
      return { kind: 'ambiguous', by, ids, reason: 'linked_to_other_record' };
    return { kind: 'match', id: hit.id, by };
  }
  return { kind: 'none' };
}

/**
 * Salesforce records (not yet linked) that share a normalised e-mail with another one in the same
 * set: probably one person entered twice. They are parked rather than created twice.
 */
export function duplicateEmails(subjects: readonly MatchSubject[]): Set<string> {
  const byEmail = new Map<string, string[]>();
  for (const s of subjects) {
    const e = lower(s.email);
    if (e === null) continue;
    const list = byEmail.get(e) ?? [];
    list.push(s.sfId);
    byEmail.set(e, list);
  }
  const out = new Set<string>();
  for (const ids of byEmail.values()) if (ids.length > 1) for (const id of ids) out.add(id);
  return out;
}
