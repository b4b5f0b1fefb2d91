/**
 * Sends conversation-end deliveries to the configured targets with the sender's retries (5xx, 429,
 * timeouts and connection errors are retried; other 4xx are final) and keeps a delivery log.
 */
import { randomUUID } from 'node:crypto';
import type { DeliveryKind, DeliveryTarget } from './delivery-targets.ts';
import { signGenesysWebhook, signStandardWebhook, standardWebhooksEnvelope } from './delivery-payloads.ts';

export interface DeliveryAttempt {
  seq: number;
  deliveryId: string;
  targetId: string;
  kind: DeliveryKind;
  conversationId: string;
  attempt: number;
  at: number;
  url: string;
  status?: number;
  error?: string;
  outcome: 'delivered' | 'retrying' | 'failed';
  /** Request headers as sent (credentials masked). */
  headers: Record<string, string>;
  body: string;
}

export interface SenderOptions {
  now(): number;
  sleep?: (ms: number) => Promise<void>;
  logCapacity?: number;
}

export class DeliverySender {
  private readonly log: DeliveryAttempt[] = [];
  private readonly pending = new Set<Promise<void>>();
  private seq = 0;
  private readonly opts: Required<SenderOptions>;

  constructor(opts: SenderOptions) {
    this.opts = { sleep: (ms) => new Promise((r) => setTimeout(r, ms)), logCapacity: 10_000, ...opts };
  }

  /** Queue one delivery; it runs in the background (await `settle()` to wait for all). */
  send(target: DeliveryTarget, conversationId: string, payload: Record<string, unknown>): void {
    const p = this.deliver(target, conversationId, payload).finally(() => this.pending.delete(p));
    this.pending.add(p);
  }

  async settle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  entries(filter: { conversationId?: string; targetId?: string } = {}): DeliveryAttempt[] {
    return this.log.filter(
      (e) =>
        (filter.conversationId === undefined || e.conversationId === filter.conversationId) &&
        (filter.targetId === undefined || e.targetId === filter.targetId),
    );
  }

  clear(): void {
    this.log.length = 0;
  }

  private async deliver(
    target: DeliveryTarget,
    conversationId: string,
    payload: Record<string, unknown>,
  ): Promise<void> {
    const deliveryId = `msg_${randomUUID().replaceAll('-', '')}`;
    for (let attempt = 1; attempt <= target.maxAttempts; attempt++) {
      const { headers, body } = this.request(target, deliveryId, payload);
      const started = this.opts.now();
      let status: number | undefined;
      let error: string | undefined;
      try {
        const res = await fetch(target.url, {
          method: 'POST',
          headers,
          body,
          signal: AbortSignal.timeout(target.timeoutMs),
        });
        status = res.status;
        await res.arrayBuffer();
      } catch (err) {
        error =
          err instanceof Error
            ? err.name === 'TimeoutError'
              ? `no response within ${target.timeoutMs} ms`
              : err.message
            : String(err);
      }
      const ok = status !== undefined && status >= 200 && status < 300;
      const retryable = !ok && (status === undefined || status >= 500 || status === 429);
      const last = attempt === target.maxAttempts || !retryable;
      this.record({
        deliveryId,
        targetId: target.id,
        kind: target.kind,
        conversationId,
        attempt,
        at: started,
        url: target.url,
        ...(status !== undefined ? { status } : {}),
        ...(error !== undefined ? { error } : {}),
        outcome: ok ? 'delivered' : last ? 'failed' : 'retrying',
        headers: maskHeaders(headers),
        body,
      });
      if (ok || last) return;
      const delays = target.retryDelaysMs;
      await this.opts.sleep(delays[Math.min(attempt - 1, delays.length - 1)] ?? 0);
    }
  }

  private request(
    target: DeliveryTarget,
    deliveryId: string,
    payload: Record<string, unknown>,
  ): { headers: Record<string, string>; body: string } {
    const nowMs = this.opts.now();
    const seconds = String(Math.floor(nowMs / 1000));
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'Genesys-Cloud-Sandbox/1.0',
      ...target.headers,
    };
    if (target.basicAuth)
      headers.authorization = `Basic ${Buffer.from(`${target.basicAuth.username}:${target.basicAuth.password}`).toString('base64')}`;
    switch (target.kind) {
      case 'genesys-webhook': {
        const body = JSON.stringify(payload);
        headers['x-genesys-webhook-timestamp'] = seconds;
        headers['x-genesys-webhook-signature'] = signGenesysWebhook(target.secret ?? '', seconds, body);
        return { headers, body };
      }
      case 'standard-webhooks': {
        const body = JSON.stringify(standardWebhooksEnvelope(payload, nowMs));
        headers['webhook-id'] = deliveryId;
        headers['webhook-timestamp'] = seconds;
        headers['webhook-signature'] = signStandardWebhook(target.secret ?? '', deliveryId, seconds, body);
        return { headers, body };
      }
      case 'support-result':
        return { headers, body: JSON.stringify(payload) };
      default: {
        const never: never = target.kind;
        return never;
      }
    }
  }

  private record(entry: Omit<DeliveryAttempt, 'seq'>): void {
    this.log.push({ ...entry, seq: ++this.seq });
    if (this.log.length > this.opts.logCapacity) this.log.splice(0, this.log.length - this.opts.logCapacity);
  }
}

function maskHeaders(h: Record<string, string>): Record<string, string> {
  const out = { ...h };
  if (out.authorization !== undefined) out.authorization = '***';
  return out;
}
