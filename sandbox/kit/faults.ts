/**
 * Fault injection for emulators, as pure decisions over plain data so tests of the
 * rules need no server. Every emulator exposes these through `/__sandbox/faults`.
 */

/** One fault rule. A rule applies to requests whose path starts with `pathPrefix` (all when absent). */
export interface FaultRule {
  pathPrefix?: string;
  method?: string;
  /** Added latency in ms: a fixed value or a uniform range. */
  latencyMs?: number | { min: number; max: number };
  /** Probability in [0,1] that a matching request fails with `errorStatus`. */
  errorRate?: number;
  errorStatus?: number;
  /** Outage window (epoch ms). Requests inside it fail with `errorStatus` (default 503). */
  outage?: { from: number; to: number };
  /** Refuse the connection (destroy the socket) instead of answering. */
  refuseConnections?: boolean;
}

export interface FaultDecision {
  delayMs: number;
  failStatus?: number;
  refuse?: boolean;
}

export function validateFaultRules(
  input: unknown,
): { ok: true; rules: FaultRule[] } | { ok: false; message: string } {
  const list = Array.isArray(input)
    ? input
    : input && typeof input === 'object' && 'rules' in input
      ? input.rules
      : undefined;
  if (!Array.isArray(list))
    return { ok: false, message: 'expected { "rules": [ ... ] } or an array of fault rules' };
  const rules: FaultRule[] = [];
  for (const [i, raw] of list.entries()) {
    if (!raw || typeof raw !== 'object') return { ok: false, message: `rules[${i}] must be an object` };
    const r = raw as Record<string, unknown>;
    const rule: FaultRule = {};
    if (r.pathPrefix !== undefined) {
      if (typeof r.pathPrefix !== 'string')
        return { ok: false, message: `rules[${i}].pathPrefix must be a string` };
      rule.pathPrefix = r.pathPrefix;
    }
    if (r.method !== undefined) {
      if (typeof r.method !== 'string') return { ok: false, message: `rules[${i}].method must be a string` };
      rule.method = r.method.toUpperCase();
    }
    if (r.latencyMs !== undefined) {
      const l = r.latencyMs as unknown;
      if (typeof l === 'number' && l >= 0) rule.latencyMs = l;
      else if (
        l &&
        typeof l === 'object' &&
        typeof (l as { min: unknown }).min === 'number' &&
        typeof (l as { max: unknown }).max === 'number' &&
        (l as { min: number }).min <= (l as { max: number }).max &&
        (l as { min: number }).min >= 0
      )
        rule.latencyMs = { min: (l as { min: number }).min, max: (l as { max: number }).max };
      else
        return { ok: false, message: `rules[${i}].latencyMs must be a non-negative number or { min, max }` };
    }
    if (r.errorRate !== undefined) {
      if (typeof r.errorRate !== 'number' || r.errorRate < 0 || r.errorRate > 1)
        return { ok: false, message: `rules[${i}].errorRate must be a number in [0,1]` };
      rule.errorRate = r.errorRate;
    }
    if (r.errorStatus !== undefined) {
      if (
        typeof r.errorStatus !== 'number' ||
        !Number.isInteger(r.errorStatus) ||
        r.errorStatus < 400 ||
        r.errorStatus > 599
      )
        return { ok: false, message: `rules[${i}].errorStatus must be an HTTP status 400-599` };
      rule.errorStatus = r.errorStatus;
    }
    if (r.outage !== undefined) {
      const o: { from?: unknown; to?: unknown } | null = typeof r.outage === 'object' ? r.outage : null;
      if (!o || typeof o.from !== 'number' || typeof o.to !== 'number' || o.from > o.to)
        return { ok: false, message: `rules[${i}].outage must be { from, to } epoch ms with from <= to` };
      rule.outage = { from: o.from, to: o.to };
    }
    if (r.refuseConnections !== undefined) {
      if (typeof r.refuseConnections !== 'boolean')
        return { ok: false, message: `rules[${i}].refuseConnections must be a boolean` };
      rule.refuseConnections = r.refuseConnections;
    }
    rules.push(rule);
  }
  return { ok: true, rules };
}

/** Decide what happens to one request. `random` is injected so decisions are reproducible. */
export function decideFault(
  rules: readonly FaultRule[],
  method: string,
  path: string,
  now: number,
  random: () => number,
): FaultDecision {
  const decision: FaultDecision = { delayMs: 0 };
  for (const rule of rules) {
    if (rule.pathPrefix !== undefined && !path.startsWith(rule.pathPrefix)) continue;
    if (rule.method !== undefined && rule.method !== method.toUpperCase()) continue;
    if (rule.latencyMs !== undefined) {
      decision.delayMs +=
        typeof rule.latencyMs === 'number'
          ? rule.latencyMs
          : rule.latencyMs.min + random() * (rule.latencyMs.max - rule.latencyMs.min);
    }
    if (rule.refuseConnections && (!rule.outage || (now >= rule.outage.from && now < rule.outage.to)))
      decision.refuse = true;
    if (decision.failStatus === undefined) {
      if (rule.outage && !rule.refuseConnections && now >= rule.outage.from && now < rule.outage.to)
        decision.failStatus = rule.errorStatus ?? 503;
      else if (rule.errorRate !== undefined && random() < rule.errorRate)
        decision.failStatus = rule.errorStatus ?? 503;
    }
  }
  return decision;
}
