/** Directory records in the platform's JSON shapes (User, UserPresence, RoutingStatus, Queue, WrapupCode). */
import { iso } from '../deps.ts';
import type { QueueRecord, SkillRecord, UserRecord, WrapupRecord } from './store.ts';
import type { PresenceDefinition } from './presence-definitions.ts';

const divisionRef = (d: { id: string; name: string }) => ({
  id: d.id,
  name: d.name,
  selfUri: `/api/v2/authorization/divisions/${d.id}`,
});

export const definitionRef = (d: PresenceDefinition) => ({
  id: d.id,
  systemPresence: d.systemPresence,
  selfUri: `/api/v2/presencedefinitions/${d.id}`,
});

export function presenceView(u: UserRecord) {
  return {
    id: u.presence.definition.id,
    name: u.presence.definition.systemPresence,
    source: 'PURECLOUD',
    sourceId: 'PURECLOUD',
    primary: true,
    presenceDefinition: definitionRef(u.presence.definition),
    message: u.presence.message,
    modifiedDate: iso(u.presence.modifiedAt),
    selfUri: `/api/v2/users/${u.id}/presences/purecloud`,
  };
}

export const routingStatusView = (u: UserRecord) => ({
  userId: u.id,
  status: u.routing.status,
  startTime: iso(u.routing.startAt),
});

export function userView(u: UserRecord, expand: readonly string[]) {
  return {
    id: u.id,
    name: u.name,
    division: divisionRef(u.division),
    email: u.email,
    username: u.username,
    state: u.state,
    title: u.title,
    department: u.department,
    version: u.version,
    primaryContactInfo: [{ address: u.email, mediaType: 'EMAIL', type: 'PRIMARY' }],
    acdAutoAnswer: false,
    ...(expand.includes('presence') ? { presence: presenceView(u) } : {}),
    ...(expand.includes('routingStatus') ? { routingStatus: routingStatusView(u) } : {}),
    selfUri: `/api/v2/users/${u.id}`,
  };
}

export function queueView(q: QueueRecord) {
  return {
    id: q.id,
    name: q.name,
    division: divisionRef(q.division),
    description: q.description,
    dateCreated: iso(q.createdAt),
    dateModified: iso(q.createdAt),
    memberCount: q.memberIds.length,
    userMemberCount: q.memberIds.length,
    joinedMemberCount: q.memberIds.filter((id) => q.joined.has(id)).length,
    mediaSettings: q.mediaSettings,
    acwSettings: { wrapupPrompt: 'MANDATORY_TIMEOUT', timeoutMs: 30_000 },
    skillEvaluationMethod: 'ALL',
    selfUri: `/api/v2/routing/queues/${q.id}`,
  };
}

export const wrapupView = (w: WrapupRecord) => ({
  id: w.id,
  name: w.name,
  division: divisionRef({ id: 'b2b7d3b0-6a3e-4d7c-9c54-1d0e5f6a7b8c', name: 'Home' }),
  description: w.description,
  dateCreated: iso(w.createdAt),
  dateModified: iso(w.modifiedAt),
  createdBy: 'sandbox',
  selfUri: `/api/v2/routing/wrapupcodes/${w.id}`,
});

export const skillView = (s: SkillRecord) => ({
  id: s.id,
  name: s.name,
  dateModified: iso(s.modifiedAt),
  state: 'active',
  version: '1',
  selfUri: `/api/v2/routing/skills/${s.id}`,
});
