/**
 * The back office is a Spring Boot service; its errors use Spring's default body
 * `{ timestamp, status, error, message, path }`. Validation errors add `field` so a caller
 * (and a test) can tell which attribute was refused.
 */
import { STATUS_CODES } from 'node:http';

export interface BackofficeErrorBody {
  timestamp: string;
  status: number;
  error: string;
  message: string;
  path: string;
  field?: string;
}

export function backofficeError(
  now: number,
  status: number,
  message: string,
  url: string,
  field?: string,
): BackofficeErrorBody {
  return {
    timestamp: new Date(now).toISOString(),
    status,
    error: STATUS_CODES[status] ?? 'Error',
    message,
    path: url.split('?')[0] ?? url,
    ...(field !== undefined ? { field } : {}),
  };
}
