/**
 * Notification channels and their WebSockets, with the platform's documented limits:
 * one socket per channel (a second connection drops the first), 20 channels per user/app
 * (a 21st removes the least recently used, unconnected channels first), 1,000 topics per
 * channel, a channel lifetime extended by (re)subscribing, heartbeats, `{"message":"ping"}`
 * → pong, and `v2.system.socket_closing` before the service closes a socket.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';

export interface HubOptions {
  now: () => number;
  /** ws:// base of this server, read lazily because the port is known only after listen. */
  wsBase: () => string;
  heartbeatIntervalMs: number;
  channelLifetimeMs: number;
  /** How long before closing a socket the `v2.system.socket_closing` warning is sent. */
  closingWarningMs: number;
  maxChannelsPerClient: number;
}

export interface Channel {
  id: string;
  /** The user/app combination the 20-channel limit counts against. */
  ownerKey: string;
  token: string;
  createdAt: number;
  expiresAt: number;
  lastUsedAt: number;
  topics: Set<string>;
  socket?: WebSocket;
  heartbeat?: NodeJS.Timeout;
  warned: boolean;
}

export class NotificationHub {
  private readonly channels = new Map<string, Channel>();
  private readonly byTopic = new Map<string, Set<string>>();
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly opts: HubOptions;
  /** Every envelope sent, for the request log of pushes (bounded). */
  readonly sent: { at: number; channelId: string; topicName: string }[] = [];

  constructor(opts: HubOptions) {
    this.opts = opts;
  }

  create(ownerKey: string, token: string): Channel {
    const mine = [...this.channels.values()].filter((c) => c.ownerKey === ownerKey);
    if (mine.length >= this.opts.maxChannelsPerClient) {
      // The platform removes the channel with the oldest last-used date, unconnected channels first.
      const victim = [...mine].sort(
        (a, b) =>
          Number(a.socket !== undefined) - Number(b.socket !== undefined) || a.lastUsedAt - b.lastUsedAt,
      )[0];
      if (victim !== undefined) this.remove(victim.id, 'Channel removed: channel limit reached');
    }
    const now = this.opts.now();
    const id = `streaming-0-${randomBytes(16).toString('hex').slice(0, 26)}`;
    const channel: Channel = {
      id,
      ownerKey,
      token,
      createdAt: now,
      expiresAt: now + this.opts.channelLifetimeMs,
      lastUsedAt: now,
      topics: new Set(),
      warned: false,
    };
    this.channels.set(id, channel);
    return channel;
  }

  get(id: string): Channel | undefined {
    return this.channels.get(id);
  }

  list(filter: (c: Channel) => boolean): Channel[] {
    return [...this.channels.values()].filter(filter);
  }

  connectUri(c: Channel): string {
    return `${this.opts.wsBase()}/channels/${c.id}`;
  }

  /** Replace the channel's topics; subscribing extends the channel's life. */
  setTopics(c: Channel, topics: readonly string[]): void {
    for (const t of c.topics) this.byTopic.get(t)?.delete(c.id);
    c.topics = new Set(topics);
    for (const t of c.topics) {
      let s = this.byTopic.get(t);
      if (s === undefined) this.byTopic.set(t, (s = new Set()));
      s.add(c.id);
    }
    const now = this.opts.now();
    c.lastUsedAt = now;
    c.expiresAt = now + this.opts.channelLifetimeMs;
    c.warned = false;
  }

  /** Deliver to every connected channel subscribed to the topic; returns how many sockets got it. */
  publish(topicName: string, eventBody: unknown): number {
    let n = 0;
    for (const id of this.byTopic.get(topicName) ?? []) {
      const c = this.channels.get(id);
      if (
        c?.socket !== undefined &&
        this.send(c, { topicName, version: '2', eventBody, metadata: { CorrelationId: randomUUID() } })
      )
        n++;
    }
    return n;
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const m = /^\/channels\/([^/?]+)/.exec(req.url ?? '');
    const channel = m?.[1] !== undefined ? this.channels.get(decodeURIComponent(m[1])) : undefined;
    if (channel === undefined) {
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.attach(channel, ws));
  }

