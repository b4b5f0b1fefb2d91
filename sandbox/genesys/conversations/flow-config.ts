/**
 * The inbound-call flow: one "Call Data Action" as Architect runs it on each inbound call. The data
 * action contract is the seed's screen-pop contract: input `{ "phoneNumber": ani }`, output
 * `{ success, contactId, firstName, lastName, accountId, accountName, tier }`, mapped to participant
 * attributes (`contact_id`, `contact_name`, `account_id`, `account_name`, `customer_tier`) plus the
 * path the flow took. Validation and output mapping are pure.
 */
import type { FlowPath, MediaType } from './model.ts';
import { MEDIA_TYPES } from './model.ts';

export type FlowAuth =
  | { type: 'none' }
  | { type: 'basic'; username: string; password: string }
  | { type: 'header'; name: string; value: string };

export interface FlowConfig {
  enabled: boolean;
  /** The data action's request URL (`requestUrlTemplate`); POSTed with the contract's input as JSON. */
  url: string;
  auth: FlowAuth;
  /** Extra request headers (User Defined credentials). */
  headers: Record<string, string>;
  /** `config.timeoutSeconds`: 1–60 as in the vendor's ActionConfig. */
  timeoutSeconds: number;
  /** Media types the flow runs for (an inbound *call* flow: voice by default). */
  mediaTypes: MediaType[];
  /** Participant attribute ← output JSON path (`$.a.b`), or several paths joined by a space. */
  translationMap: Record<string, string | string[]>;
  /** Attribute that records the path taken (success | failure | timeout). */
  pathAttribute: string;
}

export const DEFAULT_TRANSLATION_MAP: Record<string, string | string[]> = {
  contact_id: '$.contactId',
  contact_name: ['$.firstName', '$.lastName'],
  account_id: '$.accountId',
  account_name: '$.accountName',
  customer_tier: '$.tier',
};

/** Resource Center: the data action timeout defaults to 60 s. */
export const DEFAULT_FLOW: FlowConfig = {
  enabled: false,
  url: '',
  auth: { type: 'none' },
  headers: {},
  timeoutSeconds: 60,
  mediaTypes: ['voice'],
  translationMap: DEFAULT_TRANSLATION_MAP,
  pathAttribute: 'screenpop_path',
};

type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function stringMap(v: unknown, name: string): Parsed<Record<string, string>> {
  if (!isRecord(v)) return { ok: false, message: `${name} must be an object of strings` };
  for (const [k, x] of Object.entries(v))
    if (typeof x !== 'string') return { ok: false, message: `${name}.${k} must be a string` };
  return { ok: true, value: v as Record<string, string> };
}

