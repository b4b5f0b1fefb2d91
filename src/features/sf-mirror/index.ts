/**
 * The Salesforce mirror: a local copy of Contacts (with account name and tier) and a table of
 * normalised numbers → contacts, kept current by `sync.ts`. Screen pop reads it; its change feed
 * (`onContactsChanged`) drives the contact sync's CDC mode. Lookups touch only the hub's database.
 *
 * @example
 *   const mirror = createSfMirror({ store, log, metrics, options, source: sf });
 *   leadership.runWhileLeader('sf-mirror', () => mirror.sync.start());
 *   const { contacts, total } = await mirror.findByPhone('+14155550142', 5);
 */
import { Counter, Gauge } from 'prom-client';
import type { Logger } from '../../platform/log/logger.ts';
import type { Metrics } from '../../platform/metrics/registry.ts';
import type { Store } from '../../platform/store/index.ts';
import { createMirrorRepo, stateKeys, type MirrorContact, type MirrorRepo } from './repo.ts';
import { createMirrorSync, type MirrorSource, type MirrorSync, type MirrorSyncOptions } from './sync.ts';

export { sfMirrorMigrations } from './migrations.ts';
export { sfMirrorConfig, type SfMirrorConfig } from './config.ts';
export type { MirrorContact } from './repo.ts';
export type { MirrorSource } from './sync.ts';

export interface SfMirror {
  repo: MirrorRepo;
  /** Undefined when no Salesforce source is configured. */
  sync: MirrorSync | undefined;
  /** True once an initial load has completed (on any replica); cached for a few seconds. */
  isWarm(): Promise<boolean>;
  findByPhone(key: string, limit: number): Promise<{ contacts: MirrorContact[]; total: number }>;
  status(): Promise<{
    warm: boolean;
    loadedAt: number | null;
    lastChangeAt: number | null;
    replayId: string | null;
    contacts: number;
    phones: number;
  }>;
}

export interface SfMirrorDeps {
  store: Store;
  log: Logger;
  metrics?: Pick<Metrics, 'registry'>;
  options: MirrorSyncOptions;
  source?: MirrorSource | undefined;
  now?: () => number;
  /** The change feed: Contact IDs of each applied CDC change. */
  onContactsChanged?: ((ids: readonly string[]) => void) | undefined;
}

const WARM_CACHE_MS = 2_000;

export function createSfMirror(deps: SfMirrorDeps): SfMirror {
  const now = deps.now ?? Date.now;
  const repo = createMirrorRepo(deps.store);
  let warm: { value: boolean; at: number } | undefined;

  const applied = deps.metrics
    ? new Counter({
        name: 'patchbay_sf_mirror_changes_applied_total',
        help: 'Contact versions written to the Salesforce mirror by this process, by source (load, cdc, catchup).',
        labelNames: ['source'] as const,
        registers: [deps.metrics.registry],
      })
    : undefined;
  if (deps.metrics) {
    new Gauge({
      name: 'patchbay_sf_mirror_last_change_age_seconds',
      help: 'Age of the last change applied to the Salesforce mirror (any replica); -1 before the first.',
      registers: [deps.metrics.registry],
      async collect() {
        const v = await repo.getState(stateKeys.lastChangeAt).catch(() => undefined);
        this.set(v === undefined ? -1 : Math.max(0, (now() - Number(v)) / 1000));
      },
    });
    new Gauge({
      name: 'patchbay_sf_mirror_warm',
      help: '1 when the Salesforce mirror has completed its initial load.',
      registers: [deps.metrics.registry],
      async collect() {
        this.set((await mirror.isWarm().catch(() => false)) ? 1 : 0);
      },
    });
  }

  const sync = deps.source
    ? createMirrorSync(deps.options, {
        repo,
        source: deps.source,
        log: deps.log,
        now,
        onApplied: (source, n) => applied?.inc({ source }, n),
        onContactsChanged: deps.onContactsChanged,
      })
    : undefined;

  const mirror: SfMirror = {
    repo,
    sync,
    async isWarm() {
      if (warm && (warm.value || now() - warm.at < WARM_CACHE_MS)) return warm.value;
      const v = (await repo.getState(stateKeys.loadedAt)) !== undefined;
      warm = { value: v, at: now() };
      return v;
    },
    findByPhone: (key, limit) => repo.findByPhone(key, limit),
    async status() {
      const [loadedAt, last, replayId, counts] = await Promise.all([
        repo.getState(stateKeys.loadedAt),
        repo.getState(stateKeys.lastChangeAt),
        repo.getState(stateKeys.replayId),
        repo.counts(),
      ]);
      return {
        warm: loadedAt !== undefined,
        loadedAt: loadedAt === undefined ? null : Number(loadedAt),
        lastChangeAt: last === undefined ? null : Number(last),
        replayId: replayId ?? null,
        ...counts,
      };
    },
  };
  return mirror;
}
