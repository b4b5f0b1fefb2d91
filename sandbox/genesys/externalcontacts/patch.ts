/**
 * `PATCH /api/v2/externalcontacts/contacts/{id}` with `{ changes: [{ field, value, action }] }`.
 * `field` is a JSONPath into the contact (`$.firstName`, `$.workPhone.display`, `$.externalIds`).
 * A change to a nested field together with a change to its parent in one request is a 409,
 * as the platform documents. Pure: returns the new contact or an error description.
 */
export const PATCH_ACTIONS = [
  'UpdateIfEmpty',
  'Update',
  'UpdateIfExists',
  'AppendToCollection',
  'Remove',
  'RemoveFromCollection',
] as const;
export type PatchAction = (typeof PATCH_ACTIONS)[number];

export interface PatchChange {
  field: string;
  value?: unknown;
  action: PatchAction;
}

export type PatchResult =
  { ok: true; contact: Record<string, unknown> } | { ok: false; status: 400 | 409; message: string };

/** Fields the platform owns; a PATCH may not touch them. */
const READ_ONLY = new Set([
  'id',
  'createDate',
  'modifyDate',
  'selfUri',
  'mergeSet',
  'mergedFrom',
  'mergedTo',
  'canonicalContact',
  'identifiers',
]);

export function parseChanges(
  body: unknown,
): { ok: true; changes: PatchChange[] } | { ok: false; message: string } {
  if (!body || typeof body !== 'object' || !Array.isArray((body as { changes?: unknown }).changes))
    return { ok: false, message: 'Body must be { "changes": [ ... ] }' };
  const changes: PatchChange[] = [];
  for (const [i, raw] of (body as { changes: unknown[] }).changes.entries()) {
    if (!raw || typeof raw !== 'object') return { ok: false, message: `changes[${i}] must be an object` };
    const c = raw as Record<string, unknown>;
    if (typeof c.field !== 'string' || !/^\$(\.[A-Za-z_][A-Za-z0-9_]*)+$/.test(c.field))
      return { ok: false, message: `changes[${i}].field must be a JSONPath like $.firstName` };
    if (typeof c.action !== 'string' || !(PATCH_ACTIONS as readonly string[]).includes(c.action))
      return { ok: false, message: `changes[${i}].action must be one of ${PATCH_ACTIONS.join(', ')}` };
    const path = c.field.slice(2).split('.');
    if (READ_ONLY.has(path[0] ?? ''))
      return { ok: false, message: `changes[${i}].field ${c.field} is read-only` };
    const action = c.action as PatchAction;
    if (action !== 'Remove' && !('value' in c))
      return { ok: false, message: `changes[${i}].value is required for ${action}` };
    changes.push({ field: c.field, action, ...('value' in c ? { value: c.value } : {}) });
  }
  if (changes.length === 0) return { ok: false, message: 'changes must not be empty' };
  return { ok: true, changes };
}

const isEmpty = (v: unknown) =>
  v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);

function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Does `candidate` match `pattern` on every key the pattern gives (so `{ value }` matches an externalId)? */
function matches(candidate: unknown, pattern: unknown): boolean {
  if (
    pattern &&
    typeof pattern === 'object' &&
    !Array.isArray(pattern) &&
    candidate &&
    typeof candidate === 'object'
  ) {
    return Object.entries(pattern).every(([k, v]) => matches((candidate as Record<string, unknown>)[k], v));
  }
  return deepEqual(candidate, pattern);
}

export function applyChanges(contact: Record<string, unknown>, changes: readonly PatchChange[]): PatchResult {
  const paths = changes.map((c) => c.field);
  for (const a of paths) {
    for (const b of paths)
      if (a !== b && b.startsWith(`${a}.`))
        return { ok: false, status: 409, message: `Conflicting changes: ${b} and its parent ${a}` };
  }
  const next = structuredClone(contact);
  for (const change of changes) {
    const keys = change.field.slice(2).split('.');
    const last = keys.pop() as string;
    let parent: Record<string, unknown> = next;
    for (const k of keys) {
      const child = parent[k];
      if (child === undefined || child === null) {
        if (
          change.action === 'Remove' ||
          change.action === 'RemoveFromCollection' ||
          change.action === 'UpdateIfExists'
        ) {
          parent = {};
          break;
        }
        parent[k] = {};
      } else if (typeof child !== 'object' || Array.isArray(child)) {
        return { ok: false, status: 400, message: `${change.field}: ${k} is not an object` };
      }
      parent = parent[k] as Record<string, unknown>;
    }
    const current = parent[last];
    switch (change.action) {
      case 'Update':
        parent[last] = change.value;
        break;
      case 'UpdateIfEmpty':
        if (isEmpty(current)) parent[last] = change.value;
        break;
      case 'UpdateIfExists':
        if (!isEmpty(current)) parent[last] = change.value;
        break;
      case 'Remove':
        delete parent[last];
        break;
      case 'AppendToCollection': {
        if (current !== undefined && !Array.isArray(current))
          return { ok: false, status: 400, message: `${change.field} is not a collection` };
        const items = Array.isArray(change.value) ? change.value : [change.value];
        const list = [...((current as unknown[] | undefined) ?? [])];
        for (const item of items) if (!list.some((x) => deepEqual(x, item))) list.push(item);
        parent[last] = list;
        break;
      }
      case 'RemoveFromCollection': {
        if (current === undefined) break;
        if (!Array.isArray(current))
          return { ok: false, status: 400, message: `${change.field} is not a collection` };
        const patterns = Array.isArray(change.value) ? change.value : [change.value];
        parent[last] = current.filter((x) => !patterns.some((p) => matches(x, p)));
        break;
      }
      default: {
        const never: never = change.action;
        return { ok: false, status: 400, message: `Unknown action ${String(never)}` };
      }
    }
  }
  return { ok: true, contact: next };
}
