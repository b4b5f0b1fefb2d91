/**
 * Periodic checks that raise or resolve an alert: a platform check (parked jobs) and the hooks
 * features expose (a feed's staleness). Each check returns what it sees; the alerts' own
 * de-duplication turns "still wrong" into one alert and "fine again" into one recovery message.
 */
import type { Logger } from 'pino';
import type { Queue } from '../jobs/index.ts';
import type { Alerts, RaiseInput } from './alerts.ts';

export type CheckResult =
  | { firing: true; severity: RaiseInput['severity']; message: string; details?: Record<string, unknown> }
  | { firing: false; message: string }
  /** Nothing to say (e.g. this replica does not run the watched thing). */
  | undefined;

export interface AlertCheck {
  /** The alert's condition, e.g. `jobs.parked`. */
  condition: string;
  check(): Promise<CheckResult>;
}

/** Evaluates `check` once and raises or resolves its condition. */
export async function evaluateCheck(alerts: Alerts, c: AlertCheck): Promise<void> {
  const r = await c.check();
  if (r === undefined) return;
  if (r.firing)
    await alerts.raise({
      condition: c.condition,
      severity: r.severity,
      message: r.message,
      ...(r.details === undefined ? {} : { details: r.details }),
    });
  else await alerts.resolve(c.condition, r.message);
}

/** Runs the checks every `everyMs` (unref'd timer); returns stop. */
export function watchAlerts(
  alerts: Alerts,
  log: Logger,
  checks: readonly AlertCheck[],
  everyMs = 30_000,
): () => void {
  const timer = setInterval(() => {
    for (const c of checks)
      evaluateCheck(alerts, c).catch((err: unknown) =>
        log.warn({ err, condition: c.condition }, 'alert check failed'),
      );
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}

/** `jobs.parked`: any parked (dead-letter) job is an alert until it is replayed or the count is 0. */
export function parkedJobsCheck(queue: Pick<Queue, 'stats'>): AlertCheck {
  return {
    condition: 'jobs.parked',
    async check() {
      const parked = (await queue.stats()).filter((s) => s.parked > 0);
      const total = parked.reduce((n, s) => n + s.parked, 0);
      if (total === 0) return { firing: false, message: 'No parked jobs left.' };
      const byKind = Object.fromEntries(parked.map((s) => [s.kind, s.parked]));
      return {
        firing: true,
        severity: 'warning',
        message: `${total} parked job(s): ${parked.map((s) => `${s.kind} ${s.parked}`).join(', ')}. Replay them after fixing the cause (GET /v1/admin/jobs?state=parked).`,
        details: { parked: byKind },
      };
    },
  };
}

/**
 * `<condition>` for a feed that can be stale (e.g. the presence feed): fires once it has been
 * stale for `graceMs`; says nothing on replicas where `running()` is false (not the leader).
 */
export function feedDownCheck(o: {
  condition: string;
  name: string;
  running: () => boolean;
  stale: () => boolean;
  now: () => number;
  graceMs?: number;
}): AlertCheck {
  let staleSince: number | undefined;
  return {
    condition: o.condition,
    async check() {
      if (!o.running()) {
        staleSince = undefined;
        return undefined;
      }
      if (!o.stale()) {
        staleSince = undefined;
        return { firing: false, message: `The ${o.name} is up again.` };
      }
      staleSince ??= o.now();
      const down = o.now() - staleSince;
      if (down < (o.graceMs ?? 60_000)) return undefined;
      return {
        firing: true,
        severity: 'critical',
        message: `The ${o.name} has been down for ${Math.round(down / 1000)} s.`,
        details: { downMs: down },
      };
    },
  };
}
