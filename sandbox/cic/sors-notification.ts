/**
 * The custom notification SORS raises to have the CIC handler create an e-mail interaction.
 * The real handler's object/event IDs and data layout are not published, so these are our
 * choice, configurable per sandbox (docs/sandbox/cic.md).
 */

export interface SorsRoutingIds {
  /** `objectId` of every notification the handler listens to and sends. */
  objectId: string;
  /** Sent by SORS: create an e-mail interaction for a case. */
  createEventId: string;
  /** Sent by the handler: `[caseId, interactionId]`. */
  createdEventId: string;
  /** Sent by the handler: `[caseId, reason]`. */
  failedEventId: string;
}

export const DEFAULT_SORS_IDS: SorsRoutingIds = {
  objectId: 'SalesforceObjectRouting',
  createEventId: 'CreateEmailInteraction',
  createdEventId: 'EmailInteractionCreated',
  failedEventId: 'EmailInteractionFailed',
};

export interface CreateEmailRequest {
  caseId: string;
  workgroup: string;
  skills: string[];
  subject: string;
  remoteAddress: string;
}

/**
 * `data` = `[caseId, workgroupName, skills, subject?, senderAddress?]`; skills are the
 * `ObjectRouting_Skills__c` value: semicolon-separated, no pipes, no leading spaces, ≤ 255 chars.
 */
export function parseCreateEmail(
  data: readonly string[],
): { ok: true; value: CreateEmailRequest } | { ok: false; reason: string } {
  const [caseId = '', workgroup = '', skills = '', subject = '', remoteAddress = ''] = data;
  if (caseId.trim() === '') return { ok: false, reason: 'data[0] (case id) is required' };
  if (workgroup.trim() === '') return { ok: false, reason: 'data[1] (workgroup name) is required' };
  if (skills.length > 255) return { ok: false, reason: 'skills exceed 255 characters' };
  if (skills.includes('|')) return { ok: false, reason: 'skills must be separated by semicolons, not pipes' };
  const list = skills === '' ? [] : skills.split(';').filter((s) => s !== '');
  if (list.some((s) => s.startsWith(' ')))
    return { ok: false, reason: 'skill names must not begin with a space' };
  return { ok: true, value: { caseId, workgroup, skills: list, subject, remoteAddress } };
}
