/**
 * The caller lookup: the local index first; Salesforce live only when the configuration allows
 * (index not warm, or also on a miss), under a time budget, behind a bounded LRU + TTL cache and a
 * circuit breaker so that an outage answers `unavailable` at once instead of waiting on every call.
 */
import { performance } from 'node:perf_hooks';
import {
  BrokenCircuitError,
  ConsecutiveBreaker,
  circuitBreaker,
  handleAll,
  type CircuitBreakerPolicy,
} from 'cockatiel';
import { Counter, Histogram, type Registry } from 'prom-client';
import type { CountryCode } from 'libphonenumber-js';
import { soql, soqlFields, sosl } from '../../connectors/salesforce/soql.ts';
import type { SalesforceConnector } from '../../connectors/salesforce/client.ts';
import type { Logger } from '../../platform/log/logger.ts';
import { phoneKey } from '../../platform/phone/normalize.ts';
import type { SfMirror } from '../sf-mirror/index.ts';
import { contactFields, rowFromRecord, type MirrorOptions } from '../sf-mirror/model.ts';
import { LruTtlCache } from './cache.ts';
import type { ScreenPopConfig } from './config.ts';
import { failedOutput, foundOutput, type LookupOutput } from './contract.ts';

export const outcomes = [
  'index_hit',
  'fallback_hit',
  'not_found',
  'invalid',
  'timeout',
  'unavailable',
] as const;
export type Outcome = (typeof outcomes)[number];

export interface LookupResult {
  output: LookupOutput;
  outcome: Outcome;
}

export type LiveSource = Pick<SalesforceConnector, 'search' | 'query'>;

export interface LookupServiceDeps {
  mirror: SfMirror;
  mirrorOptions: MirrorOptions;
  config: ScreenPopConfig;
  live?: LiveSource | undefined;
  log: Logger;
  registry?: Registry;
  now?: () => number;
  /** Breaker: consecutive failures before it opens, and how long it stays open (default 5, 10 s). */
  breaker?: { failures: number; halfOpenAfterMs: number };
}

export interface LookupService {
  byPhone(phoneNumber: string): Promise<LookupResult>;
  byAccount(accountNumber: string): Promise<LookupResult>;
  breakerState(): string;
}

class BudgetExceeded extends Error {
  constructor() {
    super('lookup budget exceeded');
    this.name = 'BudgetExceeded';
  }
}

function withBudget<T>(p: Promise<T>, ms: number): Promise<T> {
  if (ms <= 0) return Promise.reject(new BudgetExceeded());
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new BudgetExceeded()), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

/** Salesforce IDs: 15 or 18 alphanumerics. */
const SF_ID = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/;

