/**
 * The SMTP side: an `smtp-server` on a loopback port that accepts every message into the
 * store, unless a fault says to answer a stage with a 4xx/5xx so Patchbay's retries are
 * exercised. STARTTLS is disabled (loopback only); AUTH is optional unless credentials are set.
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerAddress, type SMTPServerSession } from 'smtp-server';
import { parseMessage, type MailStore } from './mail-store.ts';
import { takeFault, type SmtpFault, type SmtpStage } from './smtp-fault.ts';

export interface SmtpListenerOptions {
  store: MailStore;
  now: () => number;
  /** When set, AUTH PLAIN/LOGIN with exactly these credentials is required. */
  auth?: { user: string; pass: string };
  /** Largest accepted message in bytes (advertised with SIZE). */
  maxMessageBytes: number;
}

export interface SmtpListener {
  fault: SmtpFault | undefined;
  listen(port: number): Promise<number>;
  close(): Promise<void>;
}

const smtpError = (code: number, message: string) =>
  Object.assign(new Error(message), { responseCode: code });

export function createSmtpListener(opts: SmtpListenerOptions): SmtpListener {
  const state: SmtpListener = {
    fault: undefined,
    listen,
    close,
  };
  /** Consume the current fault for `stage`; an Error carrying the SMTP code when it fails. */
  const check = (stage: SmtpStage): Error | null => {
    const t = takeFault(state.fault, stage);
    state.fault = t.next;
    return t.fail ? smtpError(t.fail.code, t.fail.message) : null;
  };
  const addr = (a: SMTPServerAddress | false) => (a ? a.address : null);

  const server = new SMTPServer({
    logger: false,
    secure: false,
    disabledCommands: ['STARTTLS'],
    authOptional: opts.auth === undefined,
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN'],
    size: opts.maxMessageBytes,
    // Tests close the sandbox while a client may still be connected; don't wait 30 s for it.
    closeTimeout: 100,
    onConnect(_session, cb) {
      cb(check('connect'));
    },
    onAuth(auth, _session, cb) {
      const err = check('auth');
      if (err) return cb(err);
      if (opts.auth && (auth.username !== opts.auth.user || auth.password !== opts.auth.pass)) {
        return cb(smtpError(535, 'Authentication credentials invalid'));
      }
      cb(null, { user: auth.username ?? 'anonymous' });
    },
    onMailFrom(_address, _session, cb) {
      cb(check('mail'));
    },
    onRcptTo(_address, _session, cb) {
      cb(check('rcpt'));
    },
    onData(stream, session: SMTPServerSession, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('error', (e) => cb(e));
      stream.on('end', () => {
        if ((stream as { sizeExceeded?: boolean }).sizeExceeded)
          return cb(smtpError(552, 'Message exceeds fixed maximum message size'));
        const err = check('data');
        if (err) return cb(err);
        const raw = Buffer.concat(chunks);
        const meta = {
          id: opts.store.nextId(),
          receivedAt: new Date(opts.now()).toISOString(),
          envelope: {
            mailFrom: addr(session.envelope.mailFrom),
            rcptTo: session.envelope.rcptTo.map((r) => r.address),
          },
        };
        // Accept only once stored, so a 250 means the message is visible through the API.
        parseMessage(raw, meta).then(
          (m) => {
            opts.store.add(m);
            cb(null, `Ok: queued as ${m.id}`);
          },
          (e: unknown) =>
            cb(smtpError(451, `Could not parse message: ${e instanceof Error ? e.message : String(e)}`)),
        );
      });
    },
  });
  server.on('error', () => {
    // Per-connection errors (client resets) are normal in tests; never crash the process.
  });

  function listen(port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      server.server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve((server.server.address() as AddressInfo).port));
    });
  }
  function close(): Promise<void> {
    return new Promise((resolve) => server.close(() => resolve()));
  }
  return state;
}
