/**
 * The call-center model as a pure discrete-event simulation: `next()` yields the actions (call
 * starts, answers, holds, transfers, hang-ups, abandons, wrap-ups, presence changes) in time order,
 * and `truth` records what it did. Agents, queues and wrap-up codes are indices here; the runner
 * maps them to the emulator's ids. No I/O, no clock: the same seed gives the same actions.
 */
import type { SimMediaType, SimulationOptions } from './options.ts';
import { createRng, type Rng } from './prng.ts';

export type Presence = 'ON_QUEUE' | 'BREAK' | 'OFFLINE';

export type Action =
  | { t: number; type: 'presence'; agent: number; presence: Presence }
  | {
      t: number;
      type: 'start';
      key: number;
      mediaType: SimMediaType;
      ani: string;
      queue: number;
      subject?: string;
    }
  | { t: number; type: 'answer'; key: number; agent: number }
  | { t: number; type: 'hold' | 'resume'; key: number }
  | { t: number; type: 'transfer'; key: number; queue: number }
  | { t: number; type: 'disconnect'; key: number; by: 'customer' | 'agent' }
  | { t: number; type: 'abandon'; key: number }
  | { t: number; type: 'wrapup'; key: number; agent: number; code: number };

export interface QueueTruth {
  offered: number;
  answered: number;
  abandoned: number;
  transferredOut: number;
  /** Agent legs wrapped up (tHandle count). */
  handled: number;
  handleMs: number;
  talkMs: number;
  heldMs: number;
  holds: number;
  acwMs: number;
  answerWaitMs: number;
  abandonWaitMs: number;
}

export interface Truth {
  byQueue: QueueTruth[];
  byMediaType: Partial<
    Record<
      SimMediaType,
      { offered: number; answered: number; abandoned: number; handled: number; handleMs: number }
    >
  >;
  byWrapupCode: { handled: number; handleMs: number }[];
  conversations: number;
  presenceChanges: number;
}

const emptyQueue = (): QueueTruth => ({
  offered: 0,
  answered: 0,
  abandoned: 0,
  transferredOut: 0,
  handled: 0,
  handleMs: 0,
  talkMs: 0,
  heldMs: 0,
  holds: 0,
  acwMs: 0,
  answerWaitMs: 0,
  abandonWaitMs: 0,
});

type Ev =
  | { kind: 'arrival' }
  | { kind: 'abandon'; key: number; offerSeq: number }
  | { kind: 'answer'; key: number; agent: number }
  | { kind: 'hold' | 'resume'; key: number }
  | { kind: 'end'; key: number }
  | { kind: 'wrapup'; key: number; agent: number }
  | { kind: 'backFromBreak'; agent: number };

interface Conv {
  key: number;
  mediaType: SimMediaType;
  queue: number;
  offerAt: number;
  offerSeq: number;
  transferred: boolean;
  agent?: number;
  answerAt?: number;
  talkMs?: number;
  heldMs?: number;
  holdAt?: number;
}

export interface EngineShape {
  queues: number;
  wrapupCodes: number;
}

export class SimulationEngine {
  readonly truth: Truth;
  private readonly o: SimulationOptions;
  private readonly rng: Rng;
  private readonly shape: EngineShape;
  private readonly heap: { t: number; seq: number; ev: Ev }[] = [];
  private readonly out: Action[] = [];
  private readonly convs = new Map<number, Conv>();
  private readonly waiting: number[] = [];
  private readonly agentState: ('idle' | 'busy' | 'away')[];
  private seq = 0;
  private nextKey = 1;
  private finished = false;

  constructor(options: SimulationOptions, shape: EngineShape) {
    if (shape.queues < 1 || shape.wrapupCodes < 1)
      throw new Error('the simulation needs at least one queue and one wrap-up code');
    this.o = options;
    this.shape = shape;
    this.rng = createRng(options.seed);
    this.agentState = Array.from({ length: options.agents }, () => 'idle');
    this.truth = {
      byQueue: Array.from({ length: shape.queues }, emptyQueue),
      byMediaType: {},
      byWrapupCode: Array.from({ length: shape.wrapupCodes }, () => ({ handled: 0, handleMs: 0 })),
      conversations: 0,
      presenceChanges: 0,
    };
    for (let a = 0; a < options.agents; a++)
      this.emit({ t: options.startAt, type: 'presence', agent: a, presence: 'ON_QUEUE' });
    this.schedule(options.startAt + this.interArrival(), { kind: 'arrival' });
  }

  /** The next action in time order, or undefined when the simulation is over. */
  next(): Action | undefined {
    while (this.out.length === 0) {
      const top = this.pop();
      if (!top) {
        if (!this.finished) {
          this.finished = true;
          if (this.o.signOffAtEnd) {
            const t = this.lastT;
            for (let a = 0; a < this.o.agents; a++)
              this.emit({ t, type: 'presence', agent: a, presence: 'OFFLINE' });
            continue;
          }
        }
        return undefined;
      }
      this.lastT = top.t;
      this.handle(top.t, top.ev);
    }
    return this.out.shift();
  }

