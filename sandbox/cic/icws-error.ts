/** ICWS error body: `{ errorId, message }` (errorId values are dotted identifiers). */
export interface IcwsErrorBody {
  errorId: string;
  message: string;
}

const IDS: Record<number, string> = {
  400: 'error.request.invalidRepresentation',
  401: 'error.request.unauthorized',
  404: 'error.request.resourceNotFound',
  410: 'error.request.connection.invalidSession',
  500: 'error.server.internal',
  503: 'error.server.unavailable',
};

export function icwsError(status: number, message: string, errorId?: string): IcwsErrorBody {
  return { errorId: errorId ?? IDS[status] ?? (status >= 500 ? 'error.server' : 'error.request'), message };
}
