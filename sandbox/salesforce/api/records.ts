/** Records as the REST API writes them, and request-body checks shared by the write routes. */
import type { Ctx } from '../context.ts';
import { SfError } from '../errors.ts';
import { normalizeId } from '../ids.ts';
import type { ObjectMeta } from '../schema-index.ts';
import type { Rec } from '../store.ts';
import { format } from '../values.ts';

export function recordUrl(version: string, type: string, id: string): string {
  return `/services/data/v${version}/sobjects/${type}/${id}`;
}

export function toApiRecord(
  meta: ObjectMeta,
  rec: Rec,
  version: string,
  fields?: string[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {
    attributes: { type: meta.name, url: recordUrl(version, meta.name, rec.Id as string) },
  };
  const list = fields ? fields.map((n) => meta.fieldsByLower.get(n.toLowerCase())) : meta.fields;
  for (const f of list) if (f) out[f.name] = format(f, rec[f.name]);
  return out;
}

/** The body of a write: a JSON object, or JSON_PARSER_ERROR like the platform's deserializer. */
export function objectBody(body: unknown): Record<string, unknown> {
  if (body === undefined || body === null)
    throw new SfError(
      'JSON_PARSER_ERROR',
      'The HTTP entity body is required, but this resource requires a body',
    );
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw new SfError(
      'JSON_PARSER_ERROR',
      `Cannot deserialize instance of sObject from ${Array.isArray(body) ? 'START_ARRAY' : 'VALUE_STRING'} token`,
    );
  }
  return body as Record<string, unknown>;
}

export function objectMeta(ctx: Ctx, name: string | undefined): ObjectMeta {
  const meta = name ? ctx.org.schema.object(name) : undefined;
  if (!meta) throw new SfError('NOT_FOUND', 'The requested resource does not exist', { status: 404 });
  return meta;
}

/** A record id in a URL: malformed or of another object → 404 as the platform answers. */
export function recordId(meta: ObjectMeta, raw: string | undefined): string {
  const id = raw ? normalizeId(raw) : undefined;
  if (!id || id.slice(0, 3) !== meta.keyPrefix)
    throw new SfError(
      'NOT_FOUND',
      `Provided external ID field does not exist or is not accessible: ${raw ?? ''}`,
      { status: 404 },
    );
  return id;
}
