/**
 * Notification topics: which names a channel may subscribe to, the platform's compact form
 * `v2.users.{id}?presence&routingStatus`, and the per-channel limit of 1,000 topics.
 */
export const MAX_TOPICS_PER_CHANNEL = 1000;

/** Topic families the emulator publishes (or accepts for the conversations part to publish). */
const TOPIC_PATTERNS: readonly RegExp[] = [
  /^v2\.users\.[^.?&]+\.(presence|routingStatus|conversations|conversations\.(calls|emails|chats|callbacks|messages))$/,
  /^v2\.detail\.events\.conversation\.[^.?&]+\.(customer\.(start|end)|user\.(start|end)|acw|wrapup|acd\.(start|end)|flow\.(start|end))$/,
  /^v2\.routing\.queues\.[^.?&]+\.(conversations|members|observations)$/,
  /^v2\.routing\.queues\.[^.?&]+\.conversations\.(calls|emails|chats|callbacks|messages)$/,
  /^v2\.users\.[^.?&]+\.externalcontacts$/,
  /^v2\.externalcontacts\.contacts\.[^.?&]+$/,
  /^v2\.conversations\.[^.?&]+\.transcription$/,
];

export function isKnownTopic(topic: string): boolean {
  return TOPIC_PATTERNS.some((re) => re.test(topic));
}

/** `v2.users.abc?presence&routingStatus` → `v2.users.abc.presence`, `v2.users.abc.routingStatus`. */
export function expandTopic(id: string): string[] {
  const q = id.indexOf('?');
  if (q < 0) return [id];
  const base = id.slice(0, q);
  return id
    .slice(q + 1)
    .split('&')
    .filter((s) => s !== '')
    .map((s) => `${base}.${s}`);
}

export interface TopicCheck {
  accepted: string[];
  rejected: { id: string; reason: string }[];
}

/** Parse a subscriptions body `[{ id: topic }]` (strings are tolerated too). */
export function parseTopicList(
  body: unknown,
): { ok: true; topics: string[] } | { ok: false; message: string } {
  if (!Array.isArray(body)) return { ok: false, message: 'Body must be an array of { "id": "<topic>" }' };
  const topics: string[] = [];
  for (const [i, item] of body.entries()) {
    const id =
      typeof item === 'string'
        ? item
        : item && typeof item === 'object'
          ? (item as { id?: unknown }).id
          : undefined;
    if (typeof id !== 'string' || id.trim() === '')
      return { ok: false, message: `Item ${i} must be { "id": "<topic>" }` };
    topics.push(...expandTopic(id.trim()));
  }
  return { ok: true, topics };
}

export function checkTopics(topics: readonly string[]): TopicCheck {
  const accepted: string[] = [];
  const rejected: { id: string; reason: string }[] = [];
  for (const t of new Set(topics)) {
    if (isKnownTopic(t)) accepted.push(t);
    else rejected.push({ id: t, reason: `Topic ${t} is not a valid topic` });
  }
  return { accepted, rejected };
}
