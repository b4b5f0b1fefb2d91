/** Conversation-end delivery targets: configuration and its validation (pure). */
import { MEDIA_TYPES, type MediaType } from './model.ts';

export const DELIVERY_KINDS = ['genesys-webhook', 'support-result', 'standard-webhooks'] as const;
export type DeliveryKind = (typeof DELIVERY_KINDS)[number];

export interface DeliveryTarget {
  id: string;
  kind: DeliveryKind;
  url: string;
  /** HMAC secret: required for `genesys-webhook`; `whsec_<base64>` for `standard-webhooks`; unused by `support-result`. */
  secret?: string;
  /** Data action credentials for `support-result` (Basic), or any extra headers. */
  basicAuth?: { username: string; password: string };
  headers: Record<string, string>;
  /** Attempts in all, first included. The seed's webhook says "Retry: 3 times if fails": default 3. */
  maxAttempts: number;
  /** Wait before attempt 2, 3, … (the last value repeats). */
  retryDelaysMs: number[];
  /** Per-attempt timeout. */
  timeoutMs: number;
  /** Only conversations of these media types (all when empty). */
  mediaTypes: MediaType[];
}

export const DEFAULT_RETRY_DELAYS_MS = [1000, 5000];

type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };
const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export function parseTargets(input: unknown): Parsed<DeliveryTarget[]> {
  const list = Array.isArray(input) ? input : isRecord(input) ? input.targets : undefined;
  if (!Array.isArray(list)) return { ok: false, message: 'expected { "targets": [ ... ] }' };
  const out: DeliveryTarget[] = [];
  const ids = new Set<string>();
  for (const [i, raw] of list.entries()) {
    const t = parseTarget(raw, i);
    if (!t.ok) return t;
    if (ids.has(t.value.id)) return { ok: false, message: `targets[${i}].id is duplicated` };
    ids.add(t.value.id);
    out.push(t.value);
  }
  return { ok: true, value: out };
}

function parseTarget(raw: unknown, i: number): Parsed<DeliveryTarget> {
  const at = `targets[${i}]`;
  if (!isRecord(raw)) return { ok: false, message: `${at} must be an object` };
  const kind = raw.kind;
  if (typeof kind !== 'string' || !(DELIVERY_KINDS as readonly string[]).includes(kind))
    return { ok: false, message: `${at}.kind must be one of ${DELIVERY_KINDS.join(', ')}` };
  if (typeof raw.url !== 'string' || !/^https?:\/\/\S+$/.test(raw.url))
    return { ok: false, message: `${at}.url must be an http(s) URL` };
  const target: DeliveryTarget = {
    id: typeof raw.id === 'string' && raw.id !== '' ? raw.id : `${kind}-${i + 1}`,
    kind: kind as DeliveryKind,
    url: raw.url,
    headers: {},
    maxAttempts: 3,
    retryDelaysMs: DEFAULT_RETRY_DELAYS_MS,
    timeoutMs: 10_000,
    mediaTypes: [],
  };
  if (raw.secret !== undefined) {
    if (typeof raw.secret !== 'string' || raw.secret === '')
      return { ok: false, message: `${at}.secret must be a non-empty string` };
    target.secret = raw.secret;
  }
  if (target.kind === 'genesys-webhook' && target.secret === undefined)
    return { ok: false, message: `${at}.secret is required for genesys-webhook` };
  if (target.kind === 'standard-webhooks') {
    const s = target.secret;
    if (
      s === undefined ||
      !/^whsec_[A-Za-z0-9+/]+={0,2}$/.test(s) ||
      Buffer.from(s.slice(6), 'base64').length < 16
    )
      return {
        ok: false,
        message: `${at}.secret must be "whsec_" followed by a base64 key of at least 16 bytes`,
      };
  }
  if (raw.basicAuth !== undefined) {
    const b = raw.basicAuth;
    if (!isRecord(b) || typeof b.username !== 'string' || typeof b.password !== 'string')
      return { ok: false, message: `${at}.basicAuth must be { username, password }` };
    target.basicAuth = { username: b.username, password: b.password };
  }
  if (raw.headers !== undefined) {
    if (!isRecord(raw.headers) || !Object.values(raw.headers).every((v) => typeof v === 'string'))
      return { ok: false, message: `${at}.headers must be an object of strings` };
    target.headers = raw.headers as Record<string, string>;
  }
  if (raw.maxAttempts !== undefined) {
    const n = raw.maxAttempts;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 10)
      return { ok: false, message: `${at}.maxAttempts must be an integer from 1 to 10` };
    target.maxAttempts = n;
  }
  if (raw.retryDelaysMs !== undefined) {
    const d = raw.retryDelaysMs;
    if (
      !Array.isArray(d) ||
      d.length === 0 ||
      !d.every((x) => typeof x === 'number' && Number.isInteger(x) && x >= 0 && x <= 600_000)
    )
      return {
        ok: false,
        message: `${at}.retryDelaysMs must be a non-empty list of integers from 0 to 600000`,
      };
    target.retryDelaysMs = d as number[];
  }
  if (raw.timeoutMs !== undefined) {
    const n = raw.timeoutMs;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 100 || n > 60_000)
      return { ok: false, message: `${at}.timeoutMs must be an integer from 100 to 60000` };
    target.timeoutMs = n;
  }
  if (raw.mediaTypes !== undefined) {
    const m = raw.mediaTypes;
    if (
      !Array.isArray(m) ||
      !m.every((x) => typeof x === 'string' && (MEDIA_TYPES as readonly string[]).includes(x))
    )
      return { ok: false, message: `${at}.mediaTypes must list media types` };
    target.mediaTypes = m as MediaType[];
  }
  return { ok: true, value: target };
}

/** Targets as shown by the control endpoint: secrets masked. */
export function publicTarget(t: DeliveryTarget): Record<string, unknown> {
  return {
    ...t,
    ...(t.secret !== undefined ? { secret: '***' } : {}),
    ...(t.basicAuth ? { basicAuth: { username: t.basicAuth.username, password: '***' } } : {}),
  };
}
