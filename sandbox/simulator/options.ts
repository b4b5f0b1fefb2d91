/** Simulation options with their defaults (a gentle, realistic contact center). */

export type SimMediaType = 'voice' | 'email' | 'callback' | 'chat' | 'message';

export interface SimulationOptions {
  /** PRNG seed: the same seed and options give the same run. */
  seed: number;
  /** Mean arrival rate (Poisson). */
  callsPerMinute: number;
  /** Number of agents (users of the Genesys emulator, in directory order). */
  agents: number;
  /** Arrivals happen during this window; conversations in flight then run to completion. */
  durationMs: number;
  /** Virtual time of the start (epoch ms). */
  startAt: number;
  /** Caller numbers to draw from (e.g. the Salesforce sandbox's contacts: known, unknown, shared, mixed formats). */
  anis: readonly string[];
  /** Sender addresses for e-mails (default: derived from nothing; `customer<n>@example.com`). */
  emailAddresses: readonly string[];
  /** Relative weights of media types. */
  mediaMix: Partial<Record<SimMediaType, number>>;
  /** How many of the directory's queues to use (default all; at least 1). */
  queues?: number;
  talkMeanMs: number;
  /** E-mails are handled for this mean time instead of talk. */
  emailHandleMeanMs: number;
  holdProbability: number;
  holdMeanMs: number;
  transferProbability: number;
  /** Mean patience of a waiting caller before abandoning (voice, callback, chat, message). */
  patienceMeanMs: number;
  acwMeanMs: number;
  /** Ring time before an assigned agent answers: uniform in [min, max]. */
  ringMs: { min: number; max: number };
  /** Probability the agent (not the caller) ends the call. */
  agentHangupProbability: number;
  /** After a wrap-up, an agent takes a break with this probability. */
  breakProbability: number;
  breakMeanMs: number;
  /** Set every agent Offline after the last conversation. */
  signOffAtEnd: boolean;
}

export const DEFAULT_OPTIONS: Omit<SimulationOptions, 'startAt'> = {
  seed: 1,
  callsPerMinute: 6,
  agents: 5,
  durationMs: 10 * 60_000,
  anis: [],
  emailAddresses: [],
  mediaMix: { voice: 0.8, email: 0.1, callback: 0.1 },
  talkMeanMs: 180_000,
  emailHandleMeanMs: 240_000,
  holdProbability: 0.2,
  holdMeanMs: 30_000,
  transferProbability: 0.08,
  patienceMeanMs: 90_000,
  acwMeanMs: 30_000,
  ringMs: { min: 2_000, max: 8_000 },
  agentHangupProbability: 0.3,
  breakProbability: 0.05,
  breakMeanMs: 5 * 60_000,
  signOffAtEnd: true,
};

export function resolveOptions(
  partial: Partial<SimulationOptions>,
  now: () => number = Date.now,
): SimulationOptions {
  const o: SimulationOptions = {
    ...DEFAULT_OPTIONS,
    startAt: Math.floor(now() / 60_000) * 60_000,
    ...partial,
  };
  const problems: string[] = [];
  if (!(o.callsPerMinute > 0)) problems.push('callsPerMinute must be > 0');
  if (!Number.isInteger(o.agents) || o.agents < 1) problems.push('agents must be an integer ≥ 1');
  if (!(o.durationMs > 0)) problems.push('durationMs must be > 0');
  if (!Number.isInteger(o.seed)) problems.push('seed must be an integer');
  const weights = Object.values(o.mediaMix);
  if (weights.length === 0 || weights.some((w) => !(w >= 0)) || weights.every((w) => w === 0))
    problems.push('mediaMix needs a positive weight');
  if (o.ringMs.min < 0 || o.ringMs.max < o.ringMs.min) problems.push('ringMs must be 0 ≤ min ≤ max');
  for (const k of [
    'holdProbability',
    'transferProbability',
    'agentHangupProbability',
    'breakProbability',
  ] as const)
    if (!(o[k] >= 0 && o[k] <= 1)) problems.push(`${k} must be in [0, 1]`);
  if (problems.length > 0) throw new Error(`Invalid simulation options: ${problems.join('; ')}`);
  return o;
}
