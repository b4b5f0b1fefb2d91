/**
 * Outgoing mail: a thin wrapper over nodemailer. One transport per hub, configured from
 * `SMTP_URL`. Failures are classified so a job can retry temporary ones (SMTP 4xx, connection
 * errors) and park permanent ones (SMTP 5xx: bad recipient, message refused).
 */
import nodemailer from 'nodemailer';
import type { Transporter } from 'nodemailer';

export interface MailAttachment {
  filename: string;
  content: Buffer | string;
  contentType: string;
}

export interface MailMessage {
  to: string[];
  subject: string;
  text: string;
  html?: string;
  attachments?: MailAttachment[];
}

export interface Mailer {
  /** Resolves with the server's message id; rejects with {@link MailError}. */
  send(message: MailMessage): Promise<{ messageId: string }>;
  close(): void;
}

export interface MailerOptions {
  /** `smtp://user:pass@host:port` or `smtps://…` (TLS on connect). */
  url: string;
  from: string;
  /** Socket timeouts (default 30 s). */
  timeoutMs?: number;
}

/** A failed send; `temporary` is true for SMTP 4xx and network errors. */
export class MailError extends Error {
  override readonly name = 'MailError';
  readonly temporary: boolean;
  readonly smtpCode: number | undefined;
  constructor(
    message: string,
    options: { temporary: boolean; smtpCode?: number | undefined; cause?: unknown },
  ) {
    super(message, { cause: options.cause });
    this.temporary = options.temporary;
    this.smtpCode = options.smtpCode;
  }
}

export function createMailer(options: MailerOptions): Mailer {
  const url = new URL(options.url);
  const timeout = options.timeoutMs ?? 30_000;
  const secure = url.protocol === 'smtps:';
  const transport: Transporter = nodemailer.createTransport({
    host: url.hostname,
    port: url.port ? Number(url.port) : secure ? 465 : 587,
    secure,
    ...(url.username
      ? { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } }
      : {}),
    // Loopback servers (the sandbox) offer no STARTTLS; elsewhere nodemailer upgrades when offered.
    ignoreTLS: url.hostname === '127.0.0.1' || url.hostname === 'localhost',
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
  });
  return {
    async send(message) {
      try {
        const info = (await transport.sendMail({
          from: options.from,
          to: message.to.join(', '),
          subject: message.subject,
          text: message.text,
          ...(message.html !== undefined ? { html: message.html } : {}),
          ...(message.attachments ? { attachments: message.attachments } : {}),
        })) as { messageId: string };
        return { messageId: info.messageId };
      } catch (err) {
        throw classifyMailError(err);
      }
    },
    close() {
      transport.close();
    },
  };
}

/** nodemailer errors carry `responseCode` for SMTP replies; anything without one is a network error. */
export function classifyMailError(err: unknown): MailError {
  const e = err as { message?: string; responseCode?: number; code?: string };
  const code = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  const temporary = code === undefined || (code >= 400 && code < 500);
  const what = code !== undefined ? `SMTP ${code}` : (e.code ?? 'network error');
  return new MailError(`mail not sent (${what}): ${e.message ?? String(err)}`, {
    temporary,
    smtpCode: code,
    cause: err,
  });
}
