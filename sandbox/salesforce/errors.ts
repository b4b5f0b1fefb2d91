/**
 * Salesforce's error model: REST answers carry `[{ message, errorCode, fields? }]`; inside
 * Collections results the same error is `{ statusCode, message, fields }`. Domain code throws
 * `SfError`; routes turn it into the wire shape.
 */
export class SfError extends Error {
  readonly errorCode: string;
  readonly status: number;
  readonly fields: string[] | undefined;
  constructor(errorCode: string, message: string, opts: { status?: number; fields?: string[] } = {}) {
    super(message);
    this.name = 'SfError';
    this.errorCode = errorCode;
    this.status = opts.status ?? 400;
    this.fields = opts.fields;
  }
}

export interface SfErrorBody {
  message: string;
  errorCode: string;
  fields?: string[];
}

export function errorBody(e: SfError): SfErrorBody[] {
  return [{ message: e.message, errorCode: e.errorCode, ...(e.fields ? { fields: e.fields } : {}) }];
}

/** The error as an entry of Collections / upsert results. */
export function resultError(e: SfError): { statusCode: string; message: string; fields: string[] } {
  return { statusCode: e.errorCode, message: e.message, fields: e.fields ?? [] };
}

/** Any thrown value as an SfError; unknown failures become UNKNOWN_EXCEPTION (500) as on the platform. */
export function toSfError(err: unknown): SfError {
  if (err instanceof SfError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new SfError('UNKNOWN_EXCEPTION', `An unexpected error occurred: ${message}`, { status: 500 });
}

/** The error code Salesforce uses for a bare HTTP status (faults, unmatched routes). */
export function codeForStatus(status: number): string {
  switch (status) {
    case 401:
      return 'INVALID_SESSION_ID';
    case 403:
      return 'REQUEST_LIMIT_EXCEEDED';
    case 404:
      return 'NOT_FOUND';
    case 405:
      return 'METHOD_NOT_ALLOWED';
    case 415:
      return 'UNSUPPORTED_MEDIA_TYPE';
    case 503:
      return 'SERVER_UNAVAILABLE';
    default:
      return status >= 500 ? 'UNKNOWN_EXCEPTION' : 'BAD_REQUEST';
  }
}
