/**
 * The entry points the CLI calls: `simulate({ callsPerMinute, agents, durationMs, … })` for
 * `patchbay simulate`, and `startDemo(...)` for `npm start` (a gentle, real-time, endless run).
 */
import { runSimulation, type SimulationResult, type SimulatorConfig } from './runner.ts';

export interface SimulateOptions extends Omit<SimulatorConfig, 'genesys'> {
  /** Genesys emulator base URL (or a full target with OAuth credentials for presence changes). */
  genesys: SimulatorConfig['genesys'] | string;
  /** Gentle demo preset: 2 calls/min on 3 agents in real time, endless until the signal aborts. */
  demo?: boolean;
}

export const DEMO_PRESET = {
  callsPerMinute: 2,
  agents: 3,
  speed: 1,
  durationMs: 365 * 24 * 3_600_000,
  signOffAtEnd: false,
} as const;

export function simulate(opts: SimulateOptions): Promise<SimulationResult> {
  const { genesys, demo, ...rest } = opts;
  const target = typeof genesys === 'string' ? { baseUrl: genesys } : genesys;
  // In real time the virtual clock must start now, not at the minute the default floors to.
  return runSimulation({
    ...(demo ? { ...DEMO_PRESET, startAt: Date.now() } : {}),
    ...rest,
    genesys: target,
  });
}

/** Starts the demo run in the background; `stop()` ends it and resolves with what it did. */
export function startDemo(opts: Omit<SimulateOptions, 'demo' | 'signal'>): {
  stop(): Promise<SimulationResult>;
  done: Promise<SimulationResult>;
} {
  const controller = new AbortController();
  const done = simulate({ ...opts, demo: true, startAt: Date.now(), signal: controller.signal });
  return {
    done,
    stop() {
      controller.abort();
      return done;
    },
  };
}

/** Parses CLI durations: `90s`, `10m`, `2h`, `1500ms`, or a bare number of ms. */
export function parseDuration(s: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(s.trim());
  if (!m) throw new Error(`not a duration: ${s} (use e.g. 90s, 10m, 2h)`);
  const n = Number(m[1]);
  const unit = m[2] ?? 'ms';
  return Math.round(n * (unit === 'h' ? 3_600_000 : unit === 'm' ? 60_000 : unit === 's' ? 1_000 : 1));
}

/** A one-screen summary of a result for the CLI. */
export function summarise(r: SimulationResult): string {
  const t = r.truth.totals;
  const lines = [
    `conversations ${r.truth.conversations} · actions ${r.actions} · errors ${r.errors.length} · presence ${r.presence}${r.aborted ? ' · stopped early' : ''}`,
    `offered ${t.offered} · answered ${t.answered} · abandoned ${t.abandoned} · transferred ${t.transferredOut}`,
    `handle ${Math.round(t.handleMs / 1000)} s in ${t.handled} legs · talk ${Math.round(t.talkMs / 1000)} s · held ${Math.round(t.heldMs / 1000)} s · acw ${Math.round(t.acwMs / 1000)} s`,
  ];
  return lines.join('\n');
}
