/**
 * The conversation state machine: pure state changes over the model, no I/O. Every change takes
 * its event time and reports what happened as `ConversationEvent`s, which the routes turn into
 * notifications and deliveries.
 */
import {
  activeAgent,
  alertingAgent,
  closeOpenSegment,
  customerOf,
  isComplete,
  waitingOffer,
  type Conversation,
  type FlowPath,
  type MediaType,
  type Participant,
} from './model.ts';

export type ConversationEvent =
  | { type: 'changed'; conversation: Conversation }
  | { type: 'customer.end'; conversation: Conversation; participant: Participant }
  | { type: 'user.end'; conversation: Conversation; participant: Participant }
  | { type: 'acw'; conversation: Conversation; participant: Participant }
  | { type: 'complete'; conversation: Conversation };

export type StoreResult<T> =
  | { ok: true; value: T; events: ConversationEvent[] }
  | { ok: false; status: 400 | 404 | 409; code: string; message: string };

export interface StartInput {
  mediaType: MediaType;
  ani: string;
  dnis: string;
  queue: { id: string; name: string };
  at: number;
  subject?: string;
  divisionId: string;
  /** Result of the inbound flow's data action, when a flow ran. */
  flow?: { path: FlowPath; attributes: Record<string, string>; status?: number; error?: string };
  /** Attributes given by the creator (API create); set on the customer and the queue offer. */
  attributes?: Record<string, string>;
  /** Requested routing of the queue offer (API create). */
  routing?: { skillIds: string[]; priority: number; languageId?: string };
  provider?: string;
}

const fail = (status: 400 | 404 | 409, code: string, message: string) => ({
  ok: false as const,
  status,
  code,
  message,
});

export class ConversationStore {
  private readonly byId = new Map<string, Conversation>();
  private readonly newId: () => string;

  constructor(newId: () => string) {
    this.newId = newId;
  }

  get(id: string): Conversation | undefined {
    return this.byId.get(id);
  }

  list(): Conversation[] {
    return [...this.byId.values()];
  }

  clear(): void {
    this.byId.clear();
  }

  start(input: StartInput): StoreResult<Conversation> {
    const at = input.at;
    const attributes = { ...(input.flow?.attributes ?? {}), ...(input.attributes ?? {}) };
    const customer: Participant = {
      id: this.newId(),
      purpose: 'customer',
      name: input.ani,
      address: input.ani,
      startTime: at,
      connectedTime: at,
      state: 'connected',
      held: false,
      segments: [{ type: 'interact', start: at }],
      attributes,
      wrapupRequired: false,
    };
    const participants: Participant[] = [customer];
    if (input.flow) {
      // The flow's own run time is real time, not event time: the ivr participant spans zero event time.
      participants.push({
        id: this.newId(),
        purpose: 'ivr',
        name: 'Inbound Call Flow',
        address: input.dnis,
        startTime: at,
        connectedTime: at,
        endTime: at,
        state: 'disconnected',
        held: false,
        disconnectType: 'transfer',
        segments: [{ type: 'ivr', start: at, end: at }],
        attributes: { ...attributes },
        wrapupRequired: false,
      });
    }
    const offer = this.offer(input.queue, at, attributes);
    if (input.routing) offer.routing = { ...input.routing, skillIds: [...input.routing.skillIds] };
    participants.push(offer);
    const c: Conversation = {
      id: this.newId(),
      mediaType: input.mediaType,
      direction: 'inbound',
      startTime: at,
      ani: input.ani,
      dnis: input.dnis,
      ...(input.subject !== undefined ? { subject: input.subject } : {}),
      ...(input.provider !== undefined ? { provider: input.provider } : {}),
      divisionId: input.divisionId,
      participants,
      recordings: [],
      lastEventAt: at,
      ...(input.flow
        ? {
            flow: {
              path: input.flow.path,
              ...(input.flow.status !== undefined ? { status: input.flow.status } : {}),
              ...(input.flow.error !== undefined ? { error: input.flow.error } : {}),
            },
          }
        : {}),
    };
    this.byId.set(c.id, c);
    return { ok: true, value: c, events: [{ type: 'changed', conversation: c }] };
  }

  /**
   * The queue offers the call to an agent: their leg rings (`alerting`) until they answer, as in
   * Genesys (participant state alerting → connected). The offer keeps waiting meanwhile.
   */
  alert(id: string, user: { id: string; name: string }, at: number): StoreResult<Participant> {
    const c = this.live(id, at);
    if (!c.ok) return c;
    const conv = c.value;
    const offer = waitingOffer(conv);
    if (!offer) return fail(409, 'conversation.not.queued', 'The conversation is not waiting in a queue');
    if (alertingAgent(conv))
      return fail(409, 'conversation.alerting', 'The call is already alerting an agent');
    const agent = this.agentLeg(conv, offer, user, at);
    conv.participants.push(agent);
    conv.lastEventAt = at;
    return { ok: true, value: agent, events: [{ type: 'changed', conversation: conv }] };
  }

