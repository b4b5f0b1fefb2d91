/**
 * The conversations part's state and side effects in one place: the store, the inbound flow, the
 * delivery targets and sender, the recording signer. Routes call it; it turns store events into
 * notifications (`ctx.publish`) and deliveries.
 */
import { randomUUID } from 'node:crypto';
import type { GenesysContext } from '../context.ts';
import { DEFAULT_SERVICE_LEVEL, observe, type Observation, type ServiceLevel } from './analytics-facts.ts';
import { conversationEndedPayload, supportResultPayload } from './delivery-payloads.ts';
import { DeliverySender } from './delivery-sender.ts';
import type { DeliveryTarget } from './delivery-targets.ts';
import { DEFAULT_FLOW, type FlowConfig } from './flow-config.ts';
import { runDataAction, type FlowRun } from './flow-runner.ts';
import type { Conversation, MediaType } from './model.ts';
import { publicationsFor } from './notifications.ts';
import { RecordingSigner } from './recordings.ts';
import { ConversationStore, type ConversationEvent, type StoreResult } from './store.ts';

/** Genesys queue `mediaSettings` keys per media type. */
const QUEUE_MEDIA_KEY: Record<MediaType, string> = {
  voice: 'call',
  email: 'email',
  callback: 'callback',
  chat: 'chat',
  message: 'message',
};

export interface ConversationSettings {
  /** Lifetime of recording media URLs. */
  mediaUriTtlSeconds: number;
  /** Division reported on conversations. */
  divisionId: string;
}

export class ConversationsService {
  readonly store = new ConversationStore(() => randomUUID());
  readonly sender: DeliverySender;
  readonly signer = new RecordingSigner();
  flow: FlowConfig = DEFAULT_FLOW;
  targets: DeliveryTarget[] = [];
  settings: ConversationSettings = {
    mediaUriTtlSeconds: 3600,
    divisionId: '00000000-0000-4000-8000-000000000001',
  };
  private readonly ctx: GenesysContext;

  constructor(ctx: GenesysContext) {
    this.ctx = ctx;
    this.sender = new DeliverySender({ now: () => ctx.now() });
  }

  queueName = (id: string): string | undefined => this.ctx.directory.queue(id)?.name;

  serviceLevel = (queueId: string, mediaType: MediaType): ServiceLevel => {
    const sl = this.ctx.directory.queue(queueId)?.mediaSettings[QUEUE_MEDIA_KEY[mediaType]]?.serviceLevel;
    if (!sl) return DEFAULT_SERVICE_LEVEL;
    // The vendor stores the percentage as a fraction (0.8); accept 80 too.
    return { percentage: sl.percentage > 1 ? sl.percentage / 100 : sl.percentage, durationMs: sl.durationMs };
  };

  async start(input: {
    mediaType: MediaType;
    ani: string;
    dnis: string;
    queueId: string;
    subject?: string;
    at: number;
    attributes?: Record<string, string>;
    routing?: { skillIds: string[]; priority: number; languageId?: string };
    provider?: string;
  }): Promise<StoreResult<Conversation> & { flowRun?: FlowRun }> {
    const queue = this.ctx.directory.queue(input.queueId);
    if (!queue)
      return { ok: false, status: 400, code: 'bad.request', message: `Unknown queue ${input.queueId}` };
    const flowRun =
      this.flow.enabled && this.flow.mediaTypes.includes(input.mediaType)
        ? await runDataAction(this.flow, input.ani)
        : undefined;
    const r = this.store.start({
      mediaType: input.mediaType,
      ani: input.ani,
      dnis: input.dnis,
      queue: { id: queue.id, name: queue.name },
      at: input.at,
      divisionId: this.settings.divisionId,
      ...(input.subject !== undefined ? { subject: input.subject } : {}),
      ...(input.attributes ? { attributes: input.attributes } : {}),
      ...(input.routing ? { routing: input.routing } : {}),
      ...(input.provider !== undefined ? { provider: input.provider } : {}),
      ...(flowRun ? { flow: flowRun } : {}),
    });
    return this.apply(r, flowRun);
  }

  /** Publishes notifications and queues deliveries for a successful store change. */
  apply<T>(r: StoreResult<T>, flowRun?: FlowRun): StoreResult<T> & { flowRun?: FlowRun } {
    if (!r.ok) return r;
    for (const e of r.events) this.effects(e);
    return flowRun ? { ...r, flowRun } : r;
  }

  observations(): Observation[] {
    return this.store.list().flatMap((c) => observe(c, this.serviceLevel));
  }

  reset(): void {
    this.store.clear();
    this.flow = DEFAULT_FLOW;
    this.targets = [];
    this.sender.clear();
  }

  private effects(e: ConversationEvent): void {
    for (const p of publicationsFor(e, this.queueName)) this.ctx.publish(p.topicName, p.eventBody);
    const c = e.conversation;
    const applies = (t: DeliveryTarget) => t.mediaTypes.length === 0 || t.mediaTypes.includes(c.mediaType);
    if (e.type === 'acw') {
      for (const t of this.targets)
        if (t.kind === 'support-result' && applies(t))
          this.sender.send(t, c.id, supportResultPayload(c, e.participant));
    }
    if (e.type === 'complete') {
      const names = { user: (id: string) => this.ctx.directory.user(id)?.name, queue: this.queueName };
      for (const t of this.targets)
        if (t.kind !== 'support-result' && applies(t))
          this.sender.send(t, c.id, conversationEndedPayload(c, names));
    }
  }
}
