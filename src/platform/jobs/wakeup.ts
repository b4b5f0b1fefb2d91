/**
 * In-process wake-up: a queue in this process polls at once when a job is enqueued here, instead
 * of waiting for its next timer poll. Other processes still find the job on their timer.
 */
import { EventEmitter } from 'node:events';

const signal = new EventEmitter();
signal.setMaxListeners(0);

export function signalEnqueued(kind: string): void {
  signal.emit('enqueued', kind);
}

/** Calls `fn` whenever a job is enqueued in this process; returns the unsubscribe function. */
export function onEnqueued(fn: (kind: string) => void): () => void {
  signal.on('enqueued', fn);
  return () => signal.off('enqueued', fn);
}