  /** The agent answers: their alerting leg connects, or (without an alert step) a connected leg joins. */
  answer(id: string, user: { id: string; name: string }, at: number): StoreResult<Participant> {
    const c = this.live(id, at);
    if (!c.ok) return c;
    const conv = c.value;
    const offer = waitingOffer(conv);
    if (!offer) return fail(409, 'conversation.not.queued', 'The conversation is not waiting in a queue');
    const ringing = alertingAgent(conv);
    if (ringing && ringing.userId !== user.id)
      return fail(409, 'conversation.alerting', 'The call is alerting another agent');
    offer.endTime = at;
    offer.state = 'disconnected';
    offer.disconnectType = 'transfer';
    closeOpenSegment(offer, at);
    const agent = ringing ?? this.agentLeg(conv, offer, user, at);
    agent.connectedTime = at;
    agent.state = 'connected';
    agent.segments = [{ type: 'interact', start: at }];
    if (!ringing) conv.participants.push(agent);
    if (conv.mediaType === 'voice' || conv.mediaType === 'callback') {
      conv.recordings.push({
        id: this.newId(),
        conversationId: conv.id,
        participantId: agent.id,
        startTime: at,
      });
    }
    conv.lastEventAt = at;
    return { ok: true, value: agent, events: [{ type: 'changed', conversation: conv }] };
  }

  hold(id: string, held: boolean, at: number): StoreResult<Participant> {
    const c = this.live(id, at);
    if (!c.ok) return c;
    const agent = activeAgent(c.value);
    if (!agent) return fail(409, 'conversation.no.agent', 'No agent is connected to the conversation');
    if (c.value.mediaType === 'email') return fail(400, 'bad.request', 'E-mails cannot be held');
    if (agent.held === held)
      return fail(409, 'conversation.hold.state', held ? 'The call is already held' : 'The call is not held');
    closeOpenSegment(agent, at);
    agent.segments.push({ type: held ? 'hold' : 'interact', start: at });
    agent.held = held;
    c.value.lastEventAt = at;
    return { ok: true, value: agent, events: [{ type: 'changed', conversation: c.value }] };
  }

  /** Blind transfer to a queue: the agent leaves (into after-call work), a new offer waits in the target queue. */
  transfer(id: string, queue: { id: string; name: string }, at: number): StoreResult<Participant> {
    const c = this.live(id, at);
    if (!c.ok) return c;
    const conv = c.value;
    const agent = activeAgent(conv);
    if (!agent) return fail(409, 'conversation.no.agent', 'No agent is connected to the conversation');
    this.endAgent(agent, 'transfer', at);
    const offer = this.offer(queue, at, customerOf(conv)?.attributes ?? {});
    conv.participants.push(offer);
    conv.lastEventAt = at;
    return {
      ok: true,
      value: offer,
      events: [
        { type: 'user.end', conversation: conv, participant: agent },
        { type: 'changed', conversation: conv },
      ],
    };
  }

  disconnect(id: string, by: 'customer' | 'agent' | 'system', at: number): StoreResult<Conversation> {
    const c = this.live(id, at);
    if (!c.ok) return c;
    const conv = c.value;
    const agent = activeAgent(conv);
    if (!agent && waitingOffer(conv) && by === 'customer') return this.abandon(id, at);
    if (!agent)
      return fail(
        409,
        'conversation.no.agent',
        'No agent is connected; use abandon for a caller leaving the queue',
      );
    const events: ConversationEvent[] = [];
    this.endAgent(agent, by === 'agent' ? 'client' : by === 'customer' ? 'peer' : 'system', at);
    events.push({ type: 'user.end', conversation: conv, participant: agent });
    events.push(
      ...this.endCustomer(conv, by === 'customer' ? 'endpoint' : by === 'agent' ? 'peer' : 'system', at),
    );
    return { ok: true, value: conv, events };
  }

  /** The caller hangs up while waiting in a queue. */
  abandon(id: string, at: number): StoreResult<Conversation> {
    const c = this.live(id, at);
    if (!c.ok) return c;
    const conv = c.value;
    const offer = waitingOffer(conv);
    if (!offer) return fail(409, 'conversation.not.queued', 'The conversation is not waiting in a queue');
    offer.endTime = at;
    offer.state = 'disconnected';
    offer.disconnectType = 'peer';
    closeOpenSegment(offer, at);
    // A leg still ringing stops ringing; never connected, it has nothing to wrap up.
    const ringing = alertingAgent(conv);
    if (ringing) {
      ringing.state = 'disconnected';
      ringing.endTime = at;
      ringing.disconnectType = 'peer';
      ringing.wrapupRequired = false;
    }
    return { ok: true, value: conv, events: this.endCustomer(conv, 'endpoint', at) };
  }

