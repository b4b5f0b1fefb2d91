/**
 * The state both CIC instances share (configuration, agents, interactions), as a switchover
 * pair shares its database. ICWS sessions live here too but each is bound to the instance it
 * was opened on: after a switchover a client must log in again, as with a real CIC.
 * Every change to an interaction is fanned out to the queue subscriptions that can see it.
 */
import { chooseAgent, nextFor, type AcdView } from './acd.ts';
import {
  interactionAttributes,
  type CicInteraction,
  type CicUser,
  type CicWorkgroup,
  type UserStatus,
} from './model.ts';
import { parseCreateEmail, type SorsRoutingIds } from './sors-notification.ts';

export interface QueueSubscription {
  queues: { queueType: 1 | 2; queueName: string }[];
  attributeNames: string[];
  /** Interactions this subscription has been told about (to send added vs changed vs removed). */
  seen: Set<string>;
}

export interface CicSession {
  sessionId: string;
  csrfToken: string;
  cookie: string;
  instance: string;
  userId: string;
  messages: unknown[];
  handlerSubscriptions: { objectId: string; eventIds: string[] }[];
  queueSubscriptions: Map<string, QueueSubscription>;
}

/** Queued messages kept per session; the oldest are dropped beyond this, like a client that stopped polling. */
const MAX_QUEUED_MESSAGES = 10_000;

export class CicState {
  users = new Map<string, CicUser>();
  workgroups = new Map<string, CicWorkgroup>();
  interactions = new Map<string, CicInteraction>();
  sessions = new Map<string, CicSession>();
  private lastAssigned = new Map<string, number>();
  private nextInteractionId = 1_001_000_001;
  private readonly now: () => number;
  readonly ids: SorsRoutingIds;

  constructor(opts: { now: () => number; ids: SorsRoutingIds }) {
    this.now = opts.now;
    this.ids = opts.ids;
  }

  load(users: CicUser[], workgroups: CicWorkgroup[]): void {
    this.users = new Map(users.map((u) => [u.userId, { ...u, skills: [...u.skills] }]));
    this.workgroups = new Map(workgroups.map((w) => [w.name, { ...w, members: [...w.members] }]));
    this.interactions.clear();
    this.sessions.clear();
    this.lastAssigned.clear();
    this.nextInteractionId = 1_001_000_001;
  }

  private view(): AcdView {
    return {
      users: this.users,
      workgroups: this.workgroups,
      load: (userId) =>
        [...this.interactions.values()].filter((i) => i.assignedTo === userId && i.state !== 'E').length,
      lastAssignedAt: (userId) => this.lastAssigned.get(userId) ?? 0,
    };
  }

  push(session: CicSession, message: unknown): void {
    session.messages.push(message);
    if (session.messages.length > MAX_QUEUED_MESSAGES)
      session.messages.splice(0, session.messages.length - MAX_QUEUED_MESSAGES);
  }

  /** Deliver a handler-sent notification to every session subscribed to its object/event. */
  sendHandlerNotification(eventId: string, data: string[]): void {
    for (const s of this.sessions.values()) {
      if (
        s.handlerSubscriptions.some((h) => h.objectId === this.ids.objectId && h.eventIds.includes(eventId))
      ) {
        this.push(s, {
          __type: 'urn:inin.com:system:handlerSentNotificationMessage',
          objectId: this.ids.objectId,
          eventId,
          data,
        });
      }
    }
  }

  /** What the CIC handler does on SORS's "create" notification. */
  handleCreateEmail(data: string[]): void {
    const parsed = parseCreateEmail(data);
    if (!parsed.ok)
      return this.sendHandlerNotification(this.ids.failedEventId, [data[0] ?? '', parsed.reason]);
    const req = parsed.value;
    if (!this.workgroups.has(req.workgroup)) {
      return this.sendHandlerNotification(this.ids.failedEventId, [
        req.caseId,
        `workgroup ${req.workgroup} does not exist`,
      ]);
    }
    // A retried notification (e.g. after a switchover) must not route the same case twice.
    const existing = [...this.interactions.values()].find((i) => i.caseId === req.caseId && i.state !== 'E');
    if (existing)
      return this.sendHandlerNotification(this.ids.createdEventId, [req.caseId, existing.interactionId]);
    const interaction: CicInteraction = {
      interactionId: String(this.nextInteractionId++),
      caseId: req.caseId,
      workgroup: req.workgroup,
      requiredSkills: req.skills,
      state: 'O',
      assignedTo: null,
      createdAt: this.now(),
      custom: {},
      subject: req.subject,
      remoteAddress: req.remoteAddress,
    };
    this.interactions.set(interaction.interactionId, interaction);
    this.changed(interaction);
    this.sendHandlerNotification(this.ids.createdEventId, [req.caseId, interaction.interactionId]);
    const agent = chooseAgent(this.view(), interaction);
    if (agent) this.assign(interaction, agent);
  }

