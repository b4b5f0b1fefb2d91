/**
 * The durable event log behind streaming: every channel keeps its events with replay IDs for the
 * retention window (PushTopic 24 h, Change Data Capture 72 h), so a subscriber can resume with
 * -1 (new only), -2 (all retained) or the last replay ID it saw.
 */
import { SfError } from './errors.ts';

export interface StoredEvent {
  replayId: number;
  at: number;
  channel: string;
  data: Record<string, unknown>;
}

export const RETENTION_MS = { pushTopic: 24 * 3600_000, cdc: 72 * 3600_000 } as const;

export class EventLog {
  private readonly byChannel = new Map<string, StoredEvent[]>();
  private readonly purgedUpTo = new Map<string, number>();
  private nextReplayId = 1;
  private readonly now: () => number;

  constructor(now: () => number) {
    this.now = now;
  }

  append(channel: string, build: (replayId: number) => Record<string, unknown>): StoredEvent {
    const replayId = this.nextReplayId++;
    const ev: StoredEvent = { replayId, at: this.now(), channel, data: build(replayId) };
    let list = this.byChannel.get(channel);
    if (!list) this.byChannel.set(channel, (list = []));
    list.push(ev);
    this.purge(channel);
    return ev;
  }

  private retention(channel: string): number {
    return channel.startsWith('/topic/') ? RETENTION_MS.pushTopic : RETENTION_MS.cdc;
  }

  private purge(channel: string): void {
    const list = this.byChannel.get(channel);
    if (!list) return;
    const cutoff = this.now() - this.retention(channel);
    let i = 0;
    while (i < list.length && (list[i]?.at ?? 0) < cutoff) i++;
    if (i > 0) {
      this.purgedUpTo.set(channel, list[i - 1]?.replayId ?? 0);
      list.splice(0, i);
    }
  }

  /** Events to replay for a subscription's `replayFrom`. */
  replay(channel: string, replayFrom: number): StoredEvent[] {
    this.purge(channel);
    const list = this.byChannel.get(channel) ?? [];
    if (replayFrom === -1) return [];
    if (replayFrom === -2) return [...list];
    if (!Number.isInteger(replayFrom) || replayFrom < (this.purgedUpTo.get(channel) ?? 0)) {
      throw new SfError(
        'INVALID_REPLAY_ID',
        `400::The replayId {${replayFrom}} you provided was invalid. Please provide a valid ID, -2 to replay all events, or -1 to replay only new events.`,
      );
    }
    return list.filter((e) => e.replayId > replayFrom);
  }

  clear(): void {
    this.byChannel.clear();
    this.purgedUpTo.clear();
  }
}
