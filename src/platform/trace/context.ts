/**
 * The correlation ID of the interaction being processed, carried implicitly through async calls
 * (AsyncLocalStorage): the queue runs a traced job inside it, `enqueue` stamps it on follow-on
 * jobs, and connectors send it as `x-correlation-id`. One ID per interaction (the Genesys
 * conversation ID for after-call work), so logs, job rows and outbound calls join on it.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

/** Sent on outbound HTTP calls made on behalf of a traced job. */
export const CORRELATION_HEADER = 'x-correlation-id';

const storage = new AsyncLocalStorage<string>();

/** The correlation ID of the current async context, if any. */
export function currentCorrelationId(): string | undefined {
  return storage.getStore();
}

/** Runs `fn` with `id` as the current correlation ID (unchanged context when `id` is null/undefined). */
export function withCorrelation<T>(id: string | null | undefined, fn: () => T): T {
  return id === null || id === undefined ? fn() : storage.run(id, fn);
}

/** `{ 'x-correlation-id': id }` for the current context, or `{}`. */
export function correlationHeaders(): Record<string, string> {
  const id = storage.getStore();
  return id === undefined ? {} : { [CORRELATION_HEADER]: id };
}
