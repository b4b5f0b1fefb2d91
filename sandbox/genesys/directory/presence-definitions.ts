/**
 * The org's presence definitions. The platform ships one system definition per system
 * presence; the ids below are fixed sandbox values (real orgs have their own GUIDs).
 */
export interface PresenceDefinition {
  id: string;
  systemPresence: string;
  languageLabels: Record<string, string>;
  deactivated: boolean;
  primary: boolean;
}

const SYSTEM: readonly [string, string, string][] = [
  ['6a3af858-942f-489d-9700-5f9bcdcdae9b', 'Available', 'Available'],
  ['31fe3bac-dea6-44b7-bed7-47f91660a1a0', 'Busy', 'Busy'],
  ['5e5c5c66-ea97-4e7f-ac41-6424784829f2', 'Away', 'Away'],
  ['e08eaf1b-ee47-4fa9-a231-1200e284798f', 'On Queue', 'On Queue'],
  ['ccf3c10a-aa2c-4845-8e8d-f59fa48c58e5', 'Offline', 'Offline'],
  ['3fd96123-badb-4f69-bc03-1b1ccc6d8014', 'Meal', 'Meal'],
  ['1b7b8bf6-6b0f-4e5d-9e73-1c2a4ad0a9a1', 'Break', 'Break'],
  ['2c0d1b3e-8f4a-4c4e-9b1d-6a7e5f3c2b10', 'Meeting', 'Meeting'],
  ['7f3e9a2b-5c1d-4e8f-a6b2-9d0c1e2f3a4b', 'Training', 'Training'],
  ['9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d', 'Idle', 'Idle'],
];

export const PRESENCE_DEFINITIONS: readonly PresenceDefinition[] = SYSTEM.map(([id, sys, label]) => ({
  id,
  systemPresence: sys,
  languageLabels: { en_US: label },
  deactivated: false,
  primary: true,
}));

/** Match a presence name case- and space-insensitively ("ON_QUEUE", "On Queue", "onqueue"). */
export function findDefinition(idOrName: string): PresenceDefinition | undefined {
  const key = idOrName.replace(/[\s_]/g, '').toLowerCase();
  return PRESENCE_DEFINITIONS.find(
    (d) => d.id === idOrName || d.systemPresence.replace(/\s/g, '').toLowerCase() === key,
  );
}

/** The upper-case form used in notification events and by `ctx.directory.presenceOf` ("ON_QUEUE"). */
export function upperPresence(def: PresenceDefinition): string {
  return def.systemPresence.toUpperCase().replace(/\s/g, '_');
}

export const ROUTING_STATUSES = [
  'OFF_QUEUE',
  'IDLE',
  'INTERACTING',
  'NOT_RESPONDING',
  'COMMUNICATING',
] as const;
export type RoutingStatusName = (typeof ROUTING_STATUSES)[number];
