/**
 * Seed 000's "Data Mapping", pure: a conversation end (plus the resolved contact and the
 * recording link) → the Task fields and the Contact's writable call fields. Never
 * `LastActivityDate`: Salesforce computes it from the completed Task.
 */
import type { CallEndEvent } from '../call-end-intake/call-end.ts';

export interface ResolvedContact {
  id: string | undefined;
  name: string | undefined;
  accountId: string | undefined;
  /** How it was found: `attribute`, `index`, `live`, `created`, `unknown-caller-account`. */
  via: string;
}

export interface TaskInput {
  event: CallEndEvent;
  contact: ResolvedContact;
  recordingUrl: string | undefined;
  timezone: string;
  fieldMap: ReadonlyArray<{ field: string; source: string }>;
}

/** `YYYY-MM-DD` of an instant in an IANA time zone (the org's, for `ActivityDate`). */
export function dateInZone(iso: string, timezone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: timezone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(new Date(iso));
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/** `CallType` is a restricted picklist: Inbound, Outbound, Internal. */
export function callType(direction: string | undefined): 'Inbound' | 'Outbound' | 'Internal' | undefined {
  switch ((direction ?? '').toLowerCase()) {
    case 'inbound':
      return 'Inbound';
    case 'outbound':
      return 'Outbound';
    case 'internal':
      return 'Internal';
    default:
      return undefined;
  }
}

export function formatDuration(seconds: number): string {
  const m = Math.floor(seconds / 60);
  const s = seconds % 60;
  return m > 0 ? `${m} min ${s} s` : `${s} s`;
}

/** Values a custom field can be mapped from (ACTIVITY_LOG_FIELD_MAP). */
export function sourceValue(source: string, input: TaskInput): string | number | undefined {
  const e = input.event;
  if (source.startsWith('attributes.')) return e.attributes?.[source.slice('attributes.'.length)];
  switch (source) {
    case 'recordingUrl':
      return input.recordingUrl;
    case 'contactName':
      return input.contact.name;
    case 'callType':
      return callType(e.direction);
    case 'durationSeconds':
      return e.durationSeconds;
    case 'conversationId':
    case 'participantId':
    case 'conversationType':
    case 'callerId':
    case 'calleeId':
    case 'direction':
    case 'startTime':
    case 'endTime':
    case 'recordingId':
    case 'agentId':
    case 'agentName':
    case 'queueId':
    case 'queueName':
    case 'interactionId':
      return e[source];
    default:
      return undefined;
  }
}

export function taskFields(input: TaskInput): Record<string, string | number> {
  const e = input.event;
  const c = input.contact;
  const when = e.endTime ?? e.startTime;
  const type = callType(e.direction);
  const party = c.name ?? e.callerId ?? 'unknown caller';
  const lines = [
    `${type ?? 'Call'}${type ? ' call' : ''}${e.callerId ? ` from ${e.callerId}` : ''}`,
    e.durationSeconds !== undefined ? `Duration: ${formatDuration(e.durationSeconds)}` : undefined,
    e.agentName ? `Agent: ${e.agentName}` : undefined,
    e.queueName ? `Queue: ${e.queueName}` : undefined,
    e.startTime ? `Start: ${e.startTime}` : undefined,
    e.endTime ? `End: ${e.endTime}` : undefined,
    `Recording: ${input.recordingUrl ?? 'not available'}`,
    `Conversation: ${e.conversationId}`,
  ].filter((l): l is string => l !== undefined);
  const task: Record<string, string | number> = {
    Subject: `Call with ${party}`.slice(0, 255),
    Description: lines.join('\n').slice(0, 32000),
    Status: 'Completed',
    Priority: 'Normal',
    TaskSubtype: 'Call',
    Type: 'Call',
    CallObject: e.conversationId,
  };
  if (c.id !== undefined) task.WhoId = c.id;
  if (c.accountId !== undefined) task.WhatId = c.accountId;
  if (when !== undefined) task.ActivityDate = dateInZone(when, input.timezone);
  if (e.durationSeconds !== undefined) task.CallDurationInSeconds = e.durationSeconds;
  if (type !== undefined) task.CallType = type;
  for (const { field, source } of input.fieldMap) {
    const v = sourceValue(source, input);
    if (v !== undefined) task[field] = v;
  }
  return task;
}

/** The Contact's writable call fields (never LastActivityDate). */
export function contactCallFields(event: CallEndEvent, fallbackIso: string): Record<string, string | number> {
  const out: Record<string, string | number> = {
    Last_Call_Date__c: new Date(event.endTime ?? event.startTime ?? fallbackIso).toISOString(),
  };
  if (event.durationSeconds !== undefined) out.Last_Call_Duration__c = event.durationSeconds;
  return out;
}
