/**
 * Streaming API: a faye Bayeux server at `/cometd/XX.X` authenticated by the OAuth token,
 * publishing Change Data Capture events (`/data/ChangeEvents`, `/data/<Object>ChangeEvent`) and
 * PushTopic events (`/topic/<Name>`) from committed store changes, with durable replay through
 * the `ext.replay` map jsforce's Replay extension sends on `/meta/subscribe`.
 */
import type { Server } from 'node:http';
import faye from 'faye';
import type { Ctx } from './context.ts';
import { SfError } from './errors.ts';
import type { ChangeEvent, Rec } from './store.ts';
import { compilePushTopic, type PushTopicMatcher } from './soql/pushtopic.ts';
import { formatDatetime } from './values.ts';

interface FayeMessage {
  channel: string;
  clientId?: string;
  subscription?: string;
  successful?: boolean;
  error?: string;
  advice?: Record<string, unknown>;
  ext?: Record<string, unknown>;
  data?: unknown;
}
type Next = (m: FayeMessage) => void;

interface MemoryEngine {
  _messages: Map<string, unknown[]>;
  emptyQueue(clientId: string): void;
  publish(message: unknown, channels: string[]): void;
}

const AUTH_INVALID = '401::Authentication invalid';

export class StreamingHub {
  private readonly adapter: {
    attach(server: Server): void;
    addExtension(ext: unknown): void;
    close(): void;
    _server: { _engine: { _engine: MemoryEngine } };
  };
  private readonly ctx: Ctx;
  private topics: { id: string; name: string; matcher: PushTopicMatcher; record: Rec }[] = [];

  constructor(ctx: Ctx) {
    this.ctx = ctx;
    const NodeAdapter = (faye as unknown as { NodeAdapter: new (o: object) => StreamingHub['adapter'] })
      .NodeAdapter;
    this.adapter = new NodeAdapter({ mount: '/cometd', timeout: 110 });
    this.adapter.addExtension({
      incoming: (
        message: FayeMessage,
        request: { headers?: Record<string, string | undefined> } | undefined,
        callback: Next,
      ) => this.incoming(message, request, callback),
      outgoing: (message: FayeMessage, _request: unknown, callback: Next) => {
        // The platform advertises durable replay in the handshake reply; jsforce's Replay extension relies on it.
        if (message.channel === '/meta/handshake' && message.successful)
          message.ext = { ...(message.ext ?? {}), replay: true, 'payload.format': true };
        if (message.error?.startsWith('401::')) message.advice = { reconnect: 'none', interval: 0 };
        callback(message);
      },
    });
    ctx.org.store.onCommit((events) => this.onCommit(events));
  }

  attach(server: Server): void {
    this.adapter.attach(server);
  }

  close(): void {
    this.adapter.close();
  }

  private engine(): MemoryEngine {
    // faye has no public API to deliver to one client; replay needs exactly that.
    return this.adapter._server._engine._engine;
  }

  private incoming(
    message: FayeMessage,
    request: { headers?: Record<string, string | undefined> } | undefined,
    callback: Next,
  ): void {
    if (!request) return callback(message);
    const auth = request.headers?.authorization ?? '';
    const token = /^(?:OAuth|Bearer)\s+(\S+)$/i.exec(auth)?.[1];
    const meta = message.channel.startsWith('/meta/');
    if (meta && message.channel !== '/meta/disconnect' && !this.ctx.auth.authenticate(token)) {
      message.error = AUTH_INVALID;
      return callback(message);
    }
    if (!meta) {
      message.error = '403::Publish denied';
      return callback(message);
    }
    if (message.channel === '/meta/subscribe') return this.subscribe(message, callback);
    callback(message);
  }

  private subscribe(message: FayeMessage, callback: Next): void {
    const channel = message.subscription ?? '';
    if (!this.knownChannel(channel)) {
      message.error = `400::The channel you requested to subscribe to does not exist {${channel}}`;
      return callback(message);
    }
    const replay = (message.ext?.replay as Record<string, unknown> | undefined)?.[channel];
    const from = replay === undefined || replay === null ? -1 : Number(replay);
    let backlog: { channel: string; data: Record<string, unknown> }[];
    try {
      backlog = this.ctx.events.replay(channel, from);
    } catch (e) {
      message.error = e instanceof SfError ? e.message : '400::Invalid replay id';
      return callback(message);
    }
    callback(message);
    const clientId = message.clientId;
    if (!clientId || backlog.length === 0) return;
    // Queue after the subscribe reply so the client has the subscription when the events arrive.
    setImmediate(() => {
      const engine = this.engine();
      const queue = engine._messages.get(clientId) ?? [];
      for (const ev of backlog)
        queue.push({
          channel: ev.channel,
          data: ev.data,
          id: `r${ev.data && (ev.data.event as { replayId: number }).replayId}`,
        });
      engine._messages.set(clientId, queue);
      engine.emptyQueue(clientId);
    });
  }

  private knownChannel(channel: string): boolean {
    if (channel === '/data/ChangeEvents') return true;
    const cdc = /^\/data\/(\w+?)ChangeEvent$/.exec(channel);
    if (cdc) {
      const name = cdc[1] ?? '';
      const meta = this.ctx.org.schema.object(name.endsWith('__') ? `${name}c` : name);
      return meta?.def.changeDataCapture === true;
    }
    const topic = /^\/topic\/(\w+)$/.exec(channel);
    if (topic) return this.loadTopics().some((t) => t.name.toLowerCase() === (topic[1] ?? '').toLowerCase());
    return false;
  }