  wrapup(
    id: string,
    code: { id: string; name: string },
    notes: string | undefined,
    userId: string | undefined,
    at: number,
  ): StoreResult<Participant> {
    const conv = this.byId.get(id);
    if (!conv) return fail(404, 'not.found', `Conversation ${id} not found`);
    const agent = conv.participants.find(
      (p) =>
        p.purpose === 'agent' &&
        p.state === 'disconnected' &&
        p.wrapupRequired &&
        !p.wrapup &&
        (userId === undefined || p.userId === userId),
    );
    if (!agent)
      return fail(
        409,
        'conversation.no.wrapup.pending',
        'No agent of this conversation is in after-call work',
      );
    const acwStart = agent.endTime ?? at;
    if (at < acwStart) return fail(400, 'bad.request', 'Wrap-up time is before the agent disconnected');
    closeOpenSegment(agent, at);
    agent.wrapup = {
      code: code.id,
      name: code.name,
      ...(notes !== undefined ? { notes } : {}),
      endTime: at,
      durationSeconds: Math.round((at - acwStart) / 1000),
    };
    conv.lastEventAt = Math.max(conv.lastEventAt, at);
    const events: ConversationEvent[] = [
      { type: 'acw', conversation: conv, participant: agent },
      { type: 'changed', conversation: conv },
    ];
    if (isComplete(conv)) events.push({ type: 'complete', conversation: conv });
    return { ok: true, value: agent, events };
  }

  setAttributes(
    id: string,
    participantId: string,
    attributes: Record<string, string>,
  ): StoreResult<Participant> {
    const conv = this.byId.get(id);
    if (!conv) return fail(404, 'not.found', `Conversation ${id} not found`);
    const p = conv.participants.find((x) => x.id === participantId);
    if (!p) return fail(404, 'not.found', `Participant ${participantId} not found`);
    Object.assign(p.attributes, attributes);
    return { ok: true, value: p, events: [{ type: 'changed', conversation: conv }] };
  }

  /** A new agent leg for the offer, ringing (the caller connects it). */
  private agentLeg(
    conv: Conversation,
    offer: Participant,
    user: { id: string; name: string },
    at: number,
  ): Participant {
    return {
      id: this.newId(),
      purpose: 'agent',
      name: user.name,
      address: `sip:${user.id}@localhost`,
      userId: user.id,
      ...(offer.queueId !== undefined ? { queueId: offer.queueId } : {}),
      answeredOfferId: offer.id,
      startTime: at,
      state: 'alerting',
      held: false,
      segments: [],
      attributes: { ...(customerOf(conv)?.attributes ?? {}) },
      wrapupRequired: true,
    };
  }

  private offer(
    queue: { id: string; name: string },
    at: number,
    attributes: Record<string, string>,
  ): Participant {
    return {
      id: this.newId(),
      purpose: 'acd',
      name: queue.name,
      address: queue.id,
      queueId: queue.id,
      startTime: at,
      connectedTime: at,
      state: 'connected',
      held: false,
      segments: [{ type: 'interact', start: at }],
      attributes: { ...attributes },
      wrapupRequired: false,
    };
  }

  private endAgent(agent: Participant, type: 'client' | 'peer' | 'system' | 'transfer', at: number): void {
    closeOpenSegment(agent, at);
    agent.held = false;
    agent.state = 'disconnected';
    agent.endTime = at;
    agent.disconnectType = type;
    agent.segments.push({ type: 'wrapup', start: at });
  }

  private endCustomer(
    conv: Conversation,
    type: 'endpoint' | 'peer' | 'system',
    at: number,
  ): ConversationEvent[] {
    const customer = customerOf(conv);
    if (customer && customer.state !== 'disconnected') {
      closeOpenSegment(customer, at);
      customer.state = 'disconnected';
      customer.endTime = at;
      customer.disconnectType = type;
    }
    for (const r of conv.recordings) r.endTime ??= at;
    conv.endTime = at;
    conv.lastEventAt = at;
    const events: ConversationEvent[] = [];
    if (customer) events.push({ type: 'customer.end', conversation: conv, participant: customer });
    events.push({ type: 'changed', conversation: conv });
    if (isComplete(conv)) events.push({ type: 'complete', conversation: conv });
    return events;
  }

  /** A conversation that exists, has not ended, and whose last event is not after `at`. */
  private live(id: string, at: number): StoreResult<Conversation> {
    const conv = this.byId.get(id);
    if (!conv) return fail(404, 'not.found', `Conversation ${id} not found`);
    if (conv.endTime !== undefined)
      return fail(409, 'conversation.ended', 'The conversation has already ended');
    if (at < conv.lastEventAt)
      return fail(
        400,
        'bad.request',
        `Event time ${new Date(at).toISOString()} is before the conversation's last event`,
      );
    return { ok: true, value: conv, events: [] };
  }
}