  private lastT = 0;

  private handle(t: number, ev: Ev): void {
    switch (ev.kind) {
      case 'arrival':
        return this.arrival(t);
      case 'abandon': {
        const c = this.convs.get(ev.key);
        const i = this.waiting.indexOf(ev.key);
        if (!c || i < 0 || c.offerSeq !== ev.offerSeq) return;
        this.waiting.splice(i, 1);
        this.emit({ t, type: 'abandon', key: c.key });
        const q = this.q(c.queue);
        q.abandoned++;
        q.abandonWaitMs += t - c.offerAt;
        this.media(c.mediaType).abandoned++;
        this.convs.delete(c.key);
        return;
      }
      case 'answer':
        return this.answer(t, ev.key, ev.agent);
      case 'hold':
      case 'resume': {
        const c = this.convs.get(ev.key);
        if (!c) return;
        this.emit({ t, type: ev.kind, key: c.key });
        return;
      }
      case 'end':
        return this.end(t, ev.key);
      case 'wrapup':
        return this.wrapup(t, ev.key, ev.agent);
      case 'backFromBreak':
        this.agentState[ev.agent] = 'idle';
        this.emit({ t, type: 'presence', agent: ev.agent, presence: 'ON_QUEUE' });
        this.truth.presenceChanges++;
        return this.dispatch(t);
      default: {
        const never: never = ev;
        return never;
      }
    }
  }

  private arrival(t: number): void {
    const mediaType = this.pickMedia();
    const key = this.nextKey++;
    const queue = this.rng.int(0, this.shape.queues - 1);
    const ani = mediaType === 'email' ? this.pickEmail() : this.pickAni();
    this.emit({
      t,
      type: 'start',
      key,
      mediaType,
      ani,
      queue,
      ...(mediaType === 'email' ? { subject: this.rng.pick(SUBJECTS) } : {}),
    });
    this.truth.conversations++;
    this.offer(t, { key, mediaType, queue, offerAt: t, offerSeq: 0, transferred: false });
    const nextT = t + this.interArrival();
    if (nextT < this.o.startAt + this.o.durationMs) this.schedule(nextT, { kind: 'arrival' });
  }

  private offer(t: number, c: Conv): void {
    c.offerAt = t;
    c.offerSeq++;
    this.convs.set(c.key, c);
    this.q(c.queue).offered++;
    this.media(c.mediaType).offered++;
    this.waiting.push(c.key);
    if (c.mediaType !== 'email')
      this.schedule(t + this.rng.exp(this.o.patienceMeanMs, 1_000), {
        kind: 'abandon',
        key: c.key,
        offerSeq: c.offerSeq,
      });
    this.dispatch(t);
  }

  /** Longest-waiting conversation to the first idle agent; the agent answers after ringing. */
  private dispatch(t: number): void {
    while (this.waiting.length > 0) {
      const agent = this.agentState.indexOf('idle');
      if (agent < 0) return;
      const key = this.waiting.shift();
      if (key === undefined) return;
      this.agentState[agent] = 'busy';
      this.schedule(t + this.rng.int(this.o.ringMs.min, this.o.ringMs.max), { kind: 'answer', key, agent });
    }
  }

  private answer(t: number, key: number, agent: number): void {
    const c = this.convs.get(key);
    if (!c) return;
    c.agent = agent;
    c.answerAt = t;
    this.emit({ t, type: 'answer', key, agent });
    const q = this.q(c.queue);
    q.answered++;
    q.answerWaitMs += t - c.offerAt;
    this.media(c.mediaType).answered++;
    const talk =
      c.mediaType === 'email'
        ? this.rng.exp(this.o.emailHandleMeanMs, 10_000)
        : this.rng.exp(this.o.talkMeanMs, 5_000);
    let held = 0;
    if (c.mediaType !== 'email' && this.rng.chance(this.o.holdProbability)) {
      const holdAt = t + Math.max(1, Math.round(talk * 0.4));
      held = this.rng.exp(this.o.holdMeanMs, 1_000);
      this.schedule(holdAt, { kind: 'hold', key });
      this.schedule(holdAt + held, { kind: 'resume', key });
    }
    c.talkMs = talk;
    c.heldMs = held;
    this.schedule(t + talk + held, { kind: 'end', key });
  }

