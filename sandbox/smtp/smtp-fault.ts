/**
 * The SMTP side's fault control, pure so the rules are tested without sockets. A fault makes
 * the server answer one SMTP stage with a 4xx (temporary: the client should retry later) or a
 * 5xx (permanent: it should not), for the next `times` transactions or until cleared.
 */

export const SMTP_STAGES = ['connect', 'auth', 'mail', 'rcpt', 'data'] as const;
export type SmtpStage = (typeof SMTP_STAGES)[number];

export interface SmtpFault {
  stage: SmtpStage;
  /** SMTP reply code 400–599, e.g. 421 (service not available), 451, 452, 550, 554. */
  code: number;
  message: string;
  /** Remaining failures; absent = every attempt until cleared. */
  times?: number;
}

const DEFAULT_MESSAGES: Record<string, string> = {
  '421': 'Service not available, closing transmission channel',
  '450': 'Requested mail action not taken: mailbox unavailable',
  '451': 'Requested action aborted: local error in processing',
  '452': 'Requested action not taken: insufficient system storage',
  '535': 'Authentication credentials invalid',
  '550': 'Requested action not taken: mailbox unavailable',
  '552': 'Requested mail action aborted: exceeded storage allocation',
  '554': 'Transaction failed',
};

export function validateSmtpFault(
  input: unknown,
): { ok: true; fault: SmtpFault } | { ok: false; message: string } {
  if (!input || typeof input !== 'object' || Array.isArray(input))
    return { ok: false, message: 'expected a JSON object { stage, code, message?, times? }' };
  const r = input as Record<string, unknown>;
  for (const k of Object.keys(r)) {
    if (!['stage', 'code', 'message', 'times'].includes(k))
      return { ok: false, message: `unknown property ${k}` };
  }
  const stage = r.stage ?? 'mail';
  if (typeof stage !== 'string' || !(SMTP_STAGES as readonly string[]).includes(stage)) {
    return { ok: false, message: `stage must be one of ${SMTP_STAGES.join(', ')}` };
  }
  if (typeof r.code !== 'number' || !Number.isInteger(r.code) || r.code < 400 || r.code > 599) {
    return { ok: false, message: 'code must be an SMTP reply code 400-599' };
  }
  if (r.message !== undefined && (typeof r.message !== 'string' || /[\r\n]/.test(r.message))) {
    return { ok: false, message: 'message must be a single-line string' };
  }
  if (r.times !== undefined && (typeof r.times !== 'number' || !Number.isInteger(r.times) || r.times < 1)) {
    return { ok: false, message: 'times must be a positive integer' };
  }
  const fault: SmtpFault = {
    stage: stage as SmtpStage,
    code: r.code,
    message:
      (typeof r.message === 'string' ? r.message : undefined) ??
      DEFAULT_MESSAGES[String(r.code)] ??
      (r.code < 500 ? 'Temporary failure' : 'Permanent failure'),
  };
  if (typeof r.times === 'number') fault.times = r.times;
  return { ok: true, fault };
}

/**
 * Whether `stage` fails now; consumes one of the fault's `times`. Returns the fault still in
 * force afterwards (undefined once exhausted) so the caller keeps state as plain data.
 */
export function takeFault(
  fault: SmtpFault | undefined,
  stage: SmtpStage,
): { fail?: { code: number; message: string }; next: SmtpFault | undefined } {
  if (!fault || fault.stage !== stage) return { next: fault };
  const fail = { code: fault.code, message: fault.message };
  if (fault.times === undefined) return { fail, next: fault };
  return { fail, next: fault.times > 1 ? { ...fault, times: fault.times - 1 } : undefined };
}
