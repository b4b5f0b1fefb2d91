/**
 * The presence feed: subscribes every agent's presence and routing status through Genesys
 * notification channels (planned within the limits), keeps each channel's socket up (reconnect with
 * backoff, a fresh socket on `v2.system.socket_closing`, a new channel if the old one is gone),
 * extends channels before they expire, polls bulk presence for agents whose socket is down (and
 * once after each reconnect, so no final state is missed), and picks up new and removed users.
 * Its Genesys calls take priority tokens (`genesys.priority`): a new leader sets the feed up within
 * seconds even while bulk jobs run the shared rate limit at its ceiling.
 */
import platformClient from 'purecloud-platform-client-v2';
import type { Logger } from 'pino';
import { WebSocket } from 'ws';
import type { GenesysConnector } from '../../connectors/genesys/client.ts';
import {
  backoffMs,
  Board,
  normaliseStatus,
  parseEnvelope,
  planChannels,
  topicsFor,
  LIMITS,
  type Agent,
} from './model.ts';

export interface FeedOptions {
  genesys: GenesysConnector;
  log: Logger;
  board: Board;
  pollMs: number;
  onChange(agent: Agent): void;
  onRoster(): void;
  onStale(stale: boolean): void;
  /** Re-read users and queue membership this often (default 5 min). */
  directoryRefreshMs?: number;
  /** Extend channels this long before they expire (default 1 h). */
  renewBeforeMs?: number;
  /** A socket silent this long is considered dead (heartbeats come every ~30 s; default 75 s). */
  silenceMs?: number;
  now?: () => number;
}

interface Channel {
  id: string;
  connectUri: string;
  expiresAt: number;
  userIds: string[];
  ws: WebSocket | undefined;
  up: boolean;
  attempts: number;
  lastMessageAt: number;
  retry: NodeJS.Timeout | undefined;
}

export interface PresenceFeed {
  stale(): boolean;
  channelCount(): number;
  stop(): Promise<void>;
}

