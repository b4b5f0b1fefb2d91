/**
 * Seed 003's `onSaveLog(data)`, pure parts: the seven event names, validation, the merge of
 * successive `callLog` deltas ("only provides portions of the integration log that changed")
 * and the Task built from the merged log.
 */

export const SAVE_LOG_EVENTS = [
  'interactionChanged',
  'interactionDisconnected',
  'interactionChangedAfterDisconnect',
  'interactionACWCompleted',
  'interactionRemoved',
  'openCallLog',
  'appDisconnected',
] as const;
export type SaveLogEvent = (typeof SAVE_LOG_EVENTS)[number];

export const DEFAULT_UPSERT_EVENTS: readonly SaveLogEvent[] = [
  'interactionDisconnected',
  'interactionChangedAfterDisconnect',
  'interactionACWCompleted',
];

export interface SaveLogInput {
  eventName: SaveLogEvent;
  interaction: Record<string, unknown> & { id: string };
  callLog: Record<string, unknown>;
}

export type Validation<T> = { ok: true; value: T } | { ok: false; field: string; message: string };

export const isSaveLogEvent = (v: unknown): v is SaveLogEvent =>
  typeof v === 'string' && (SAVE_LOG_EVENTS as readonly string[]).includes(v);

export function validateSaveLog(input: unknown): Validation<SaveLogInput> {
  if (!input || typeof input !== 'object' || Array.isArray(input))
    return { ok: false, field: '(body)', message: 'must be a JSON object' };
  const o = input as Record<string, unknown>;
  if (!isSaveLogEvent(o.eventName))
    return {
      ok: false,
      field: 'eventName',
      message: `eventName: must be one of ${SAVE_LOG_EVENTS.join(', ')}`,
    };
  const i = o.interaction;
  if (!i || typeof i !== 'object' || Array.isArray(i))
    return { ok: false, field: 'interaction', message: 'interaction: required, an object' };
  const id = (i as Record<string, unknown>).id;
  if (typeof id !== 'string' || id.trim() === '' || id.length > 255)
    return {
      ok: false,
      field: 'interaction.id',
      message: 'interaction.id: required, a string of at most 255 characters',
    };
  const c = o.callLog ?? {};
  if (typeof c !== 'object' || Array.isArray(c) || c === null)
    return { ok: false, field: 'callLog', message: 'callLog: must be an object' };
  return {
    ok: true,
    value: {
      eventName: o.eventName,
      interaction: i as SaveLogInput['interaction'],
      callLog: c as Record<string, unknown>,
    },
  };
}

const FIELD = /^[A-Za-z][A-Za-z0-9_]*$/;
/** Never sent to Salesforce: identity, system-computed and read-only fields. */
const NOT_WRITABLE = new Set(
  [
    'Id',
    'attributes',
    'AccountId',
    'LastActivityDate',
    'IsClosed',
    'CreatedDate',
    'CreatedById',
    'LastModifiedDate',
    'LastModifiedById',
    'SystemModstamp',
    'IsDeleted',
    'Conversation_Id__c',
  ].map((f) => f.toLowerCase()),
);

/**
 * Applies a delta: a present key replaces the value (null clears it), an absent key keeps it.
 * Keys are matched case-insensitively (Salesforce field names are), keeping the latest spelling.
 */
export function mergeCallLog(
  previous: Record<string, unknown>,
  delta: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...previous };
  for (const [k, v] of Object.entries(delta)) {
    if (v === undefined || !FIELD.test(k) || NOT_WRITABLE.has(k.toLowerCase())) continue;
    for (const existing of Object.keys(out))
      if (existing.toLowerCase() === k.toLowerCase() && existing !== k) delete out[existing];
    out[k] = v;
  }
  return out;
}

/** The Task upserted for an interaction: the merged log plus the call identity and defaults. */
export function taskFromCallLog(
  interactionId: string,
  merged: Record<string, unknown>,
  interaction: Record<string, unknown>,
): Record<string, string | number> {
  const task: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(merged)) {
    if (v === null) continue;
    if (typeof v === 'string' || typeof v === 'number') task[k] = v;
    else if (typeof v === 'boolean') task[k] = v ? 'true' : 'false';
  }
  const has = (f: string) => Object.keys(task).some((k) => k.toLowerCase() === f.toLowerCase());
  task.CallObject = interactionId;
  if (!has('TaskSubtype')) task.TaskSubtype = 'Call';
  if (!has('Subject')) {
    const who =
      typeof interaction.name === 'string' && interaction.name !== '' ? interaction.name : undefined;
    task.Subject = who ? `Call with ${who}` : 'Call';
  }
  if (!has('Status') && interaction.isDisconnected === true) task.Status = 'Completed';
  if (!has('CallType') && typeof interaction.direction === 'string') {
    const d = interaction.direction.toLowerCase();
    if (d === 'inbound') task.CallType = 'Inbound';
    else if (d === 'outbound') task.CallType = 'Outbound';
  }
  return task;
}
