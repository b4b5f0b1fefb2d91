/**
 * PureConnect (CIC) over ICWS for case routing: a session (csrf token + cookie), the SORS custom
 * notification that makes the CIC handler create an e-mail interaction in a workgroup, message
 * polling, attributes, disconnect — and switchover: on a 503 or a refused/broken connection the
 * client logs in to the other server of the pair, re-subscribes, reconciles what was in flight
 * (the interaction is looked up in the workgroup queue by its case before anything is re-sent),
 * and probes the primary so it switches back when the primary answers again.
 */
import type { Logger } from 'pino';
import { RetryableError, PermanentError } from '../../platform/jobs/index.ts';

export interface SorsIds {
  objectId: string;
  createEventId: string;
  createdEventId: string;
  failedEventId: string;
}

export const DEFAULT_SORS_IDS: SorsIds = {
  objectId: 'SalesforceObjectRouting',
  createEventId: 'CreateEmailInteraction',
  createdEventId: 'EmailInteractionCreated',
  failedEventId: 'EmailInteractionFailed',
};

export interface CicConnectorOptions {
  /** Primary server base URL (`https://cic1:8019`) and optionally the switchover server's. */
  primaryUrl: string;
  switchoverUrl?: string | undefined;
  userId: string;
  password: string;
  log: Logger;
  applicationName?: string;
  ids?: SorsIds;
  /** Messages poll interval (default 500 ms). */
  pollMs?: number;
  /** While on the switchover server, how often the primary is tried again (default 5 s). */
  primaryProbeMs?: number;
  /** How long to wait for the handler's "created" notification (default 15 s). */
  createTimeoutMs?: number;
  fetch?: typeof fetch;
}

export interface CreateEmailInteraction {
  caseId: string;
  workgroup: string;
  skills: string;
  subject?: string;
  remoteAddress?: string;
}

export type ServerRole = 'primary' | 'switchover';

export interface CicConnector {
  /** Logs in (primary first) and starts polling. */
  connect(): Promise<void>;
  /**
   * Has the CIC handler create the e-mail interaction of a case, unless the workgroup already
   * holds an active one for it (then that one is returned): safe to retry.
   */
  ensureEmailInteraction(req: CreateEmailInteraction): Promise<{ interactionId: string; created: boolean }>;
  setAttributes(interactionId: string, attributes: Record<string, string>): Promise<void>;
  getAttributes(interactionId: string, names: string[]): Promise<Record<string, string>>;
  disconnect(interactionId: string): Promise<void>;
  /** The active interaction of a case in a workgroup, if any (from the workgroup queue's contents). */
  findInteraction(workgroup: string, caseId: string): Promise<string | undefined>;
  status(): { connected: boolean; server: ServerRole | null; switchovers: number };
  close(): Promise<void>;
}

/** The server could not be used (503, refused, reset): try the other one. */
class SessionChanged extends Error {
  constructor() {
    super('the CIC session changed while waiting');
    this.name = 'SessionChanged';
  }
}

class ServerDown extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ServerDown';
  }
}

interface Session {
  role: ServerRole;
  base: string;
  sessionId: string;
  csrf: string;
  cookie: string;
}

interface IcwsMessage {
  __type?: string;
  objectId?: string;
  eventId?: string;
  data?: string[];
  subscriptionId?: string;
  isDelta?: boolean;
  interactionsAdded?: { interactionId: string; attributes: Record<string, string> }[];
}

type Waiter = { resolve: (v: string) => void; reject: (e: Error) => void };

