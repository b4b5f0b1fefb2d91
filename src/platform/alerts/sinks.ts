/**
 * The alert sinks beyond the log: a webhook (Slack-compatible JSON) and e-mail. Each notification is a
 * durable job enqueued with the alert's state change, so a sink that is down is retried on the queue's
 * backoff schedule and never blocks or loses the alert.
 */
import nodemailer from 'nodemailer';
import { errorForHttpStatus, PermanentError, RetryableError } from '../jobs/errors.ts';
import type { Queue } from '../jobs/index.ts';
import { noticeEmailBody, noticeSubject, noticeText, type AlertNotice } from './text.ts';

declare module '../jobs/types.ts' {
  interface JobKinds {
    'alerts.webhook': AlertNotice;
    'alerts.email': AlertNotice;
  }
}

export interface AlertSinks {
  /** POST `{ text, patchbay }` here (a Slack incoming webhook or anything compatible). */
  webhook?: { url: string; timeoutMs?: number } | undefined;
  /** Send through this SMTP server (`smtp://user:pass@host:port`, `smtps://…`). */
  email?: { smtpUrl: string; from: string; to: readonly string[] } | undefined;
}

export type SinkName = keyof AlertSinks;

export const sinkKinds = { webhook: 'alerts.webhook', email: 'alerts.email' } as const;

/** The JSON a webhook sink receives: Slack's `text`, plus the structured alert for other receivers. */
export function webhookBody(n: AlertNotice): { text: string; patchbay: AlertNotice } {
  return { text: noticeText(n), patchbay: n };
}

/**
 * Defines the sink job kinds on the queue. A sink removed from the configuration while jobs were
 * pending completes them as skipped rather than parking them.
 */
export function defineSinkJobs(queue: Queue, sinks: AlertSinks): void {
  const mailer = sinks.email === undefined ? undefined : nodemailer.createTransport(sinks.email.smtpUrl);

  queue.define(sinkKinds.webhook, {
    concurrency: 1, // in order, as far as one process can keep it
    async handler(notice, ctx) {
      const hook = sinks.webhook;
      if (hook === undefined) return { skipped: 'no webhook configured' };
      let res: Response;
      try {
        res = await fetch(hook.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(webhookBody(notice)),
          signal: AbortSignal.any([ctx.signal, AbortSignal.timeout(hook.timeoutMs ?? 10_000)]),
          redirect: 'error',
        });
      } catch (e) {
        throw new RetryableError('alert webhook unreachable', { cause: e });
      }
      await res.body?.cancel();
      if (!res.ok)
        throw errorForHttpStatus(
          res.status,
          res.headers.get('retry-after'),
          `alert webhook answered ${res.status}`,
        );
      return { status: res.status };
    },
  });

  queue.define(sinkKinds.email, {
    concurrency: 1, // in order, as far as one process can keep it
    async handler(notice) {
      const email = sinks.email;
      if (email === undefined || mailer === undefined || email.to.length === 0)
        return { skipped: 'no e-mail configured' };
      try {
        const info = await mailer.sendMail({
          from: email.from,
          to: [...email.to],
          subject: noticeSubject(notice),
          text: noticeEmailBody(notice),
        });
        return { messageId: info.messageId };
      } catch (e) {
        // SMTP 5xx is a permanent refusal (bad recipient, policy); 4xx and connection errors are worth retrying.
        const code = (e as { responseCode?: unknown }).responseCode;
        if (typeof code === 'number' && code >= 500)
          throw new PermanentError(`SMTP server refused the alert e-mail (${code})`, { cause: e });
        throw new RetryableError('alert e-mail not sent', { cause: e });
      }
    },
  });
}
