/**
 * The status dashboard's data: the organisations it watches (config as JSON, copy/load) and the
 * heartbeat probe that colours each light (green = healthy, red = down).
 */
export interface DashboardOrg {
  id: string;
  organization: string;
  server: string;
  heartbeatUrl: string;
}

export type DashboardEntry = Omit<DashboardOrg, 'id'>;

const isUrl = (v: unknown): v is string => {
  if (typeof v !== 'string' || v.length > 2000) return false;
  try {
    return ['http:', 'https:'].includes(new URL(v).protocol);
  } catch {
    return false;
  }
};

/** Validates a loaded configuration `{ organizations: [{ organization, server, heartbeatUrl }] }`. */
export function parseDashboardConfig(
  body: unknown,
): { ok: true; organizations: DashboardEntry[] } | { ok: false; error: string } {
  const list = (body as { organizations?: unknown } | null)?.organizations;
  if (!Array.isArray(list)) return { ok: false, error: 'expected { "organizations": [ … ] }' };
  if (list.length > 200) return { ok: false, error: 'at most 200 organisations' };
  const out: DashboardEntry[] = [];
  for (const [i, o] of list.entries()) {
    const r = o as Record<string, unknown> | null;
    if (!r || typeof r.organization !== 'string' || r.organization === '' || r.organization.length > 200)
      return { ok: false, error: `organizations[${i}].organization must be a non-empty string` };
    if (!isUrl(r.server)) return { ok: false, error: `organizations[${i}].server must be an http(s) URL` };
    if (!isUrl(r.heartbeatUrl))
      return { ok: false, error: `organizations[${i}].heartbeatUrl must be an http(s) URL` };
    out.push({ organization: r.organization, server: r.server, heartbeatUrl: r.heartbeatUrl });
  }
  return { ok: true, organizations: out };
}

/** One heartbeat check: healthy only when the instance answers 200 with `status: "healthy"`. */
export async function probeHeartbeat(
  url: string,
  timeoutMs = 3000,
): Promise<{ status: 'healthy' | 'down'; detail: string }> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'error' });
    const body = (await res.json().catch(() => ({}))) as { status?: string; detail?: string };
    if (res.ok && body.status === 'healthy')
      return { status: 'healthy', detail: body.detail ?? 'Successfully connected to CIC and Salesforce' };
    return { status: 'down', detail: body.detail ?? `Routing server down (HTTP ${res.status})` };
  } catch {
    return { status: 'down', detail: 'Routing server down (no answer)' };
  }
}
