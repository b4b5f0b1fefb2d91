/**
 * GDPR requests. Status is derived from age (see progress.ts); a GDPR_DELETE deletes the
 * subject's external contacts when it reaches DELETING, applied lazily by `settle()` which
 * every GDPR and external-contacts route calls, and by a timer.
 */
import { randomUUID } from 'node:crypto';
import { statusAt, type GdprRequestType, type GdprStatus } from './progress.ts';

export interface GdprSubject {
  name?: string;
  userId?: string;
  externalContactId?: string;
  externalId?: string;
  addresses?: string[];
  phoneNumbers?: string[];
  emailAddresses?: string[];
}

export interface GdprRequestRecord {
  id: string;
  requestType: GdprRequestType;
  subject: GdprSubject;
  replacementTerms: { type?: string; existingValue?: string; updatedValue?: string }[];
  createdAt: number;
  createdBy: { id: string };
  applied: boolean;
  /** External contacts removed by a delete request, for assertions. */
  deletedContactIds: string[];
}

export class GdprStore {
  readonly requests = new Map<string, GdprRequestRecord>();
  private readonly stepMs: () => number;
  private readonly apply: (r: GdprRequestRecord) => void;

  constructor(stepMs: () => number, apply: (r: GdprRequestRecord) => void) {
    this.stepMs = stepMs;
    this.apply = apply;
  }

  add(r: Omit<GdprRequestRecord, 'id' | 'applied' | 'deletedContactIds'>): GdprRequestRecord {
    const rec: GdprRequestRecord = { ...r, id: randomUUID(), applied: false, deletedContactIds: [] };
    this.requests.set(rec.id, rec);
    return rec;
  }

  status(r: GdprRequestRecord, now: number): GdprStatus {
    return statusAt(r.requestType, r.createdAt, now, this.stepMs());
  }

  /** Apply the effects of requests that have reached their working stage. */
  settle(now: number): void {
    for (const r of this.requests.values()) {
      if (r.applied) continue;
      const s = this.status(r, now);
      if (s === 'DELETING' || s === 'UPDATING' || s === 'FINALIZING' || s === 'COMPLETED') {
        r.applied = true;
        this.apply(r);
      }
    }
  }

  clear(): void {
    this.requests.clear();
  }
}
