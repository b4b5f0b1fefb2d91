/** What the sinks say: pure formatting of an alert event into chat text and e-mail. */
import type { AlertSeverity } from './migrations.ts';

/** `raised`: the alert opened; `reminder`: still open after the re-notify interval; `resolved`: recovered. */
export type AlertEvent = 'raised' | 'reminder' | 'resolved';

export interface AlertSnapshot {
  id: string;
  condition: string;
  severity: AlertSeverity;
  message: string;
  count: number;
  openedAt: number;
  /** For `resolved`: when, and the recovery message. */
  resolvedAt?: number;
  resolveMessage?: string;
}

export interface AlertNotice {
  event: AlertEvent;
  alert: AlertSnapshot;
  /** Epoch ms of the event. */
  at: number;
}

const icon: Record<AlertSeverity, string> = {
  critical: ':rotating_light:',
  warning: ':warning:',
  info: ':information_source:',
};

/** "1 h 5 min", "10 min", "45 s". */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const min = Math.floor(s / 60);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  const d = Math.floor(h / 24);
  if (d > 0) return `${d} d ${h % 24} h`;
  return min % 60 === 0 ? `${h} h` : `${h} h ${min % 60} min`;
}

const times = (n: number) => (n === 1 ? 'once' : `${n.toLocaleString('en-US')} times`);

/** One line of chat text (Slack mrkdwn-safe: no user input is interpreted as a mention). */
export function noticeText(n: AlertNotice): string {
  const a = n.alert;
  const subject = `${a.condition}: ${escapeMrkdwn(a.message)}`;
  switch (n.event) {
    case 'raised':
      return `${icon[a.severity]} [${a.severity.toUpperCase()}] ${subject}`;
    case 'reminder':
      return `${icon[a.severity]} [${a.severity.toUpperCase()}] still open after ${formatDuration(n.at - a.openedAt)} (raised ${times(a.count)}) ${subject}`;
    case 'resolved':
      return `:white_check_mark: [RESOLVED] ${a.condition}: ${escapeMrkdwn(a.resolveMessage ?? 'recovered')} (open ${formatDuration(n.at - a.openedAt)}, raised ${times(a.count)})`;
    default: {
      const never: never = n.event;
      throw new Error(`unknown alert event ${String(never)}`);
    }
  }
}

export function noticeSubject(n: AlertNotice): string {
  const tag = n.event === 'resolved' ? 'RESOLVED' : n.alert.severity.toUpperCase();
  return `[Patchbay ${tag}] ${n.alert.condition}`;
}

export function noticeEmailBody(n: AlertNotice): string {
  const a = n.alert;
  return [
    noticeText(n).replace(/^:[a-z_]+: /, ''),
    '',
    `Condition: ${a.condition}`,
    `Severity:  ${a.severity}`,
    `Opened:    ${new Date(a.openedAt).toISOString()}`,
    ...(a.resolvedAt === undefined ? [] : [`Resolved:  ${new Date(a.resolvedAt).toISOString()}`]),
    `Raised:    ${times(a.count)}`,
    `Alert id:  ${a.id}`,
  ].join('\n');
}

/** Slack treats `<…>` as links/mentions and `&` as an entity: escape them as Slack documents. */
function escapeMrkdwn(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
