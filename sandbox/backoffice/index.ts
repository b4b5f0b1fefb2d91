/**
 * The back office sandbox: the `communication-history-manager` service of seed 002 plus the
 * customer directory Patchbay uses to match unpaired interactions and to erase a subject.
 */
import { randomUUID } from 'node:crypto';
import { createEmulator } from '../kit/emulator.ts';
import type { CommunicationRecord } from './communication-record.ts';
import type { Customer } from './customer.ts';
import { backofficeError } from './error-body.ts';
import { registerBackofficeRoutes } from './routes.ts';
import { BackofficeStore, type DuplicatePolicy } from './store.ts';

export type { CommunicationRecord, CommunicationRecordInput } from './communication-record.ts';
export type { Customer } from './customer.ts';
export type { DuplicatePolicy } from './store.ts';

export interface BackofficeSandboxOptions {
  /** Loopback port; 0 (default) picks a free one. */
  port?: number;
  /** Customers present at start and after `POST /__sandbox/reset`. */
  customers?: Customer[];
  /** Default `reject` (409 on a repeated interactionId + customerId). */
  duplicatePolicy?: DuplicatePolicy;
  now?: () => number;
}

export interface BackofficeSandbox {
  url: string;
  port: number;
  store: BackofficeStore;
  records(): CommunicationRecord[];
  addCustomer(c: Customer): void;
  /** The shared frame (faults, request log). */
  emulator: ReturnType<typeof createEmulator>;
  close(): Promise<void>;
}

export async function startBackofficeSandbox(
  opts: BackofficeSandboxOptions = {},
): Promise<BackofficeSandbox> {
  const now = opts.now ?? Date.now;
  const store = new BackofficeStore({
    duplicatePolicy: opts.duplicatePolicy ?? 'reject',
    newId: randomUUID,
    now,
  });
  const seed = () => {
    store.clear();
    for (const c of opts.customers ?? []) store.upsertCustomer({ ...c });
  };
  seed();
  const emulator = createEmulator({
    name: 'backoffice',
    now,
    errorBody: (status, message, req) => backofficeError(now(), status, message, req.url),
    onReset: seed,
  });
  registerBackofficeRoutes(emulator.app, store, now, randomUUID);
  const { url, port } = await emulator.listen(opts.port ?? 0);
  return {
    url,
    port,
    store,
    emulator,
    records: () => [...store.records],
    addCustomer: (c) => void store.upsertCustomer({ ...c }),
    close: () => emulator.close(),
  };
}
