/**
 * Runs the simulation against a Genesys emulator: pulls actions from the engine in time order,
 * waits on the clock (accelerated, real or instant), and performs each one over HTTP. The result
 * carries the engine's ground truth keyed by the emulator's queue and wrap-up code ids.
 */
import { createClock } from './clock.ts';
import { SimulationEngine, type Action, type QueueTruth, type Truth } from './engine.ts';
import { ControlError, GenesysSimClient, type GenesysTarget } from './genesys-client.ts';
import { resolveOptions, type SimulationOptions } from './options.ts';

export interface SimulatorConfig extends Partial<SimulationOptions> {
  genesys: GenesysTarget;
  /** Virtual-time speed-up: 1 = real time, 60 = a minute per second, Infinity = as fast as possible (default). */
  speed?: number;
  /** Stops the run early (the result then covers what was done). */
  signal?: AbortSignal;
  /** Called (and awaited) after each action; `conversationId` is the emulator's id of the action's conversation. */
  onAction?: (a: Action, index: number, conversationId?: string) => void | Promise<void>;
}

export interface GroundTruth {
  conversations: number;
  presenceChanges: number;
  byQueue: Record<string, QueueTruth>;
  byMediaType: Truth['byMediaType'];
  byWrapupCode: Record<string, { handled: number; handleMs: number }>;
  totals: QueueTruth;
}

export interface SimulationResult {
  startAt: number;
  /** Virtual time of the last action. */
  endAt: number;
  actions: number;
  aborted: boolean;
  /** Emulator conversation ids, in start order. */
  conversationIds: string[];
  /** Agents used (user ids), in directory order. */
  agentIds: string[];
  presence: 'applied' | 'skipped (no credentials)' | 'skipped (failed)';
  errors: { action: Action; status: number; message: string }[];
  truth: GroundTruth;
}

export interface Simulator {
  run(): Promise<SimulationResult>;
}

export function createSimulator(config: SimulatorConfig): Simulator {
  const { genesys, speed = Infinity, signal, onAction, ...partial } = config;
  const options = resolveOptions(partial);
  const client = new GenesysSimClient(genesys);
  return {
    async run() {
      const dir = await client.directory();
      if (dir.users.length === 0 || dir.queues.length === 0 || dir.wrapupCodes.length === 0)
        throw new Error('the Genesys emulator needs users, queues and wrap-up codes (seed it first)');
      const agentIds = dir.users.slice(0, options.agents).map((u) => u.id);
      const queueIds = dir.queues.slice(0, Math.max(1, options.queues ?? dir.queues.length)).map((q) => q.id);
      const codeIds = dir.wrapupCodes.map((w) => w.id);
      // Fewer users than requested agents: simulate with the users there are.
      const engine = new SimulationEngine(
        { ...options, agents: agentIds.length },
        { queues: queueIds.length, wrapupCodes: codeIds.length },
      );
      const clock = createClock(options.startAt, speed);
      const ids = new Map<number, string>();
      const errors: SimulationResult['errors'] = [];
      let presence: SimulationResult['presence'] = client.canSetPresence
        ? 'applied'
        : 'skipped (no credentials)';
      let count = 0;
      let endAt = options.startAt;
      let aborted = false;
      for (let a = engine.next(); a; a = engine.next()) {
        if (!(await clock.until(a.t, signal))) {
          aborted = true;
          break;
        }
        try {
          if (a.type === 'presence') {
            if (presence !== 'applied') continue;
            const user = agentIds[a.agent];
            if (user) await client.setPresence(user, a.presence);
          } else {
            const id = await perform(client, a, ids, agentIds, queueIds, codeIds);
            if (id) ids.set(a.key, id);
          }
        } catch (err) {
          const status = err instanceof ControlError ? err.status : 0;
          if (a.type === 'presence') presence = 'skipped (failed)';
          errors.push({ action: a, status, message: err instanceof Error ? err.message : String(err) });
        }
        count++;
        endAt = a.t;
        await onAction?.(a, count, a.type === 'presence' ? undefined : ids.get(a.key));
      }
      return {
        startAt: options.startAt,
        endAt,
        actions: count,
        aborted,
        conversationIds: [...ids.values()],
        agentIds,
        presence,
        errors,
        truth: keyTruth(engine.truth, queueIds, codeIds),
      };
    },
  };
}

export function runSimulation(config: SimulatorConfig): Promise<SimulationResult> {
  return createSimulator(config).run();
}

async function perform(
  client: GenesysSimClient,
  a: Exclude<Action, { type: 'presence' }>,
  ids: Map<number, string>,
  agents: string[],
  queues: string[],
  codes: string[],
): Promise<string | undefined> {
  if (a.type === 'start') {
    const c = await client.control('', {
      mediaType: a.mediaType,
      ani: a.ani,
      queueId: queues[a.queue],
      at: a.t,
      ...(a.subject !== undefined ? { subject: a.subject } : {}),
    });
    return c.id;
  }
  const id = ids.get(a.key);
  if (!id) throw new ControlError(0, `conversation ${a.key} was never started`);
  const path = `/${id}/${a.type}`;
  switch (a.type) {
    case 'answer':
      await client.control(path, { userId: agents[a.agent], at: a.t });
      break;
    case 'hold':
    case 'resume':
    case 'abandon':
      await client.control(path, { at: a.t });
      break;
    case 'transfer':
      await client.control(path, { queueId: queues[a.queue], at: a.t });
      break;
    case 'disconnect':
      await client.control(path, { by: a.by, at: a.t });
      break;
    case 'wrapup':
      await client.control(path, { code: codes[a.code], userId: agents[a.agent], at: a.t });
      break;
    default: {
      const never: never = a;
      return never;
    }
  }
  return undefined;
}

function keyTruth(t: Truth, queueIds: string[], codeIds: string[]): GroundTruth {
  const totals = t.byQueue.reduce<QueueTruth>(
    (acc, q) => {
      for (const k of Object.keys(acc) as (keyof QueueTruth)[]) acc[k] += q[k];
      return acc;
    },
    Object.fromEntries(Object.keys(t.byQueue[0] ?? {}).map((k) => [k, 0])) as unknown as QueueTruth,
  );
  return {
    conversations: t.conversations,
    presenceChanges: t.presenceChanges,
    byQueue: Object.fromEntries(t.byQueue.map((q, i) => [queueIds[i] ?? String(i), q])),
    byMediaType: t.byMediaType,
    byWrapupCode: Object.fromEntries(t.byWrapupCode.map((w, i) => [codeIds[i] ?? String(i), w])),
    totals,
  };
}