export function createLookupService(deps: LookupServiceDeps): LookupService {
  const { mirror, config } = deps;
  const log = deps.log.child({ feature: 'screen-pop' });
  const region: CountryCode = deps.mirrorOptions.defaultRegion;
  const cache = new LruTtlCache<LookupOutput>({
    maxEntries: config.cacheSize,
    ...(deps.now ? { now: deps.now } : {}),
  });
  const inflight = new Map<string, Promise<LookupOutput>>();
  const breaker: CircuitBreakerPolicy = circuitBreaker(handleAll, {
    halfOpenAfter: deps.breaker?.halfOpenAfterMs ?? 10_000,
    breaker: new ConsecutiveBreaker(deps.breaker?.failures ?? 5),
  });
  breaker.onBreak(() => log.warn('salesforce live lookup: circuit open; answering unavailable'));
  breaker.onReset(() => log.info('salesforce live lookup: circuit closed'));

  const lookups = deps.registry
    ? new Counter({
        name: 'patchbay_screen_pop_lookups_total',
        help: 'Caller lookups by endpoint and outcome (index_hit, fallback_hit, not_found, invalid, timeout, unavailable).',
        labelNames: ['endpoint', 'outcome'] as const,
        registers: [deps.registry],
      })
    : undefined;
  const latency = deps.registry
    ? new Histogram({
        name: 'patchbay_screen_pop_lookup_duration_seconds',
        help: 'Caller lookup latency inside the hub, by endpoint and outcome.',
        labelNames: ['endpoint', 'outcome'] as const,
        buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
        registers: [deps.registry],
      })
    : undefined;

  const fields = soqlFields(contactFields(deps.mirrorOptions));
  /** Live: SOSL phone search (Salesforce matches any stored format), then an exact check on the E.164 key. */
  async function livePhone(key: string): Promise<LookupOutput> {
    const live = deps.live;
    if (!live) throw new Error('no live source');
    const records = await live.search<Record<string, unknown>>(
      sosl`FIND {${key}} IN PHONE FIELDS RETURNING Contact(${fields})`,
    );
    const contacts = records.flatMap((rec) => {
      const row = rowFromRecord(rec, deps.mirrorOptions);
      return row && row.phones.some((p) => p.key === key) ? [row] : [];
    });
    contacts.sort((a, b) => b.modstamp - a.modstamp || (a.id < b.id ? -1 : 1));
    return contacts.length > 0
      ? foundOutput(contacts, contacts.length, config.maxMatches)
      : failedOutput('not_found');
  }

  async function liveAccount(accountNumber: string): Promise<LookupOutput> {
    const live = deps.live;
    if (!live) throw new Error('no live source');
    const byId = SF_ID.test(accountNumber);
    const tier = deps.mirrorOptions.tierField;
    const accFields = soqlFields(['Id', 'Name', ...(tier === '' ? [] : [tier])]);
    const { records } = await live.query<Record<string, unknown>>(
      byId
        ? soql`SELECT ${accFields} FROM Account WHERE AccountNumber = ${accountNumber} OR Id = ${accountNumber} LIMIT 2`
        : soql`SELECT ${accFields} FROM Account WHERE AccountNumber = ${accountNumber} LIMIT 2`,
    );
    const acc = records[0];
    if (!acc || typeof acc.Id !== 'string') return failedOutput('not_found');
    const accountTier = tier === '' || typeof acc[tier] !== 'string' ? '' : acc[tier];
    const contacts = await mirror.repo.findByAccount(acc.Id, config.maxMatches);
    // The account is what was asked for; its most recently changed contact (if any) is the pop target.
    const { reason: _unused, ...base } =
      contacts.length > 0
        ? foundOutput(contacts, contacts.length, config.maxMatches)
        : failedOutput('not_found');
    void _unused;
    return {
      ...base,
      success: true,
      accountId: acc.Id,
      accountName: typeof acc.Name === 'string' ? acc.Name : '',
      tier: base.tier !== '' ? base.tier : accountTier,
    };
  }

  /** Cached, coalesced, breaker-guarded, budgeted live call. Failures become reasons, never throws. */
  async function guarded(
    key: string,
    budgetMs: number,
    call: () => Promise<LookupOutput>,
  ): Promise<LookupResult> {
    const cached = cache.get(key);
    // A cached answer naming a contact the mirror has since seen deleted is stale.
    if (
      cached &&
      (!cached.success || (await mirror.repo.deletedAmong(cached.matches.map((m) => m.id))).length === 0)
    )
      return { output: cached, outcome: cached.success ? 'fallback_hit' : 'not_found' };
    if (cached) cache.delete(key);
    if (!deps.live) return { output: failedOutput('unavailable'), outcome: 'unavailable' };
    try {
      let p = inflight.get(key);
      if (!p) {
        p = breaker.execute(() => withBudget(call(), budgetMs)).finally(() => inflight.delete(key));
        inflight.set(key, p);
      }
      const output = await p;
      // Not found is cached for a shorter time: a contact may be created any minute.
      cache.set(key, output, output.success ? config.cacheTtlMs : Math.min(config.cacheTtlMs, 30_000));
      return { output, outcome: output.success ? 'fallback_hit' : 'not_found' };
    } catch (err) {
      if (err instanceof BudgetExceeded) return { output: failedOutput('timeout'), outcome: 'timeout' };
      if (!(err instanceof BrokenCircuitError))
        log.warn({ code: (err as { code?: string }).code }, 'salesforce live lookup failed');
      return { output: failedOutput('unavailable'), outcome: 'unavailable' };
    }
  }

  // Labelled children resolved once per (endpoint, outcome): prom-client hashes the label object on
  // every labelled call, a visible share of an index hit's cost.
  const meters = new Map<string, { inc(): void; observe(seconds: number): void }>();
  function observe(endpoint: string, started: number, r: LookupResult): LookupResult {
    const key = `${endpoint}:${r.outcome}`;
    let m = meters.get(key);
    if (!m) {
      const counter = lookups?.labels({ endpoint, outcome: r.outcome });
      const histogram = latency?.labels({ endpoint, outcome: r.outcome });
      m = { inc: () => counter?.inc(), observe: (s) => histogram?.observe(s) };
      meters.set(key, m);
    }
    m.inc();
    m.observe((performance.now() - started) / 1000);
    return r;
  }

  return {
    breakerState: () => String(breaker.state),
    async byPhone(phoneNumber) {
      const started = performance.now();
      const key = phoneKey(phoneNumber, region);
      if (key === undefined)
        return observe('contact', started, { output: failedOutput('invalid_number'), outcome: 'invalid' });
      const warm = await mirror.isWarm();
      if (warm) {
        const { contacts, total } = await mirror.findByPhone(key, config.maxMatches);
        if (contacts.length > 0)
          return observe('contact', started, {
            output: foundOutput(contacts, total, config.maxMatches),
            outcome: 'index_hit',
          });
      }
      const live = config.fallback === 'miss' || (config.fallback === 'cold' && !warm);
      if (!live)
        return observe('contact', started, { output: failedOutput('not_found'), outcome: 'not_found' });
      const remaining = config.budgetMs - (performance.now() - started);
      return observe('contact', started, await guarded(`phone:${key}`, remaining, () => livePhone(key)));
    },
    async byAccount(accountNumber) {
      const started = performance.now();
      const value = accountNumber.trim();
      if (value === '')
        return observe('account', started, { output: failedOutput('not_found'), outcome: 'not_found' });
      return observe(
        'account',
        started,
        await guarded(`account:${value}`, config.budgetMs, () => liveAccount(value)),
      );
    },
  };
}
