/**
 * In-memory state of the back office emulator: customers and communication records, with the
 * duplicate policy and GDPR erasure. No HTTP here, so tests and the simulator can use it directly.
 */
import type { CommunicationRecord, CommunicationRecordInput } from './communication-record.ts';
import { matchesEmail, matchesPhone, type Customer } from './customer.ts';

/**
 * What a second record with the same `interactionId` + `customerId` does:
 * `reject` answers 409 (the default: it makes a retried delivery visible to tests),
 * `accept` stores it again like a service with no unique constraint.
 */
export type DuplicatePolicy = 'reject' | 'accept';

export type AddRecordResult =
  { ok: true; record: CommunicationRecord } | { ok: false; duplicateOf: CommunicationRecord };

export class BackofficeStore {
  readonly customers = new Map<string, Customer>();
  records: CommunicationRecord[] = [];
  duplicatePolicy: DuplicatePolicy;
  private readonly newId: () => string;
  private readonly now: () => number;

  constructor(opts: { duplicatePolicy: DuplicatePolicy; newId: () => string; now: () => number }) {
    this.duplicatePolicy = opts.duplicatePolicy;
    this.newId = opts.newId;
    this.now = opts.now;
  }

  addRecord(input: CommunicationRecordInput): AddRecordResult {
    if (this.duplicatePolicy === 'reject') {
      const dup = this.records.find(
        (r) => r.interactionId === input.interactionId && r.customerId === input.customerId,
      );
      if (dup) return { ok: false, duplicateOf: dup };
    }
    const record: CommunicationRecord = {
      id: this.newId(),
      createdAt: new Date(this.now()).toISOString(),
      ...input,
    };
    this.records.push(record);
    return { ok: true, record };
  }

  listRecords(filter: {
    interactionId?: string;
    customerId?: string;
    customerHandle?: string;
  }): CommunicationRecord[] {
    return this.records.filter(
      (r) =>
        (filter.interactionId === undefined || r.interactionId === filter.interactionId) &&
        (filter.customerId === undefined || r.customerId === filter.customerId) &&
        (filter.customerHandle === undefined || r.customerHandle === filter.customerHandle),
    );
  }

  upsertCustomer(c: Customer): { created: boolean } {
    const created = !this.customers.has(c.id);
    this.customers.set(c.id, c);
    return { created };
  }

  findCustomers(by: { phone?: string; email?: string }): Customer[] {
    return [...this.customers.values()].filter(
      (c) =>
        (by.phone === undefined || matchesPhone(c, by.phone)) &&
        (by.email === undefined || matchesEmail(c, by.email)),
    );
  }

  /**
   * GDPR erasure of a customer: the customer, every record paired with them, and every unpaired
   * record whose handle is one of their phone/e-mail (those are theirs too, only not matched yet).
   */
  eraseCustomer(id: string): { found: false } | { found: true; deletedRecords: number } {
    const c = this.customers.get(id);
    if (!c) return { found: false };
    this.customers.delete(id);
    const handles = new Set([c.phone, c.email?.toLowerCase()].filter((h): h is string => !!h));
    const before = this.records.length;
    this.records = this.records.filter(
      (r) => r.customerId !== id && !(r.customerId === null && handles.has(r.customerHandle.toLowerCase())),
    );
    return { found: true, deletedRecords: before - this.records.length };
  }

  /** Erase every record with this handle (exact; e-mail handles case-insensitively). */
  eraseRecordsByHandle(handle: string): number {
    const h = handle.toLowerCase();
    const before = this.records.length;
    this.records = this.records.filter((r) => r.customerHandle.toLowerCase() !== h);
    return before - this.records.length;
  }

  clear(): void {
    this.customers.clear();
    this.records = [];
  }
}