/** Validates a (partial) flow configuration over the current one. */
export function parseFlowConfig(input: unknown, current: FlowConfig = DEFAULT_FLOW): Parsed<FlowConfig> {
  if (!isRecord(input)) return { ok: false, message: 'flow configuration must be a JSON object' };
  const next: FlowConfig = { ...current };
  const known = new Set([
    'enabled',
    'url',
    'auth',
    'headers',
    'timeoutSeconds',
    'mediaTypes',
    'translationMap',
    'pathAttribute',
  ]);
  for (const k of Object.keys(input))
    if (!known.has(k)) return { ok: false, message: `unknown flow setting: ${k}` };
  if (input.enabled !== undefined) {
    if (typeof input.enabled !== 'boolean') return { ok: false, message: 'enabled must be a boolean' };
    next.enabled = input.enabled;
  }
  if (input.url !== undefined) {
    if (typeof input.url !== 'string' || !/^https?:\/\/[^\s]+$/.test(input.url))
      return { ok: false, message: 'url must be an http(s) URL' };
    next.url = input.url;
  }
  if (input.timeoutSeconds !== undefined) {
    const t = input.timeoutSeconds;
    if (typeof t !== 'number' || !Number.isInteger(t) || t < 1 || t > 60)
      return { ok: false, message: 'timeoutSeconds must be an integer from 1 to 60' };
    next.timeoutSeconds = t;
  }
  if (input.auth !== undefined) {
    const a = input.auth;
    if (!isRecord(a)) return { ok: false, message: 'auth must be an object' };
    if (a.type === 'none') next.auth = { type: 'none' };
    else if (a.type === 'basic' && typeof a.username === 'string' && typeof a.password === 'string')
      next.auth = { type: 'basic', username: a.username, password: a.password };
    else if (
      a.type === 'header' &&
      typeof a.name === 'string' &&
      /^[A-Za-z0-9-]+$/.test(a.name) &&
      typeof a.value === 'string'
    )
      next.auth = { type: 'header', name: a.name, value: a.value };
    else
      return {
        ok: false,
        message:
          'auth must be { type: "none" }, { type: "basic", username, password } or { type: "header", name, value }',
      };
  }
  if (input.headers !== undefined) {
    const h = stringMap(input.headers, 'headers');
    if (!h.ok) return h;
    next.headers = h.value;
  }
  if (input.mediaTypes !== undefined) {
    const m = input.mediaTypes;
    if (
      !Array.isArray(m) ||
      !m.every((x) => typeof x === 'string' && (MEDIA_TYPES as readonly string[]).includes(x))
    )
      return { ok: false, message: `mediaTypes must be a list of ${MEDIA_TYPES.join(', ')}` };
    next.mediaTypes = m as MediaType[];
  }
  if (input.translationMap !== undefined) {
    const t = input.translationMap;
    if (!isRecord(t)) return { ok: false, message: 'translationMap must be an object' };
    for (const [k, v] of Object.entries(t)) {
      const paths = Array.isArray(v) ? v : [v];
      if (paths.length === 0 || !paths.every((p) => typeof p === 'string' && p.startsWith('$')))
        return {
          ok: false,
          message: `translationMap.${k} must be a JSON path ("$.field") or a list of them`,
        };
    }
    next.translationMap = t as Record<string, string | string[]>;
  }
  if (input.pathAttribute !== undefined) {
    if (typeof input.pathAttribute !== 'string' || input.pathAttribute.length === 0)
      return { ok: false, message: 'pathAttribute must be a non-empty string' };
    next.pathAttribute = input.pathAttribute;
  }
  if (next.enabled && next.url === '') return { ok: false, message: 'an enabled flow needs a url' };
  return { ok: true, value: next };
}

/** Resolves a simple JSON path (`$`, `$.a.b`, `$.list[0].x`) against a value. */
export function jsonPath(value: unknown, path: string): unknown {
  const parts = path
    .replace(/^\$\.?/, '')
    .split(/\.|\[(\d+)\]/)
    .filter((p) => p !== undefined && p !== '');
  let cur = value;
  for (const part of parts) {
    if (Array.isArray(cur) && /^\d+$/.test(part)) cur = cur[Number(part)];
    else if (isRecord(cur)) cur = cur[part];
    else return undefined;
  }
  return cur;
}

/** Participant attributes from the data action output (success path) plus the path attribute. */
export function attributesFromOutput(
  config: FlowConfig,
  path: FlowPath,
  output: unknown,
): Record<string, string> {
  const attrs: Record<string, string> = { [config.pathAttribute]: path };
  if (path !== 'success') return attrs;
  for (const [attr, spec] of Object.entries(config.translationMap)) {
    const values = (Array.isArray(spec) ? spec : [spec])
      .map((p) => jsonPath(output, p))
      .filter(
        (v): v is string | number | boolean =>
          typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean',
      )
      .map(String)
      .filter((v) => v !== '');
    if (values.length > 0) attrs[attr] = values.join(' ');
  }
  return attrs;
}

/** The configuration as shown by the control endpoint: secrets masked. */
export function publicFlowConfig(c: FlowConfig): Record<string, unknown> {
  const auth =
    c.auth.type === 'basic'
      ? { ...c.auth, password: '***' }
      : c.auth.type === 'header'
        ? { ...c.auth, value: '***' }
        : c.auth;
  return { ...c, auth };
}
