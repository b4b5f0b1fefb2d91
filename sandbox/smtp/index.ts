/**
 * The SMTP sandbox: a mail server that keeps everything it receives, with an HTTP API and a
 * tiny inbox page (on the shared emulator frame) and a fault control for the SMTP side.
 */
import { createEmulator } from '../kit/emulator.ts';
import { MailStore, type StoredMessage } from './mail-store.ts';
import { registerSmtpRoutes, smtpApiError } from './routes.ts';
import type { SmtpFault } from './smtp-fault.ts';
import { createSmtpListener } from './smtp-listener.ts';

export type { StoredMessage, StoredAttachment } from './mail-store.ts';
export type { SmtpFault, SmtpStage } from './smtp-fault.ts';

export interface SmtpSandboxOptions {
  /** SMTP port on 127.0.0.1; 0 (default) picks a free one. */
  smtpPort?: number;
  /** HTTP API port on 127.0.0.1; 0 (default) picks a free one. */
  httpPort?: number;
  /** Require AUTH with these credentials (default: AUTH optional, any credentials accepted). */
  auth?: { user: string; pass: string };
  /** Default 25 MiB. */
  maxMessageBytes?: number;
  now?: () => number;
}

export interface SmtpSandbox {
  /** HTTP API base URL. */
  url: string;
  smtpHost: '127.0.0.1';
  smtpPort: number;
  messages(): StoredMessage[];
  /** Resolves with the first stored message (already present or arriving later) that matches. */
  waitForMessage(match?: (m: StoredMessage) => boolean): Promise<StoredMessage>;
  setSmtpFault(fault: SmtpFault | undefined): void;
  clear(): void;
  emulator: ReturnType<typeof createEmulator>;
  close(): Promise<void>;
}

export async function startSmtpSandbox(opts: SmtpSandboxOptions = {}): Promise<SmtpSandbox> {
  const now = opts.now ?? Date.now;
  const store = new MailStore();
  const listener = createSmtpListener({
    store,
    now,
    maxMessageBytes: opts.maxMessageBytes ?? 25 * 1024 * 1024,
    ...(opts.auth ? { auth: opts.auth } : {}),
  });
  const emulator = createEmulator({
    name: 'smtp',
    now,
    errorBody: (status, message) =>
      smtpApiError(status === 404 ? 'not_found' : status >= 500 ? 'unavailable' : 'bad_request', message),
    onReset: () => {
      store.clear();
      listener.fault = undefined;
    },
  });
  registerSmtpRoutes(emulator.app, store, listener);
  const smtpPort = await listener.listen(opts.smtpPort ?? 0);
  const { url } = await emulator.listen(opts.httpPort ?? 0);

  return {
    url,
    smtpHost: '127.0.0.1',
    smtpPort,
    emulator,
    messages: () => store.list(),
    waitForMessage(match = () => true) {
      const found = store.list().find(match);
      if (found) return Promise.resolve(found);
      return new Promise((resolve) => {
        const on = (m: StoredMessage) => {
          if (!match(m)) return;
          store.off('message', on);
          resolve(m);
        };
        store.on('message', on);
      });
    },
    setSmtpFault(fault) {
      listener.fault = fault;
    },
    clear() {
      store.clear();
    },
    async close() {
      await Promise.all([listener.close(), emulator.close()]);
    },
  };
}
