/** Retention decisions for one recording: pure, in the order the law asks for them. */

export type RetentionDecision = 'keep' | 'keep-legal-hold' | 'delete-erased-subject' | 'delete-expired';

export interface RetentionPolicy {
  defaultDays: number;
  byMedia: Readonly<Record<string, number>>;
}

export interface RecordingFacts {
  conversationId: string;
  media: string;
  /** Epoch ms the recording started. */
  start: number;
  /** Keyed hashes of the conversation's participants' ANIs. */
  subjectHashes: readonly string[];
}

export interface RetentionContext {
  now: number;
  policy: RetentionPolicy;
  heldConversations: ReadonlySet<string>;
  heldSubjects: ReadonlySet<string>;
  erasedSubjects: ReadonlySet<string>;
}

const DAY = 86_400_000;

export function retentionDays(policy: RetentionPolicy, media: string): number {
  return policy.byMedia[media] ?? policy.defaultDays;
}

/**
 * 1. legal hold (conversation or subject) keeps — even an erased subject's recording (Art. 17(3)(e));
 * 2. an erased subject's recording is deleted; 3. past the media type's retention, deleted; 4. kept.
 */
export function decideRetention(r: RecordingFacts, ctx: RetentionContext): RetentionDecision {
  if (ctx.heldConversations.has(r.conversationId) || r.subjectHashes.some((h) => ctx.heldSubjects.has(h)))
    return 'keep-legal-hold';
  if (r.subjectHashes.some((h) => ctx.erasedSubjects.has(h))) return 'delete-erased-subject';
  if (ctx.now - r.start > retentionDays(ctx.policy, r.media) * DAY) return 'delete-expired';
  return 'keep';
}