  private assign(i: CicInteraction, agent: CicUser): void {
    i.state = 'A';
    i.assignedTo = agent.userId;
    this.lastAssigned.set(agent.userId, Math.max(this.now(), (this.lastAssigned.get(agent.userId) ?? 0) + 1));
    this.changed(i);
  }

  /** Offer queued interactions to `agent` while they can take more. */
  private drainFor(agent: CicUser): void {
    for (;;) {
      const next = nextFor(this.view(), agent, [...this.interactions.values()]);
      if (!next) return;
      this.assign(next, agent);
    }
  }

  setStatus(userId: string, status: UserStatus): void {
    const u = this.users.get(userId);
    if (!u) return;
    u.status = status;
    if (status === 'Available') this.drainFor(u);
  }

  setAttributes(i: CicInteraction, attrs: Record<string, string>): void {
    Object.assign(i.custom, attrs);
    this.changed(i);
  }

  disconnect(i: CicInteraction): void {
    if (i.state === 'E') return;
    const agentId = i.assignedTo;
    i.state = 'E';
    this.changed(i);
    const agent = agentId ? this.users.get(agentId) : undefined;
    if (agent) this.drainFor(agent);
  }

  /** Recompute every queue subscription's view of `i` and queue added/changed/removed messages. */
  private changed(i: CicInteraction): void {
    const attrs = interactionAttributes(i);
    for (const s of this.sessions.values()) {
      for (const [subscriptionId, sub] of s.queueSubscriptions) {
        const visible = sub.queues.some((q) =>
          q.queueType === 2 ? q.queueName === i.workgroup : q.queueName === i.assignedTo,
        );
        const wasSeen = sub.seen.has(i.interactionId);
        if (!visible && !wasSeen) continue;
        const entry = { interactionId: i.interactionId, attributes: pick(attrs, sub.attributeNames) };
        const base = { __type: 'urn:inin.com:queues:queueContentsMessage', isDelta: true, subscriptionId };
        if (visible && i.state !== 'E') {
          this.push(s, { ...base, [wasSeen ? 'interactionsChanged' : 'interactionsAdded']: [entry] });
          sub.seen.add(i.interactionId);
        } else {
          // Disconnected or moved out of the queue: report the last state, then the removal.
          if (wasSeen) this.push(s, { ...base, interactionsChanged: [entry] });
          this.push(s, { ...base, interactionsRemoved: [i.interactionId] });
          sub.seen.delete(i.interactionId);
        }
      }
    }
  }

  /** Start a queue subscription: the first message lists the queue's current contents (not a delta). */
  subscribeQueues(s: CicSession, subscriptionId: string, sub: Omit<QueueSubscription, 'seen'>): void {
    const full: QueueSubscription = { ...sub, seen: new Set() };
    s.queueSubscriptions.set(subscriptionId, full);
    const present = [...this.interactions.values()].filter(
      (i) =>
        i.state !== 'E' &&
        sub.queues.some((q) =>
          q.queueType === 2 ? q.queueName === i.workgroup : q.queueName === i.assignedTo,
        ),
    );
    for (const i of present) full.seen.add(i.interactionId);
    this.push(s, {
      __type: 'urn:inin.com:queues:queueContentsMessage',
      isDelta: false,
      subscriptionId,
      interactionsAdded: present.map((i) => ({
        interactionId: i.interactionId,
        attributes: pick(interactionAttributes(i), sub.attributeNames),
      })),
    });
  }
}

function pick(attrs: Record<string, string>, names: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const n of names) {
    const v = attrs[n];
    if (v !== undefined) out[n] = v;
  }
  return out;
}
