/**
 * How the simulator talks to the Genesys emulator: the `/__sandbox/conversations` controls for
 * conversations, and the vendor API (client-credentials token, presence definitions, presence PATCH)
 * for agents' presence, exactly as any client would.
 */

export interface GenesysTarget {
  /** Base URL of the Genesys emulator, e.g. http://127.0.0.1:4100 */
  baseUrl: string;
  /** OAuth client for presence changes; without it (or `accessToken`) presence changes are skipped. */
  clientId?: string;
  clientSecret?: string;
  accessToken?: string;
}

export interface Directory {
  users: { id: string; name: string }[];
  queues: { id: string; name: string }[];
  wrapupCodes: { id: string; name: string }[];
}

export class ControlError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.name = 'ControlError';
    this.status = status;
  }
}

export class GenesysSimClient {
  private readonly target: GenesysTarget;
  private token: string | undefined;
  private presenceIds: Map<string, string> | undefined;

  constructor(target: GenesysTarget) {
    this.target = { ...target, baseUrl: target.baseUrl.replace(/\/+$/, '') };
    this.token = target.accessToken;
  }

  get canSetPresence(): boolean {
    return (
      this.token !== undefined ||
      (this.target.clientId !== undefined && this.target.clientSecret !== undefined)
    );
  }

  async directory(): Promise<Directory> {
    return (await this.json('GET', '/__sandbox/conversations/directory')) as Directory;
  }

  /** POST a conversation control; returns the conversation JSON. */
  async control(path: string, body: Record<string, unknown>): Promise<{ id: string }> {
    return (await this.json('POST', `/__sandbox/conversations${path}`, body)) as { id: string };
  }

  async settleDeliveries(): Promise<void> {
    await this.json('POST', '/__sandbox/conversations/deliveries/settle', {});
  }

  /** Sets a user's presence by system presence name (ON_QUEUE, BREAK, OFFLINE, AVAILABLE…). */
  async setPresence(userId: string, systemPresence: string): Promise<void> {
    const ids = await this.definitions();
    const id = ids.get(normalise(systemPresence));
    if (!id) throw new ControlError(400, `no presence definition for ${systemPresence}`);
    await this.json(
      'PATCH',
      `/api/v2/users/${encodeURIComponent(userId)}/presences/purecloud`,
      { presenceDefinition: { id } },
      true,
    );
  }

  private async definitions(): Promise<Map<string, string>> {
    if (this.presenceIds) return this.presenceIds;
    const body = (await this.json('GET', '/api/v2/presence/definitions?pageSize=100', undefined, true)) as {
      entities?: { id: string; systemPresence?: string; name?: string }[];
    };
    const map = new Map<string, string>();
    // Primary definitions first: the vendor lists one per system presence plus custom ones.
    for (const d of body.entities ?? []) {
      const key = normalise(d.systemPresence ?? d.name ?? '');
      if (!map.has(key)) map.set(key, d.id);
    }
    this.presenceIds = map;
    return map;
  }

  private async bearer(): Promise<string> {
    if (this.token) return this.token;
    const { clientId, clientSecret } = this.target;
    if (clientId === undefined || clientSecret === undefined)
      throw new ControlError(401, 'no credentials for the Genesys API');
    const res = await fetch(`${this.target.baseUrl}/oauth/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
    });
    const body = (await res.json().catch(() => ({}))) as { access_token?: string };
    if (!res.ok || !body.access_token) throw new ControlError(res.status, 'client-credentials login failed');
    this.token = body.access_token;
    return this.token;
  }

  private async json(
    method: string,
    path: string,
    body?: unknown,
    api = false,
    retried = false,
  ): Promise<unknown> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (api) headers.authorization = `Bearer ${await this.bearer()}`;
    const res = await fetch(`${this.target.baseUrl}${path}`, {
      method,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    if (api && res.status === 401 && !retried && this.target.clientId !== undefined) {
      this.token = undefined; // expired: log in again once
      return this.json(method, path, body, api, true);
    }
    if (api && res.status === 429 && !retried) {
      const wait = Number(res.headers.get('retry-after') ?? '1');
      await new Promise((r) => setTimeout(r, Math.min(60, Number.isFinite(wait) ? wait : 1) * 1000));
      return this.json(method, path, body, api, true);
    }
    if (!res.ok) {
      let message = text.slice(0, 300);
      try {
        const parsed = JSON.parse(text) as { error?: { message?: string }; message?: string };
        message = parsed.error?.message ?? parsed.message ?? message;
      } catch {
        // keep the raw text
      }
      throw new ControlError(res.status, `${method} ${path}: ${res.status} ${message}`);
    }
    return text === '' ? undefined : JSON.parse(text);
  }
}

const normalise = (s: string) => s.toUpperCase().replace(/[^A-Z]/g, '');