  private loadTopics(): StreamingHub['topics'] {
    const { store } = this.ctx.org;
    const current: StreamingHub['topics'] = [];
    for (const rec of store.scan(store.meta('PushTopic'))) {
      if (rec.IsActive === false) continue;
      const cached = this.topics.find((t) => t.id === rec.Id && t.record === rec);
      if (cached) {
        current.push(cached);
        continue;
      }
      try {
        current.push({
          id: rec.Id as string,
          name: String(rec.Name),
          record: rec,
          matcher: compilePushTopic(String(rec.Query), store, this.ctx.now()),
        });
      } catch {
        // An invalid query cannot be saved on the platform; ignore it here.
      }
    }
    this.topics = current;
    return current;
  }

  private publish(channel: string, build: (replayId: number) => Record<string, unknown>): void {
    const ev = this.ctx.events.append(channel, build);
    this.engine().publish({ channel, data: ev.data, id: `e${ev.replayId}` }, [channel]);
  }

  private onCommit(events: ChangeEvent[]): void {
    for (const e of events) {
      const meta = this.ctx.org.schema.object(e.entity);
      if (meta?.def.changeDataCapture) this.publishCdc(e);
      if (e.entity !== 'PushTopic') this.publishTopics(e);
    }
  }

  /** Publish a gap-overflow event: subscribers must re-query the entity. */
  overflow(entity: string): void {
    const header = {
      entityName: entity,
      recordIds: [],
      changeType: 'GAP_OVERFLOW',
      changedFields: [],
      nulledFields: [],
      diffFields: [],
      changeOrigin: '',
      transactionKey: 'pb-overflow',
      sequenceNumber: 1,
      commitTimestamp: this.ctx.now(),
      commitUser: '',
      commitNumber: 0,
    };
    for (const ch of ['/data/ChangeEvents', `/data/${cdcName(entity)}`])
      this.publish(ch, (replayId) => ({
        schema: 'pb-cdc',
        payload: { ChangeEventHeader: header },
        event: { replayId },
      }));
  }

  private publishCdc(e: ChangeEvent): void {
    const gap = this.ctx.streaming.gapNext > 0;
    if (gap) this.ctx.streaming.gapNext--;
    const meta = this.ctx.org.schema.object(e.entity);
    const fields: Record<string, unknown> = {};
    if (!gap && meta && e.changeType !== 'DELETE') {
      const names = e.changeType === 'CREATE' ? Object.keys(e.record) : e.changedFields;
      for (const n of names) {
        if (n === 'Id' || n === 'IsDeleted' || n === 'SystemModstamp') continue;
        const f = meta.fieldsByLower.get(n.toLowerCase());
        const v = e.record[n];
        if (!f || v === null || v === undefined) continue;
        fields[n] = f.type === 'datetime' && typeof v === 'number' ? new Date(v).toISOString() : v;
      }
    }
    const header = {
      entityName: e.entity,
      recordIds: [e.recordId],
      changeType: gap ? `GAP_${e.changeType}` : e.changeType,
      changeOrigin: 'com/salesforce/api/rest/65.0',
      transactionKey: e.transactionKey,
      sequenceNumber: e.sequenceNumber,
      commitTimestamp: e.commitTimestamp,
      commitNumber: e.commitTimestamp * 1000 + e.sequenceNumber,
      commitUser: e.commitUser,
      nulledFields: gap ? [] : e.nulledFields,
      diffFields: [],
      changedFields: gap || e.changeType !== 'UPDATE' ? [] : e.changedFields,
    };
    for (const ch of ['/data/ChangeEvents', `/data/${cdcName(e.entity)}`]) {
      this.publish(ch, (replayId) => ({
        schema: 'pb-cdc',
        payload: { ChangeEventHeader: header, ...fields },
        event: { replayId },
      }));
    }
  }

  private publishTopics(e: ChangeEvent): void {
    for (const t of this.loadTopics()) {
      if (t.matcher.entity !== e.entity) continue;
      const r = t.record;
      const type =
        e.changeType === 'CREATE'
          ? 'created'
          : e.changeType === 'UPDATE'
            ? 'updated'
            : e.changeType === 'DELETE'
              ? 'deleted'
              : 'undeleted';
      const allowed = {
        created: r.NotifyForOperationCreate,
        updated: r.NotifyForOperationUpdate,
        deleted: r.NotifyForOperationDelete,
        undeleted: r.NotifyForOperationUndelete,
      }[type];
      if (allowed === false) continue;
      if (!t.matcher.matches(e.record)) continue;
      if (
        type === 'updated' &&
        !t.matcher.notifies(String(r.NotifyForFields ?? 'Referenced'), e.changedFields)
      )
        continue;
      const sobject = type === 'deleted' ? { Id: e.recordId } : t.matcher.project(e.record);
      this.publish(`/topic/${t.name}`, (replayId) => ({
        event: { createdDate: formatDatetime(e.commitTimestamp), replayId, type },
        sobject,
      }));
    }
  }
}

function cdcName(entity: string): string {
  return entity.endsWith('__c') ? `${entity.slice(0, -1)}ChangeEvent` : `${entity}ChangeEvent`;
}
