/**
 * CDC / PushTopic subscriptions over jsforce's faye client with the Replay and AuthFailure
 * extensions. The faye client sends the token it was created with, so after an auth failure
 * we re-authorize and re-handshake with a new client, resuming after the last event that
 * `onEvent` finished (events are handled one at a time, in order).
 */
import { createRequire } from 'node:module';
import type { Connection } from 'jsforce';
import type { Logger } from '../../platform/log/logger.ts';

export interface StreamingEvent<T = unknown> {
  channel: string;
  /** Store it; pass it back as `replayId` to resume after this event. */
  replayId: number;
  /** CDC: `{ ChangeEventHeader, …fields }`; PushTopic: `{ event, sobject }`. */
  payload: T;
}

export interface SalesforceSubscription {
  unsubscribe(): void;
  /** Replay ID of the last event `onEvent` completed (undefined before the first). */
  lastReplayId(): number | undefined;
}

interface FayeClient {
  subscribe(channel: string, fn: (m: unknown) => void): Promise<unknown> & { cancel(): void };
  disconnect(): void;
}

type Extension = { incoming(message: unknown, callback: (m: unknown) => void): void };

// Loaded without its type declarations: they declare a 'faye' module that clashes with the
// sandbox's own declaration of the faye server.
const { StreamingExtension } = createRequire(import.meta.url)('jsforce/lib/api/streaming.js') as {
  StreamingExtension: {
    Replay: new (channel: string, replayId: number) => Extension;
    AuthFailure: new (onFailure: (message: unknown) => void) => Extension;
  };
};

const MAX_AUTH_RETRIES = 3;

export async function subscribeStreaming<T>(opts: {
  conn: Connection;
  channel: string;
  replayId: number;
  onEvent: (event: StreamingEvent<T>) => void | Promise<void>;
  reauthorize: () => Promise<void>;
  log: Logger;
  onClose: () => void;
}): Promise<SalesforceSubscription> {
  const { conn, channel, log } = opts;
  let last: number | undefined;
  let client: FayeClient | undefined;
  let closed = false;
  let authFailures = 0;
  let chain: Promise<void> = Promise.resolve();

  const deliver = (message: unknown) => {
    const m = message as { event?: { replayId?: unknown }; payload?: unknown };
    const replayId = typeof m.event?.replayId === 'number' ? m.event.replayId : undefined;
    if (replayId === undefined) return;
    authFailures = 0;
    const payload = (m.payload ?? message) as T;
    chain = chain.then(async () => {
      if (closed) return;
      try {
        await opts.onEvent({ channel, replayId, payload });
        last = replayId;
      } catch (err) {
        // The event stays unacknowledged: a resubscription from lastReplayId() delivers it again.
        log.error({ channel, replayId, err: (err as Error).name }, 'salesforce streaming handler failed');
      }
    });
  };

  const connect = async (): Promise<void> => {
    const replay = new StreamingExtension.Replay(channel, last ?? opts.replayId);
    const authFailure = new StreamingExtension.AuthFailure(() => {
      if (closed) return;
      client?.disconnect();
      authFailures++;
      if (authFailures > MAX_AUTH_RETRIES) {
        log.error({ channel }, 'salesforce streaming: authentication keeps failing; giving up');
        return;
      }
      log.info(
        { channel },
        'salesforce streaming: authentication invalid; re-authorizing and re-handshaking',
      );
      // Make jsforce log in again even if its token looks present.
      conn.accessToken = null;
      opts
        .reauthorize()
        .then(() => connect())
        .catch((err: unknown) =>
          log.error(
            { channel, code: (err as { code?: string }).code },
            'salesforce streaming: reconnect failed',
          ),
        );
    });
    client = conn.streaming.createClient([replay, authFailure] as never) as unknown as FayeClient;
    await client.subscribe(channel, deliver);
  };

  await connect();
  return {
    unsubscribe() {
      if (closed) return;
      closed = true;
      client?.disconnect();
      opts.onClose();
    },
    lastReplayId: () => last,
  };
}
