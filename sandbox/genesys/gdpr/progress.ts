/**
 * GDPR request status as a function of its age. The platform's statuses are INITIATED,
 * SEARCHING, UPDATING, DELETING, FINALIZING, COMPLETED, ERROR; how long each takes is not
 * documented, so the step duration is configurable (`gdprStepMs`).
 */
export type GdprRequestType = 'GDPR_EXPORT' | 'GDPR_UPDATE' | 'GDPR_DELETE';
export type GdprStatus =
  'INITIATED' | 'SEARCHING' | 'UPDATING' | 'DELETING' | 'FINALIZING' | 'COMPLETED' | 'ERROR';

export const GDPR_REQUEST_TYPES: readonly GdprRequestType[] = ['GDPR_EXPORT', 'GDPR_UPDATE', 'GDPR_DELETE'];

export function stagesFor(type: GdprRequestType): GdprStatus[] {
  switch (type) {
    case 'GDPR_EXPORT':
      return ['INITIATED', 'SEARCHING', 'FINALIZING', 'COMPLETED'];
    case 'GDPR_UPDATE':
      return ['INITIATED', 'SEARCHING', 'UPDATING', 'COMPLETED'];
    case 'GDPR_DELETE':
      return ['INITIATED', 'SEARCHING', 'DELETING', 'COMPLETED'];
    default: {
      const never: never = type;
      throw new Error(`unknown GDPR request type ${String(never)}`);
    }
  }
}

export function statusAt(type: GdprRequestType, createdAt: number, now: number, stepMs: number): GdprStatus {
  const stages = stagesFor(type);
  const step = stepMs <= 0 ? stages.length : Math.floor((now - createdAt) / stepMs);
  return stages[Math.min(Math.max(step, 0), stages.length - 1)] ?? 'COMPLETED';
}
