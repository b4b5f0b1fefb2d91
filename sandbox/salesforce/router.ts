/**
 * A synchronous router for the REST API. Resolvers are plain functions from a request to a
 * response (MSW's handler model), so Composite can run subrequests inside one store transaction
 * and roll them back together, and HTTP is only the outer shell (`http.ts`).
 */
import { SfError } from './errors.ts';

export interface ApiRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  headers: Record<string, string | undefined>;
  /** API version from the path ("65.0"), when the route has one. */
  version: string;
}

export interface ApiResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type Resolver = (req: ApiRequest) => ApiResponse;

interface Route {
  method: string;
  parts: string[];
  resolve: Resolver;
}

export class Router {
  private readonly routes: Route[] = [];

  add(method: string, pattern: string, resolve: Resolver): void {
    this.routes.push({ method, parts: pattern.split('/').filter(Boolean), resolve });
  }

  /** Route a request; unmatched paths are 404 NOT_FOUND and wrong methods 405, as on the platform. */
  handle(req: Omit<ApiRequest, 'params' | 'version'>): ApiResponse {
    const segs = req.path
      .split('/')
      .filter(Boolean)
      .map((s) => {
        try {
          return decodeURIComponent(s);
        } catch {
          return s;
        }
      });
    const allowed: string[] = [];
    for (const r of this.routes) {
      const params = match(r.parts, segs);
      if (!params) continue;
      if (r.method !== req.method) {
        allowed.push(r.method);
        continue;
      }
      const version = /^v(\d+\.0)$/.exec(params.v ?? '')?.[1] ?? '';
      return r.resolve({ ...req, params, version });
    }
    if (allowed.length > 0) {
      throw new SfError(
        'METHOD_NOT_ALLOWED',
        `HTTP Method '${req.method}' not allowed. Allowed are ${[...new Set(allowed)].join(',')}`,
        { status: 405 },
      );
    }
    throw new SfError('NOT_FOUND', 'The requested resource does not exist', { status: 404 });
  }
}

function match(parts: string[], segs: string[]): Record<string, string> | undefined {
  if (parts.length !== segs.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i] as string;
    const s = segs[i] as string;
    if (p.startsWith(':')) params[p.slice(1)] = s;
    else if (p !== s) return undefined;
  }
  return params;
}