export async function startPresenceFeed(o: FeedOptions): Promise<PresenceFeed> {
  const log = o.log.child({ feature: 'presence' });
  const now = o.now ?? Date.now;
  // Priority tokens: the feed's few calls (its setup on takeover above all) must not queue behind
  // bulk jobs that keep the shared Genesys bucket empty.
  const g = o.genesys.priority;
  const channels: Channel[] = [];
  let uncovered: string[] = [];
  let stopped = false;
  let lastStale: boolean | undefined;
  const timers: NodeJS.Timeout[] = [];

  const stale = () => channels.some((c) => !c.up);
  const reportStale = () => {
    const s = stale();
    if (s !== lastStale) {
      lastStale = s;
      o.onStale(s);
    }
  };

  async function loadDirectory(): Promise<Map<string, { name: string; team: string; queues: string[] }>> {
    const users = new Map<string, { name: string; team: string; queues: string[] }>();
    for (let page = 1; page <= 200; page++) {
      const res = await g.call('listUsers', () =>
        g.api(platformClient.UsersApi).getUsers({ pageSize: 500, pageNumber: page, state: 'active' }),
      );
      for (const u of res.entities ?? [])
        if (u.id) users.set(u.id, { name: u.name ?? u.id, team: u.department ?? '', queues: [] });
      if ((res.entities ?? []).length < 500) break;
    }
    for (let page = 1; page <= 50; page++) {
      const res = await g.call('listQueues', () =>
        g.api(platformClient.RoutingApi).getRoutingQueues({ pageSize: 100, pageNumber: page }),
      );
      for (const q of res.entities ?? []) {
        if (!q.id) continue;
        for (let mp = 1; mp <= 100; mp++) {
          const members = await g.call('listQueueMembers', () =>
            g
              .api(platformClient.RoutingApi)
              .getRoutingQueueMembers(q.id as string, { pageSize: 100, pageNumber: mp }),
          );
          for (const m of members.entities ?? []) {
            const u = users.get(m.id ?? m.user?.id ?? '');
            if (u) u.queues.push(q.name ?? q.id);
          }
          if ((members.entities ?? []).length < 100) break;
        }
      }
      if ((res.entities ?? []).length < 100) break;
    }
    return users;
  }

  async function poll(userIds: readonly string[]): Promise<void> {
    if (userIds.length === 0) return;
    const presences = await g.bulkPresence(userIds);
    for (const p of presences) {
      const userId = (p as { userId?: string }).userId;
      if (!userId) continue;
      const at = Date.parse(String(p.modifiedDate ?? ''));
      const a = o.board.apply({
        kind: 'presence',
        userId,
        status: normaliseStatus(p.presenceDefinition?.systemPresence),
        since: Number.isNaN(at) ? now() : at,
      });
      if (a) o.onChange(a);
    }
  }

  async function openChannel(userIds: string[]): Promise<Channel> {
    const created = await g.createNotificationChannel();
    const topics = userIds.flatMap(topicsFor);
    await g.subscribe(created.id as string, topics, { replace: true });
    const ch: Channel = {
      id: created.id as string,
      connectUri: created.connectUri as string,
      expiresAt: Date.parse(String(created.expires ?? '')) || now() + 24 * 3_600_000,
      userIds,
      ws: undefined,
      up: false,
      attempts: 0,
      lastMessageAt: now(),
      retry: undefined,
    };
    log.info({ channelId: ch.id, topics: topics.length }, 'presence channel subscribed');
    return ch;
  }

  function connect(ch: Channel): void {
    if (stopped) return;
    const ws = new WebSocket(ch.connectUri);
    const previous = ch.ws;
    ch.ws = ws;
    ws.on('open', () => {
      previous?.terminate();
      ch.up = true;
      ch.attempts = 0;
      ch.lastMessageAt = now();
      // Catch up on what changed while no socket was listening (after a drop, or during a socket
      // swap on socket_closing): the platform does not buffer events for a channel.
      void poll(ch.userIds)
        .catch((err: unknown) => log.warn({ err }, 'catch-up poll failed'))
        .finally(reportStale);
    });
    ws.on('message', (data: Buffer) => {
      ch.lastMessageAt = now();
      let e;
      try {
        e = parseEnvelope(data.toString(), now());
      } catch (err) {
        log.warn({ err }, 'unreadable notification skipped');
        return;
      }
      if (e.kind === 'closing') {
        log.info({ channelId: ch.id }, 'socket_closing: opening a fresh socket');
        connect(ch); // a second socket replaces the first on the platform
        return;
      }
      const a = o.board.apply(e);
      if (a) o.onChange(a);
    });
    ws.on('unexpected-response', (_req, res) => {
      // 404: the channel is gone (expired or evicted) — make a new one.
      if (res.statusCode === 404) ch.expiresAt = 0;
      ws.terminate();
    });
    ws.on('error', () => {});
    ws.on('close', () => {
      if (ch.ws !== ws || stopped) return;
      ch.up = false;
      reportStale();
      if (ch.retry === undefined) scheduleReconnect(ch);
    });
  }

  function scheduleReconnect(ch: Channel): void {
    if (stopped) return;
    ch.attempts++;
    const delay = backoffMs(ch.attempts);
    ch.retry = setTimeout(() => {
      ch.retry = undefined;
      void (async () => {
        if (ch.expiresAt <= now()) {
          try {
            const fresh = await openChannel(ch.userIds);
            Object.assign(ch, { id: fresh.id, connectUri: fresh.connectUri, expiresAt: fresh.expiresAt });
          } catch (err) {
            log.warn({ err, attempt: ch.attempts }, 'could not recreate the presence channel');
            scheduleReconnect(ch);
            return;
          }
        }
        connect(ch);
      })();
    }, delay);
  }

  /** Extends channels close to expiry (re-subscribing extends a channel's life), and kills silent sockets. */
  async function maintain(): Promise<void> {
    const renewBefore = o.renewBeforeMs ?? 3_600_000;
    for (const ch of channels) {
      if (ch.up && ch.expiresAt - now() < renewBefore) {
        await g.subscribe(ch.id, ch.userIds.flatMap(topicsFor), { replace: true });
        ch.expiresAt = now() + 24 * 3_600_000;
        log.info({ channelId: ch.id }, 'presence channel renewed');
      }
      if (ch.up && now() - ch.lastMessageAt > (o.silenceMs ?? 75_000)) {
        log.warn({ channelId: ch.id }, 'presence socket silent; reconnecting');
        ch.ws?.terminate();
      }
    }
  }

  async function syncDirectory(): Promise<void> {
    const users = await loadDirectory();
    let rosterChanged = false;
    for (const [id, u] of users) {
      const a = o.board.agents.get(id);
      if (a) {
        if (a.name !== u.name || a.team !== u.team || a.queues.join() !== u.queues.join())
          rosterChanged = true;
        Object.assign(a, u);
      } else {
        o.board.agents.set(id, { id, ...u, status: 'OFFLINE', routingStatus: '', since: now() });
        rosterChanged = true;
      }
    }
    for (const id of [...o.board.agents.keys()])
      if (!users.has(id)) {
        o.board.agents.delete(id);
        rosterChanged = true;
      }
    const ids = [...users.keys()];
    const covered = new Set(channels.flatMap((c) => c.userIds));
    const added = ids.filter((id) => !covered.has(id));
    // Removed users: drop their topics.
    for (const ch of channels) {
      const keep = ch.userIds.filter((id) => users.has(id));
      if (keep.length !== ch.userIds.length) {
        ch.userIds = keep;
        await g.subscribe(ch.id, keep.flatMap(topicsFor), { replace: true });
      }
    }
    // New users: fill channels with room, then new channels within the limit.
    const perChannel = LIMITS.topicsPerChannel / topicsFor('x').length;
    const pending = [...added];
    for (const ch of channels) {
      const room = perChannel - ch.userIds.length;
      if (room <= 0 || pending.length === 0) continue;
      const take = pending.splice(0, room);
      ch.userIds.push(...take);
      await g.subscribe(ch.id, take.flatMap(topicsFor));
    }
    const plan = planChannels(pending, LIMITS.channelsPerClient - 1 - channels.length);
    for (const group of plan.channels) {
      const ch = await openChannel(group);
      channels.push(ch);
      connect(ch);
    }
    uncovered = plan.uncovered;
    if (uncovered.length > 0)
      log.warn({ uncovered: uncovered.length }, 'more agents than channel limits allow; polling them');
    if (added.length > 0) await poll(added);
    if (rosterChanged) o.onRoster();
  }

  await syncDirectory();
  reportStale();

  timers.push(
    setInterval(() => {
      const down = channels.filter((c) => !c.up).flatMap((c) => c.userIds);
      void poll([...down, ...uncovered]).catch((err: unknown) => log.warn({ err }, 'presence poll failed'));
    }, o.pollMs),
    setInterval(
      () => void maintain().catch((err: unknown) => log.warn({ err }, 'channel upkeep failed')),
      15_000,
    ),
    setInterval(
      () => void syncDirectory().catch((err: unknown) => log.warn({ err }, 'directory refresh failed')),
      o.directoryRefreshMs ?? 300_000,
    ),
  );

  return {
    stale,
    channelCount: () => channels.length,
    async stop() {
      stopped = true;
      for (const t of timers) clearInterval(t);
      for (const ch of channels) {
        if (ch.retry) clearTimeout(ch.retry);
        ch.ws?.terminate();
        ch.up = false;
      }
      o.onStale(true);
    },
  };
}