  private attach(c: Channel, ws: WebSocket): void {
    // One WebSocket per channel: a second connection drops the first.
    if (c.socket !== undefined) this.detach(c, 4000, 'Another connection was opened for this channel');
    c.socket = ws;
    c.lastUsedAt = this.opts.now();
    c.heartbeat = setInterval(
      () => this.send(c, { topicName: 'channel.metadata', eventBody: { message: 'WebSocket Heartbeat' } }),
      this.opts.heartbeatIntervalMs,
    );
    c.heartbeat.unref();
    ws.on('message', (data) => {
      let msg: unknown;
      try {
        msg = JSON.parse(
          Array.isArray(data)
            ? Buffer.concat(data).toString('utf8')
            : Buffer.from(data as ArrayBuffer).toString('utf8'),
        );
      } catch {
        return;
      }
      if (msg && typeof msg === 'object' && (msg as { message?: unknown }).message === 'ping')
        this.send(c, { topicName: 'channel.metadata', eventBody: { message: 'pong' } });
    });
    ws.on('close', () => {
      if (c.socket === ws) this.clearSocket(c);
    });
    ws.on('error', () => ws.terminate());
  }

  private send(c: Channel, envelope: { topicName: string } & Record<string, unknown>): boolean {
    if (c.socket?.readyState !== WebSocket.OPEN) return false;
    c.socket.send(JSON.stringify(envelope));
    this.sent.push({ at: this.opts.now(), channelId: c.id, topicName: envelope.topicName });
    if (this.sent.length > 10_000) this.sent.splice(0, this.sent.length - 10_000);
    return true;
  }

  private clearSocket(c: Channel): void {
    if (c.heartbeat !== undefined) clearInterval(c.heartbeat);
    delete c.heartbeat;
    delete c.socket;
  }

  private detach(c: Channel, code: number, reason: string): void {
    const ws = c.socket;
    this.clearSocket(c);
    ws?.close(code, reason);
  }

  private warn(c: Channel): void {
    c.warned = true;
    this.send(c, {
      topicName: 'v2.system.socket_closing',
      version: '2',
      eventBody: { message: 'This socket will close soon; open a new one' },
      metadata: { CorrelationId: randomUUID() },
    });
  }

  remove(id: string, reason: string): boolean {
    const c = this.channels.get(id);
    if (c === undefined) return false;
    this.detach(c, 1000, reason);
    for (const t of c.topics) this.byTopic.get(t)?.delete(id);
    this.channels.delete(id);
    return true;
  }

  /**
   * Drop connected sockets (all, or one channel's), as a maintenance close would: when `warn`
   * is set the socket first gets `v2.system.socket_closing`. Channels survive; clients reconnect.
   */
  dropSockets(channelId?: string, warn = true): number {
    let n = 0;
    for (const c of this.channels.values()) {
      if (channelId !== undefined && c.id !== channelId) continue;
      if (c.socket === undefined) continue;
      if (warn) this.warn(c);
      this.detach(c, 1001, 'Socket closed by the service');
      n++;
    }
    return n;
  }

  /** Warn sockets of channels about to expire and remove expired channels. */
  sweep(): void {
    const now = this.opts.now();
    for (const c of [...this.channels.values()]) {
      if (now >= c.expiresAt) {
        if (!c.warned) this.warn(c);
        this.remove(c.id, 'Channel expired');
      } else if (!c.warned && now >= c.expiresAt - this.opts.closingWarningMs) this.warn(c);
    }
  }

  clear(): void {
    for (const id of [...this.channels.keys()]) this.remove(id, 'Sandbox reset');
    this.byTopic.clear();
  }

  close(): void {
    this.clear();
    for (const ws of this.wss.clients) ws.terminate();
    this.wss.close();
  }
}
