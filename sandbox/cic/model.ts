/**
 * Glossary of the CIC emulator. A *workgroup* is an ACD queue with member users; an *agent* is
 * a user with skills and a status; an *interaction* is the e-mail container SORS creates for a
 * Salesforce case; a *session* is one ICWS connection, bound to the instance it was made on.
 */

/** Statuses an agent can be set to; only `Available` receives ACD interactions. */
export const USER_STATUSES = [
  'Available',
  'Away',
  'At Lunch',
  'Do Not Disturb',
  'In a Meeting',
  'Gone Home',
  'Out of the Office',
] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

export interface CicUser {
  userId: string;
  password: string;
  displayName: string;
  skills: string[];
  status: UserStatus;
  /** How many e-mail interactions the agent handles at once (default 1). */
  maxInteractions: number;
}

export interface CicWorkgroup {
  name: string;
  members: string[];
  /** SORS subscribes only to workgroups with ACD e-mail routing enabled. */
  acdEmailRouting: boolean;
}

/** ICWS `Eic_State` codes used here: O offering (queued), A alerting (assigned), E disconnected. */
export type InteractionState = 'O' | 'A' | 'E';

export interface CicInteraction {
  interactionId: string;
  caseId: string;
  workgroup: string;
  requiredSkills: string[];
  state: InteractionState;
  assignedTo: string | null;
  createdAt: number;
  /** Custom attributes set through ICWS; the `Eic_*` ones are computed. */
  custom: Record<string, string>;
  subject: string;
  remoteAddress: string;
}

/** The ICWS attribute view of an interaction. */
export function interactionAttributes(i: CicInteraction): Record<string, string> {
  return {
    ...i.custom,
    Eic_CallId: i.interactionId,
    Eic_ObjectType: 'Email',
    Eic_CallDirection: 'I',
    Eic_State: i.state,
    Eic_WorkgroupName: i.workgroup,
    Eic_UserName: i.assignedTo ?? '',
    Eic_RemoteAddress: i.remoteAddress,
    Eic_Subject: i.subject,
    Eic_InitiationTime: new Date(i.createdAt).toISOString(),
    SORS_CaseId: i.caseId,
    SORS_RequiredSkills: i.requiredSkills.join(';'),
  };
}
