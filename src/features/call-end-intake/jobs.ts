/** The job kinds of the after-call features and their payloads (the inbox event holds the body). */
declare module '../../platform/jobs/types.ts' {
  interface JobKinds {
    /** Seed 000: one Salesforce Task (and Contact update) per conversation end. Key `activity-log:<conversationId>`. */
    'activity-log': { eventId: string; conversationId: string };
    /** Seed 002: communication record(s) per supportResult. Key `support-result:<conversationId>`. */
    'support-result': { eventId: string; conversationId: string };
    /** Seed 003: upsert the merged interaction log as a Task. Key `save-log:<interactionId>:<version>`. */
    'save-log.upsert': { interactionId: string; version: number };
  }
}

export const CALL_END_SOURCE = 'call-end';
export const SUPPORT_RESULT_SOURCE = 'support-result';
export const SAVE_LOG_SOURCE = 'save-log';