  private end(t: number, key: number): void {
    const c = this.convs.get(key);
    if (!c || c.agent === undefined) return;
    const q = this.q(c.queue);
    q.talkMs += c.talkMs ?? 0;
    q.heldMs += c.heldMs ?? 0;
    if ((c.heldMs ?? 0) > 0) q.holds++;
    const agent = c.agent;
    const canTransfer = !c.transferred && this.shape.queues > 1 && c.mediaType !== 'email';
    if (canTransfer && this.rng.chance(this.o.transferProbability)) {
      let target = this.rng.int(0, this.shape.queues - 2);
      if (target >= c.queue) target++;
      this.emit({ t, type: 'transfer', key, queue: target });
      q.transferredOut++;
      // The agent's leg is wrapped up against the original queue; the conversation waits again.
      const leg = { queue: c.queue, mediaType: c.mediaType, talk: c.talkMs ?? 0, held: c.heldMs ?? 0 };
      this.scheduleWrapup(t, key, agent, leg);
      this.offer(t, {
        key,
        mediaType: c.mediaType,
        queue: target,
        offerAt: t,
        offerSeq: c.offerSeq,
        transferred: true,
      });
      return;
    }
    this.emit({
      t,
      type: 'disconnect',
      key,
      by: this.rng.chance(this.o.agentHangupProbability) ? 'agent' : 'customer',
    });
    this.scheduleWrapup(t, key, agent, {
      queue: c.queue,
      mediaType: c.mediaType,
      talk: c.talkMs ?? 0,
      held: c.heldMs ?? 0,
    });
    this.convs.delete(key);
  }

  private readonly legs = new Map<
    string,
    { queue: number; mediaType: SimMediaType; talk: number; held: number; endAt: number }
  >();

  private scheduleWrapup(
    t: number,
    key: number,
    agent: number,
    leg: { queue: number; mediaType: SimMediaType; talk: number; held: number },
  ): void {
    this.legs.set(`${key}:${agent}`, { ...leg, endAt: t });
    this.schedule(t + this.rng.exp(this.o.acwMeanMs, 1_000), { kind: 'wrapup', key, agent });
  }

  private wrapup(t: number, key: number, agent: number): void {
    const leg = this.legs.get(`${key}:${agent}`);
    if (!leg) return;
    this.legs.delete(`${key}:${agent}`);
    const code = this.rng.int(0, this.shape.wrapupCodes - 1);
    this.emit({ t, type: 'wrapup', key, agent, code });
    const acw = t - leg.endAt;
    const handle = leg.talk + leg.held + acw;
    const q = this.q(leg.queue);
    q.handled++;
    q.acwMs += acw;
    q.handleMs += handle;
    const m = this.media(leg.mediaType);
    m.handled++;
    m.handleMs += handle;
    const w = this.truth.byWrapupCode[code];
    if (w) {
      w.handled++;
      w.handleMs += handle;
    }
    if (this.rng.chance(this.o.breakProbability)) {
      this.agentState[agent] = 'away';
      this.emit({ t, type: 'presence', agent, presence: 'BREAK' });
      this.truth.presenceChanges++;
      this.schedule(t + this.rng.exp(this.o.breakMeanMs, 60_000), { kind: 'backFromBreak', agent });
      return;
    }
    this.agentState[agent] = 'idle';
    this.dispatch(t);
  }

  private q(i: number): QueueTruth {
    const q = this.truth.byQueue[i];
    if (!q) throw new Error(`queue index ${i} out of range`);
    return q;
  }

  private media(m: SimMediaType) {
    return (this.truth.byMediaType[m] ??= { offered: 0, answered: 0, abandoned: 0, handled: 0, handleMs: 0 });
  }

  private interArrival(): number {
    return this.rng.exp(60_000 / this.o.callsPerMinute, 1);
  }

  private pickMedia(): SimMediaType {
    const entries = Object.entries(this.o.mediaMix).filter(([, w]) => w > 0) as [SimMediaType, number][];
    const total = entries.reduce((s, [, w]) => s + w, 0);
    let r = this.rng.next() * total;
    for (const [m, w] of entries) {
      if ((r -= w) < 0) return m;
    }
    return entries[entries.length - 1]?.[0] ?? 'voice';
  }

  private pickAni(): string {
    if (this.o.anis.length > 0) return this.rng.pick(this.o.anis);
    return `+1555${String(this.rng.int(0, 9_999_999)).padStart(7, '0')}`;
  }

  private pickEmail(): string {
    if (this.o.emailAddresses.length > 0) return this.rng.pick(this.o.emailAddresses);
    return `customer${this.rng.int(1, 500)}@example.com`;
  }

  private emit(a: Action): void {
    this.out.push(a);
  }

  private schedule(t: number, ev: Ev): void {
    const h = this.heap;
    h.push({ t, seq: this.seq++, ev });
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(i, p)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }

  private pop(): { t: number; seq: number; ev: Ev } | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.less(l, m)) m = l;
        if (r < h.length && this.less(r, m)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }

  private less(a: number, b: number): boolean {
    const x = this.heap[a]!;
    const y = this.heap[b]!;
    return x.t < y.t || (x.t === y.t && x.seq < y.seq);
  }
}

const SUBJECTS = [
  'Card blocked',
  'Question about my invoice',
  'Change of address',
  'Complaint',
  'Request a callback',
] as const;
