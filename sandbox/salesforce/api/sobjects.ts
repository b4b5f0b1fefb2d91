/** `/sobjects`: describeGlobal, describe, create, read, update, delete, upsert by external ID. */
import type { Ctx } from '../context.ts';
import { SfError } from '../errors.ts';
import type { Router } from '../router.ts';
import type { ObjectMeta } from '../schema-index.ts';
import { coerce } from '../values.ts';
import { describeObject, globalEntry } from './describe.ts';
import { objectBody, objectMeta, recordId, recordUrl, toApiRecord } from './records.ts';

const SO = '/services/data/:v/sobjects';

export function upsertOne(
  ctx: Ctx,
  meta: ObjectMeta,
  fieldName: string,
  value: string,
  body: Record<string, unknown>,
  opts: { updateOnly?: boolean } = {},
): { id: string; created: boolean } {
  const f = meta.fieldsByLower.get(fieldName.toLowerCase());
  if (!f || !(f.externalId || f.name === 'Id')) {
    throw new SfError(
      'NOT_FOUND',
      `Provided external ID field does not exist or is not accessible: ${fieldName}`,
      { status: 404 },
    );
  }
  const { store } = ctx.org;
  const key = coerce(f, value);
  const matches =
    f.name === 'Id'
      ? store.get(String(key))
        ? [String(key)]
        : []
      : [...(store.lookup(meta, f.name, key) ?? [])];
  if (matches.length > 1) {
    const err = new SfError('MULTIPLE_CHOICES', `Multiple records found for ${f.name} = ${value}`, {
      status: 300,
    }) as SfError & { matches: string[] };
    err.matches = matches;
    throw err;
  }
  const fields = { ...body };
  // The external ID comes from the URL; repeating it in the body is allowed only with the same value.
  for (const k of Object.keys(fields)) if (k.toLowerCase() === f.name.toLowerCase()) delete fields[k];
  const existing = matches[0];
  if (existing) {
    store.update(meta.name, existing, fields);
    return { id: existing, created: false };
  }
  if (opts.updateOnly || f.name === 'Id')
    throw new SfError('NOT_FOUND', 'The requested resource does not exist', { status: 404 });
  const rec = store.insert(meta.name, { ...fields, [f.name]: value });
  return { id: rec.Id as string, created: true };
}

export function registerSobjects(router: Router, ctx: Ctx): void {
  const { store, schema } = ctx.org;

  router.add('GET', SO, (req) => ({
    status: 200,
    body: {
      encoding: 'UTF-8',
      maxBatchSize: 200,
      sobjects: schema.objects().map((m) => globalEntry(m, req.version)),
    },
  }));

  router.add('GET', `${SO}/:obj`, (req) => {
    const meta = objectMeta(ctx, req.params.obj);
    return { status: 200, body: { objectDescribe: globalEntry(meta, req.version), recentItems: [] } };
  });

  router.add('GET', `${SO}/:obj/describe`, (req) => {
    const meta = objectMeta(ctx, req.params.obj);
    const children = schema.objects().flatMap((child) =>
      child.fields
        .filter((f) => (f.referenceTo ?? []).includes(meta.name))
        .map((f) => ({
          childSObject: child.name,
          field: f.name,
          relationshipName: f.childRelationshipName ?? null,
          cascadeDelete: f.cascadeDelete ?? false,
        })),
    );
    return { status: 200, body: describeObject(meta, req.version, children) };
  });

  router.add('POST', `${SO}/:obj`, (req) => {
    const meta = objectMeta(ctx, req.params.obj);
    const rec = store.insert(meta.name, objectBody(req.body));
    return {
      status: 201,
      body: { id: rec.Id, success: true, errors: [] },
      headers: { location: recordUrl(req.version, meta.name, rec.Id as string) },
    };
  });

  router.add('GET', `${SO}/:obj/:id`, (req) => {
    const meta = objectMeta(ctx, req.params.obj);
    const id = recordId(meta, req.params.id);
    const rec = store.get(id);
    if (!rec) throw new SfError('NOT_FOUND', 'The requested resource does not exist', { status: 404 });
    const fields = req.query.get('fields');
    const list = fields
      ? fields
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : undefined;
    for (const n of list ?? [])
      if (!meta.fieldsByLower.has(n.toLowerCase()))
        throw new SfError('INVALID_FIELD', `No such column '${n}' on sobject of type ${meta.name}`);
    return { status: 200, body: toApiRecord(meta, rec, req.version, list) };
  });

  router.add('PATCH', `${SO}/:obj/:id`, (req) => {
    const meta = objectMeta(ctx, req.params.obj);
    store.update(meta.name, recordId(meta, req.params.id), objectBody(req.body));
    return { status: 204 };
  });

  router.add('DELETE', `${SO}/:obj/:id`, (req) => {
    const meta = objectMeta(ctx, req.params.obj);
    store.delete(recordId(meta, req.params.id));
    return { status: 204 };
  });

  router.add('GET', `${SO}/:obj/:field/:value`, (req) => {
    const meta = objectMeta(ctx, req.params.obj);
    const f = meta.fieldsByLower.get((req.params.field ?? '').toLowerCase());
    if (!f || !f.externalId)
      throw new SfError(
        'NOT_FOUND',
        `Provided external ID field does not exist or is not accessible: ${req.params.field ?? ''}`,
        { status: 404 },
      );
    const ids = [...(store.lookup(meta, f.name, coerce(f, req.params.value)) ?? [])];
    if (ids.length > 1) return { status: 300, body: ids.map((id) => recordUrl(req.version, meta.name, id)) };
    const rec = ids[0] ? store.get(ids[0]) : undefined;
    if (!rec) throw new SfError('NOT_FOUND', 'The requested resource does not exist', { status: 404 });
    return { status: 200, body: toApiRecord(meta, rec, req.version) };
  });

  router.add('PATCH', `${SO}/:obj/:field/:value`, (req) => {
    const meta = objectMeta(ctx, req.params.obj);
    try {
      const r = upsertOne(ctx, meta, req.params.field ?? '', req.params.value ?? '', objectBody(req.body), {
        updateOnly: req.query.get('updateOnly') === 'true',
      });
      // Since v46.0 an update answers 200 with a body; before, 204.
      if (!r.created && Number(req.version) < 46) return { status: 204 };
      return {
        status: r.created ? 201 : 200,
        body: { id: r.id, success: true, errors: [], created: r.created },
      };
    } catch (e) {
      const matches = (e as { matches?: string[] }).matches;
      if (matches) return { status: 300, body: matches.map((id) => recordUrl(req.version, meta.name, id)) };
      throw e;
    }
  });
}
