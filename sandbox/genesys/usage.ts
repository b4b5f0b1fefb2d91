/**
 * Per-OAuth-client usage computed from the request log, so a test or benchmark can prove a
 * hub stayed under the platform's per-minute limit. Pure.
 */
export interface ClientUsage {
  clientId: string;
  total: number;
  /** Most requests in any sliding 60-second window. */
  maxPerMinute: number;
  /** Answers with status 429. */
  throttled: number;
}

export function usageByClient(
  entries: readonly { at: number; clientId?: string; status: number }[],
  windowMs = 60_000,
): ClientUsage[] {
  const byClient = new Map<string, { at: number; status: number }[]>();
  for (const e of entries) {
    if (e.clientId === undefined) continue;
    let list = byClient.get(e.clientId);
    if (list === undefined) byClient.set(e.clientId, (list = []));
    list.push(e);
  }
  return [...byClient].map(([clientId, list]) => {
    const times = list.map((e) => e.at).sort((a, b) => a - b);
    let max = 0;
    let lo = 0;
    for (let hi = 0; hi < times.length; hi++) {
      while ((times[hi] ?? 0) - (times[lo] ?? 0) >= windowMs) lo++;
      max = Math.max(max, hi - lo + 1);
    }
    return {
      clientId,
      total: list.length,
      maxPerMinute: max,
      throttled: list.filter((e) => e.status === 429).length,
    };
  });
}
