/**
 * The real-time agent presence dashboard (seed Pattern 3). One replica owns the Genesys feed
 * (`runWhileLeader`); it keeps the board in memory, writes it to `presence_agents` and pushes changes
 * to browsers. Other replicas read the table and push what changed.
 */
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { GenesysConnector } from '../../connectors/genesys/client.ts';
import type { Config } from '../../platform/config/load.ts';
import type { Leadership } from '../../platform/leader/index.ts';
import type { Store } from '../../platform/store/index.ts';
import { startPresenceFeed, type PresenceFeed } from './feed.ts';
import { Board, type Agent } from './model.ts';
import { createPushHub, registerPresenceRoutes, type GenesysLogin } from './routes.ts';
import { deleteAgentsExcept, loadAgents, saveAgents } from './store.ts';

export { presenceMigrations } from './store.ts';
export type { GenesysLogin } from './routes.ts';

export interface PresenceDeps {
  config: Config;
  log: Logger;
  store: Store;
  app: FastifyInstance;
  leadership: Leadership;
  genesys: GenesysConnector | undefined;
  login: GenesysLogin | undefined;
  now?: () => number;
}

export interface Presence {
  board: Board;
  feed(): PresenceFeed | undefined;
  stale(): boolean;
  clients(): number;
}

export async function registerPresence(d: PresenceDeps): Promise<Presence> {
  const now = d.now ?? Date.now;
  const log = d.log.child({ feature: 'presence' });
  const board = new Board();
  const push = createPushHub();
  let feed: PresenceFeed | undefined;
  let stale = true;
  const dirty = new Map<string, Agent>();
  let lastRead = -1;

  const view = (a: Agent) => ({ ...a });
  await registerPresenceRoutes(d.app, {
    store: d.store,
    now,
    publicUrl: d.config.raw.PATCHBAY_PUBLIC_URL,
    login: d.login,
    push,
    snapshot: () => ({ stale, agents: [...board.agents.values()].map(view) }),
  });

  const setStale = (s: boolean) => {
    stale = s;
    push.broadcast({ type: 'feed', stale: s });
  };

  // Persist changes in batches (20 changes/s must not mean 20 transactions/s).
  const flush = async () => {
    if (dirty.size === 0) return;
    const batch = [...dirty.values()];
    dirty.clear();
    await d.store.transaction((trx) => saveAgents(trx, batch, now()));
  };
  let flushing: NodeJS.Timeout | undefined;
  let follower: NodeJS.Timeout | undefined;

  if (d.genesys && d.config.presence.enabled) {
    const genesys = d.genesys;
    // Last known state first, shown as stale until the feed is up.
    for (const a of await loadAgents(d.store.db)) board.agents.set(a.id, { ...a });
    d.leadership.runWhileLeader('presence-feed', async () => {
      if (follower) clearInterval(follower);
      follower = undefined;
      feed = await startPresenceFeed({
        genesys,
        log,
        board,
        pollMs: d.config.presence.pollMs,
        onChange: (a) => {
          dirty.set(a.id, a);
          push.broadcast({ type: 'agent', agent: view(a) });
        },
        onRoster: () => {
          for (const a of board.agents.values()) dirty.set(a.id, a);
          void deleteAgentsExcept(d.store.db, new Set(board.agents.keys())).catch((err: unknown) =>
            log.warn({ err }, 'could not prune removed agents'),
          );
          push.broadcast({ type: 'snapshot', stale, agents: [...board.agents.values()].map(view) });
        },
        onStale: setStale,
      });
      flushing = setInterval(
        () => void flush().catch((err: unknown) => log.warn({ err }, 'presence flush failed')),
        500,
      );
      return async () => {
        if (flushing) clearInterval(flushing);
        await feed?.stop();
        feed = undefined;
        await flush().catch(() => {});
        startFollower();
      };
    });
    startFollower();
  }

  /** Not the leader: follow the table the leader writes. */
  function startFollower(): void {
    if (follower) return;
    follower = setInterval(() => {
      if (feed) return;
      void loadAgents(d.store.db, lastRead)
        .then((rows) => {
          for (const r of rows) {
            lastRead = Math.max(lastRead, r.updatedAt);
            const { updatedAt: _u, ...a } = r;
            board.agents.set(a.id, a);
            push.broadcast({ type: 'agent', agent: a });
          }
        })
        .catch((err: unknown) => log.warn({ err }, 'presence follow failed'));
    }, 1000);
    follower.unref();
  }

  d.app.addHook('onClose', async () => {
    if (follower) clearInterval(follower);
    if (flushing) clearInterval(flushing);
    for (const c of push.clients) c.terminate();
  });

  return { board, feed: () => feed, stale: () => stale, clients: () => push.clients.size };
}
