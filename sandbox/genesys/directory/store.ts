/**
 * Users, their presence and routing status, queues (with members), wrap-up codes and skills.
 * Presence changes go through `setPresence` so every change is published on
 * `v2.users.{id}.presence` the same way, whether it came from the API, a control or the simulator.
 */
import type { GenesysQueue, GenesysUser, GenesysWrapupCode } from '../context.ts';
import {
  findDefinition,
  upperPresence,
  type PresenceDefinition,
  type RoutingStatusName,
} from './presence-definitions.ts';

export const HOME_DIVISION = { id: 'b2b7d3b0-6a3e-4d7c-9c54-1d0e5f6a7b8c', name: 'Home' } as const;

export interface UserRecord extends GenesysUser {
  username: string;
  title: string;
  department: string;
  version: number;
  presence: { definition: PresenceDefinition; message: string; modifiedAt: number };
  routing: { status: RoutingStatusName; startAt: number };
  skillIds: string[];
}

export interface QueueRecord extends GenesysQueue {
  division: { id: string; name: string };
  description: string;
  createdAt: number;
  /** Members who are joined (on queue for routing); members not in the set are unjoined. */
  joined: Set<string>;
}

export interface WrapupRecord extends GenesysWrapupCode {
  description: string;
  createdAt: number;
  modifiedAt: number;
}

export interface SkillRecord {
  id: string;
  name: string;
  modifiedAt: number;
}

export interface PresenceChange {
  user: UserRecord;
  previous: PresenceDefinition;
}

export class DirectoryStore {
  readonly users = new Map<string, UserRecord>();
  readonly queues = new Map<string, QueueRecord>();
  readonly wrapupCodes = new Map<string, WrapupRecord>();
  readonly skills = new Map<string, SkillRecord>();
  private readonly listeners: ((topic: string, body: unknown) => void)[] = [];

  /** Listen to the directory's events (topic, body) — the notification hub subscribes here. */
  onEvent(fn: (topic: string, body: unknown) => void): void {
    this.listeners.push(fn);
  }

  clear(): void {
    this.users.clear();
    this.queues.clear();
    this.wrapupCodes.clear();
    this.skills.clear();
  }

  usersSorted(): UserRecord[] {
    return [...this.users.values()].sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  }

  /** Set a user's presence by definition id or system presence name; publishes the change. */
  setPresence(
    userId: string,
    idOrName: string,
    now: number,
    message?: string,
  ): UserRecord | 'no-user' | 'no-definition' {
    const user = this.users.get(userId);
    if (user === undefined) return 'no-user';
    const def = findDefinition(idOrName);
    if (def === undefined) return 'no-definition';
    user.presence = { definition: def, message: message ?? user.presence.message, modifiedAt: now };
    // Going On Queue makes the agent routable; leaving it takes them off queue (as the platform does).
    if (def.systemPresence === 'On Queue' && user.routing.status === 'OFF_QUEUE')
      this.setRoutingStatus(userId, 'IDLE', now);
    else if (def.systemPresence !== 'On Queue' && user.routing.status !== 'OFF_QUEUE')
      this.setRoutingStatus(userId, 'OFF_QUEUE', now);
    this.emit(`v2.users.${userId}.presence`, {
      source: 'PURECLOUD',
      presenceDefinition: { id: def.id, systemPresence: upperPresence(def) },
      primary: true,
      message: user.presence.message,
      modifiedDate: new Date(now).toISOString(),
    });
    return user;
  }

  setRoutingStatus(userId: string, status: RoutingStatusName, now: number): UserRecord | undefined {
    const user = this.users.get(userId);
    if (user === undefined) return undefined;
    if (user.routing.status === status) return user;
    user.routing = { status, startAt: now };
    this.emit(`v2.users.${userId}.routingStatus`, {
      routingStatus: { status, startTime: new Date(now).toISOString() },
    });
    return user;
  }

  private emit(topic: string, body: unknown): void {
    for (const l of this.listeners) l(topic, body);
  }
}