export function createCicConnector(opts: CicConnectorOptions): CicConnector {
  const doFetch = opts.fetch ?? fetch;
  const ids = opts.ids ?? DEFAULT_SORS_IDS;
  const pollMs = opts.pollMs ?? 500;
  const probeMs = opts.primaryProbeMs ?? 5_000;
  const createTimeoutMs = opts.createTimeoutMs ?? 15_000;
  const log = opts.log.child({ connector: 'cic' });
  const urls: Record<ServerRole, string | undefined> = {
    primary: opts.primaryUrl.replace(/\/$/, ''),
    switchover: opts.switchoverUrl?.replace(/\/$/, ''),
  };

  let session: Session | undefined;
  let connecting: Promise<Session> | undefined;
  let closed = false;
  let switchovers = 0;
  let pollTimer: NodeJS.Timeout | undefined;
  let probeTimer: NodeJS.Timeout | undefined;
  let subCounter = 0;
  /** caseId → waiters for the handler's created/failed notification. */
  const created = new Map<string, Waiter[]>();
  /** queue subscription id → waiter for its first (full) contents message. */
  const snapshots = new Map<string, (m: IcwsMessage) => void>();

  async function raw(base: string, method: string, path: string, body?: unknown, s?: Session) {
    let res: Response;
    try {
      res = await doFetch(`${base}${path}`, {
        method,
        headers: {
          'content-type': 'application/json',
          'accept-language': 'en-us',
          ...(s ? { 'ININ-ICWS-CSRF-Token': s.csrf, cookie: s.cookie } : {}),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(10_000),
      });
    } catch (e) {
      throw new ServerDown(`connection to ${base} failed: ${(e as Error).message}`);
    }
    if (res.status === 503 || res.status === 502) {
      await res.body?.cancel();
      throw new ServerDown(`${base} answered ${res.status}`);
    }
    return res;
  }

  async function login(role: ServerRole): Promise<Session> {
    const base = urls[role];
    if (!base) throw new ServerDown(`no ${role} server configured`);
    const res = await raw(base, 'POST', '/icws/connection', {
      __type: 'urn:inin.com:connection:icAuthConnectionRequestSettings',
      applicationName: opts.applicationName ?? 'Patchbay case routing',
      userID: opts.userId,
      password: opts.password,
    });
    if (res.status !== 201) {
      const text = await res.text();
      throw new PermanentError(
        `CIC login on the ${role} server failed (${res.status}): ${text.slice(0, 200)}`,
      );
    }
    const json = (await res.json()) as { csrfToken: string; sessionId: string };
    const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const s: Session = { role, base, sessionId: json.sessionId, csrf: json.csrfToken, cookie };
    const sub = await raw(
      base,
      'PUT',
      `/icws/${s.sessionId}/messaging/subscriptions/system/handler-sent-notifications`,
      { headers: [{ objectId: ids.objectId, eventIds: [ids.createdEventId, ids.failedEventId] }] },
      s,
    );
    if (!sub.ok) throw new ServerDown(`subscribing on the ${role} server failed (${sub.status})`);
    log.info(
      { server: role },
      role === 'primary' ? 'connected to the primary CIC server' : 'connected to the switchover CIC server',
    );
    return s;
  }

  /** The current session, logging in (primary, then switchover) when there is none. */
  function current(): Promise<Session> {
    if (session) return Promise.resolve(session);
    connecting ??= (async () => {
      try {
        let s: Session;
        try {
          s = await login('primary');
        } catch (e) {
          if (!(e instanceof ServerDown) || !urls.switchover) throw e;
          log.warn(
            { reason: e.message },
            'Error: primary CIC server unavailable: connecting to the switchover CIC server',
          );
          s = await login('switchover');
          switchovers++;
          scheduleProbe();
        }
        session = s;
        return s;
      } finally {
        connecting = undefined;
      }
    })();
    return connecting;
  }

  function dropSession(s: Session, reason: string): void {
    if (session !== s) return;
    session = undefined;
    log.warn({ server: s.role, reason }, 'CIC session lost');
    interruptWaits();
  }

  /** A call on the current session; a down server or a lost session drops it and retries once on the next. */
  async function call(method: string, path: string, body?: unknown): Promise<Response> {
    for (let attempt = 0; ; attempt++) {
      const s = await current();
      try {
        const res = await raw(s.base, method, `/icws/${s.sessionId}${path}`, body, s);
        if (res.status === 401) {
          await res.body?.cancel();
          dropSession(s, 'session no longer valid');
          if (attempt < 2) continue;
          throw new RetryableError('CIC session rejected');
        }
        return res;
      } catch (e) {
        if (!(e instanceof ServerDown)) throw e;
        dropSession(s, e.message);
        if (attempt < 2) continue;
        throw new RetryableError(`CIC unavailable: ${e.message}`);
      }
    }
  }

  function dispatch(m: IcwsMessage): void {
    if (m.__type === 'urn:inin.com:system:handlerSentNotificationMessage' && m.objectId === ids.objectId) {
      const [caseId = '', value = ''] = m.data ?? [];
      const waiters = created.get(caseId) ?? [];
      created.delete(caseId);
      for (const w of waiters) {
        if (m.eventId === ids.createdEventId) w.resolve(value);
        else if (m.eventId === ids.failedEventId)
          w.reject(new PermanentError(`CIC handler could not create the interaction: ${value}`));
      }
    } else if (m.__type === 'urn:inin.com:queues:queueContentsMessage' && m.subscriptionId && !m.isDelta) {
      snapshots.get(m.subscriptionId)?.(m);
    }
  }

  async function poll(): Promise<void> {
    if (closed) return;
    if (!session) {
      await current().catch((e: unknown) => log.warn({ err: e }, 'CIC reconnect failed'));
      return;
    }
    await pollSession(session);
  }

  async function pollSession(s: Session): Promise<void> {
    try {
      const res = await raw(s.base, 'GET', `/icws/${s.sessionId}/messaging/messages`, undefined, s);
      if (res.status === 401) {
        await res.body?.cancel();
        return dropSession(s, 'session no longer valid');
      }
      const messages = (await res.json()) as IcwsMessage[];
      for (const m of messages) dispatch(m);
    } catch (e) {
      if (e instanceof ServerDown) dropSession(s, e.message);
      else log.warn({ err: e }, 'CIC message poll failed');
    }
  }

  let polling = false;
  /** Polls at `pollMs`, or every 25 ms while a caller waits for a message (ICWS has no push here). */
  function loop(delay = created.size > 0 || snapshots.size > 0 ? 25 : pollMs): void {
    if (closed) return;
    clearTimeout(pollTimer);
    pollTimer = setTimeout(() => {
      if (polling) return;
      polling = true;
      void poll().finally(() => {
        polling = false;
        loop();
      });
    }, delay);
  }
  /** A caller now waits for a message: poll at once instead of at the next tick. */
  const kick = () => {
    if (!polling && !closed && pollTimer !== undefined) loop(0);
  };

  function scheduleProbe(): void {
    if (probeTimer || closed) return;
    probeTimer = setTimeout(() => {
      probeTimer = undefined;
      void probePrimary();
    }, probeMs);
  }

  /** On the switchover server: log in to the primary; if it answers, move there. */
  async function probePrimary(): Promise<void> {
    const s = session;
    if (closed || (s && s.role === 'primary')) return;
    try {
      const p = await login('primary');
      session = p;
      log.info('primary CIC server is back: switched back to it');
      if (s) {
        // Deliver what the old session still holds, then end it; waits not answered there reconcile.
        await pollSession(s);
        interruptWaits();
        await raw(s.base, 'DELETE', `/icws/${s.sessionId}/connection`, undefined, s).catch(() => undefined);
      }
    } catch {
      scheduleProbe();
    }
  }

  async function snapshot(workgroup: string): Promise<IcwsMessage> {
    const id = `pb-${++subCounter}`;
    const got = new Promise<IcwsMessage>((resolve, reject) => {
      const t = setTimeout(() => {
        snapshots.delete(id);
        reject(new RetryableError(`no contents for workgroup ${workgroup} from CIC`));
      }, createTimeoutMs);
      snapshots.set(id, (m) => {
        clearTimeout(t);
        snapshots.delete(id);
        resolve(m);
      });
    });
    const res = await call('PUT', `/messaging/subscriptions/queues/${id}`, {
      queueIds: [{ queueType: 2, queueName: workgroup }],
      attributeNames: ['SORS_CaseId', 'Eic_State'],
    });
    if (res.status === 404) {
      snapshots.get(id)?.({});
      throw new PermanentError(`CIC workgroup "${workgroup}" does not exist`);
    }
    if (!res.ok) throw new RetryableError(`CIC queue subscription failed (${res.status})`);
    kick();
    try {
      return await got;
    } finally {
      await call('DELETE', `/messaging/subscriptions/queues/${id}`).catch(() => undefined);
    }
  }

  async function createOnce(
    req: CreateEmailInteraction,
  ): Promise<{ interactionId: string; created: boolean }> {
    const existing = await connector.findInteraction(req.workgroup, req.caseId);
    if (existing) return { interactionId: existing, created: false };
    let timer: NodeJS.Timeout | undefined;
    const wait = new Promise<string>((resolve, reject) => {
      const list = created.get(req.caseId) ?? [];
      list.push({ resolve, reject });
      created.set(req.caseId, list);
      timer = setTimeout(
        () => reject(new RetryableError(`no answer from the CIC handler for case ${req.caseId}`)),
        createTimeoutMs,
      );
    });
    wait.catch(() => undefined);
    try {
      const res = await call('POST', '/system/handler-notification', {
        objectId: ids.objectId,
        eventId: ids.createEventId,
        data: [req.caseId, req.workgroup, req.skills, req.subject ?? '', req.remoteAddress ?? ''],
      });
      if (res.status !== 202)
        throw new RetryableError(`CIC refused the handler notification (${res.status})`);
      return { interactionId: await wait, created: true };
    } finally {
      clearTimeout(timer);
      created.delete(req.caseId);
    }
  }

  /** Interrupts every wait for a handler notification (their session is gone). */
  function interruptWaits(): void {
    for (const [caseId, waiters] of created) {
      created.delete(caseId);
      for (const w of waiters) w.reject(new SessionChanged());
    }
  }

  const connector: CicConnector = {
    async connect() {
      closed = false;
      await current();
      loop();
    },

    async findInteraction(workgroup, caseId) {
      const m = await snapshot(workgroup);
      return m.interactionsAdded?.find(
        (i) => i.attributes.SORS_CaseId === caseId && i.attributes.Eic_State !== 'E',
      )?.interactionId;
    },

    async ensureEmailInteraction(req) {
      // A session change while waiting (switchover, switch-back) interrupts the wait: reconcile
      // on the new server (look the case up in the workgroup) before sending again.
      for (let round = 0; ; round++) {
        try {
          return await createOnce(req);
        } catch (e) {
          if (!(e instanceof SessionChanged) || round >= 3) throw e;
          log.info({ round }, 'CIC session changed during a create: reconciling');
        }
      }
    },

    async setAttributes(interactionId, attributes) {
      const res = await call('POST', `/interactions/${encodeURIComponent(interactionId)}`, { attributes });
      if (res.status !== 204) throw new RetryableError(`setting attributes failed (${res.status})`);
    },

    async getAttributes(interactionId, names) {
      const res = await call(
        'GET',
        `/interactions/${encodeURIComponent(interactionId)}?select=${names.join(',')}`,
      );
      if (!res.ok) throw new RetryableError(`reading attributes failed (${res.status})`);
      return ((await res.json()) as { attributes: Record<string, string> }).attributes;
    },

    async disconnect(interactionId) {
      const res = await call('POST', `/interactions/${encodeURIComponent(interactionId)}/disconnect`);
      if (res.status === 404) return;
      if (res.status !== 204) throw new RetryableError(`disconnect failed (${res.status})`);
    },

    status: () => ({ connected: session !== undefined, server: session?.role ?? null, switchovers }),

    async close() {
      closed = true;
      clearTimeout(pollTimer);
      clearTimeout(probeTimer);
      const s = session;
      session = undefined;
      if (s)
        await raw(s.base, 'DELETE', `/icws/${s.sessionId}/connection`, undefined, s).catch(() => undefined);
    },
  };
  return connector;
}
