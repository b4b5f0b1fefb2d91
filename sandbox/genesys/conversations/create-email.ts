/**
 * `POST /api/v2/conversations/emails` (SDK `ConversationsApi.postConversationsEmails`, body
 * `CreateEmailRequest`): validation of the body into what the store needs. ACD routing to a queue
 * only (direction INBOUND) — `flowId` (an inbound e-mail flow), `skillExpression` and OUTBOUND are
 * not emulated and answer 400.
 */
import type { GenesysContext } from '../context.ts';

export interface CreateEmailInput {
  queueId: string;
  provider: string;
  skillIds: string[];
  priority: number;
  languageId?: string;
  attributes: Record<string, string>;
  /** The customer's address (`fromAddress`). */
  customerAddress: string;
  /** The address the e-mail was sent to (`toAddress`; may be empty). */
  ownAddress: string;
  subject?: string;
}

const STRING_FIELDS = [
  'queueId',
  'flowId',
  'provider',
  'skillExpression',
  'languageId',
  'toAddress',
  'toName',
  'fromAddress',
  'fromName',
  'subject',
  'direction',
  'htmlBody',
  'textBody',
  'externalContactId',
  'utilizationLabel',
] as const;

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The parsed request, or the 400 message (vendor code `bad.request`). */
export function parseCreateEmail(
  body: unknown,
  directory: Pick<GenesysContext['directory'], 'queue' | 'skill'>,
): { ok: true; value: CreateEmailInput } | { ok: false; message: string } {
  const bad = (message: string) => ({ ok: false as const, message });
  if (!isRecord(body)) return bad('The request body must be a CreateEmailRequest object');
  for (const f of STRING_FIELDS)
    if (body[f] !== undefined && typeof body[f] !== 'string') return bad(`${f} must be a string`);
  const str = (f: (typeof STRING_FIELDS)[number]) => (body[f] as string | undefined) ?? undefined;
  const provider = str('provider');
  if (!provider) return bad('provider is required');
  if (str('flowId') !== undefined)
    return bad('flowId is not supported by the sandbox: route to a queue with queueId');
  const queueId = str('queueId');
  if (!queueId) return bad('queueId or flowId is required');
  if (!directory.queue(queueId)) return bad(`Queue ${queueId} not found`);
  if (str('skillExpression') !== undefined) return bad('skillExpression is not supported by the sandbox');
  const direction = (str('direction') ?? 'INBOUND').toUpperCase();
  if (direction === 'OUTBOUND')
    return bad('direction OUTBOUND is not supported by the sandbox (ACD inbound e-mail only)');
  if (direction !== 'INBOUND') return bad('direction must be INBOUND or OUTBOUND');
  let skillIds: string[] = [];
  if (body.skillIds !== undefined) {
    if (!Array.isArray(body.skillIds) || body.skillIds.some((s) => typeof s !== 'string' || s === ''))
      return bad('skillIds must be an array of skill IDs');
    skillIds = [...new Set(body.skillIds as string[])];
    // A context without a skill lookup (test harness) accepts any ID.
    const unknown = directory.skill ? skillIds.find((id) => !directory.skill?.(id)) : undefined;
    if (unknown !== undefined) return bad(`Skill ${unknown} not found`);
  }
  let priority = 0;
  if (body.priority !== undefined) {
    if (typeof body.priority !== 'number' || !Number.isInteger(body.priority))
      return bad('priority must be an integer');
    priority = body.priority;
  }
  const attributes: Record<string, string> = {};
  if (body.attributes !== undefined) {
    if (!isRecord(body.attributes)) return bad('attributes must map names to string values');
    for (const [k, v] of Object.entries(body.attributes)) {
      if (typeof v !== 'string') return bad(`Attribute ${k} must be a string`);
      attributes[k] = v;
    }
  }
  const customerAddress = str('fromAddress');
  if (!customerAddress) return bad('fromAddress is required for an INBOUND e-mail');
  const languageId = str('languageId');
  const subject = str('subject');
  return {
    ok: true,
    value: {
      queueId,
      provider,
      skillIds,
      priority,
      ...(languageId !== undefined ? { languageId } : {}),
      attributes,
      customerAddress,
      ownAddress: str('toAddress') ?? '',
      ...(subject !== undefined ? { subject } : {}),
    },
  };
}
