/**
 * Vendor routes under `/api/v2/` (bearer-protected) and the signed recording media URLs.
 * Bad input answers the vendor's error shape (`ctx.errorBody`), never a 5xx.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { GenesysContext } from '../context.ts';
import { aggregate, parseAggregateQuery } from './analytics-aggregates.ts';
import { details, parseDetailsQuery } from './analytics-details.ts';
import { parseCreateEmail } from './create-email.ts';
import type { Observation } from './analytics-facts.ts';
import { MEDIA_MEMBER, renderConversation, renderMediaConversation } from './render.ts';
import { FORMATS, renderRecording, silentWav, sweepRecordings } from './recordings.ts';
import type { ConversationsService } from './service.ts';
import type { MediaType } from './model.ts';

type Params = Record<string, string>;
type Query = Record<string, string | undefined>;
const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export function registerApiRoutes(ctx: GenesysContext, svc: ConversationsService): void {
  const { app } = ctx;
  const auth = { preHandler: ctx.authenticate };
  const err = (reply: FastifyReply, status: number, code: string, message: string) =>
    reply.code(status).send(ctx.errorBody(status, code, message));
  const notFound = (reply: FastifyReply, what: string) => err(reply, 404, 'not.found', `${what} not found`);

  const conversation = (req: FastifyRequest) => svc.store.get((req.params as Params).conversationId ?? '');

  app.get('/api/v2/conversations/:conversationId', auth, async (req, reply) => {
    const c = conversation(req);
    if (!c) return notFound(reply, 'Conversation');
    return renderConversation(c, svc.queueName);
  });

  for (const [mediaType, member] of Object.entries(MEDIA_MEMBER) as [MediaType, string][]) {
    app.get(`/api/v2/conversations/${member}/:conversationId`, auth, async (req, reply) => {
      const c = conversation(req);
      if (!c || c.mediaType !== mediaType) return notFound(reply, `Conversation (${mediaType})`);
      return renderMediaConversation(c, svc.queueName);
    });
    // The media-specific variant answers the resulting attributes (SDK: returns ParticipantAttributes).
    app.patch(
      `/api/v2/conversations/${member}/:conversationId/participants/:participantId/attributes`,
      auth,
      async (req, reply) => {
        const c = conversation(req);
        if (!c || c.mediaType !== mediaType) return notFound(reply, `Conversation (${mediaType})`);
        const r = patchAttributes(req, reply);
        if (!r) return reply;
        return { attributes: { ...r } };
      },
    );
  }

  /** Validates `{ attributes: { k: "v" } }` and applies it; answers the error itself when it fails. */
  const patchAttributes = (req: FastifyRequest, reply: FastifyReply): Record<string, string> | undefined => {
    const body = req.body;
    if (!isRecord(body) || !isRecord(body.attributes)) {
      void err(
        reply,
        400,
        'bad.request',
        'The body must be { "attributes": { "<name>": "<string value>" } }',
      );
      return undefined;
    }
    for (const [k, v] of Object.entries(body.attributes)) {
      if (typeof v !== 'string') {
        void err(reply, 400, 'bad.request', `Attribute ${k} must be a string`);
        return undefined;
      }
    }
    const p = req.params as Params;
    const r = svc.apply(
      svc.store.setAttributes(
        p.conversationId ?? '',
        p.participantId ?? '',
        body.attributes as Record<string, string>,
      ),
    );
    if (!r.ok) {
      void err(reply, r.status, r.code, r.message);
      return undefined;
    }
    return r.value.attributes;
  };

  app.patch(
    '/api/v2/conversations/:conversationId/participants/:participantId/attributes',
    auth,
    async (req, reply) => {
      if (!patchAttributes(req, reply)) return reply;
      return reply.code(202).send();
    },
  );

  // ---- create an ACD e-mail (SDK postConversationsEmails → EmailConversation)
  app.post('/api/v2/conversations/emails', auth, async (req, reply) => {
    const parsed = parseCreateEmail(req.body, ctx.directory);
    if (!parsed.ok) return err(reply, 400, 'bad.request', parsed.message);
    const v = parsed.value;
    const r = await svc.start({
      mediaType: 'email',
      ani: v.customerAddress,
      dnis: v.ownAddress,
      queueId: v.queueId,
      at: ctx.now(),
      attributes: v.attributes,
      routing: {
        skillIds: v.skillIds,
        priority: v.priority,
        ...(v.languageId !== undefined ? { languageId: v.languageId } : {}),
      },
      provider: v.provider,
      ...(v.subject !== undefined ? { subject: v.subject } : {}),
    });
    if (!r.ok) return err(reply, r.status, r.code, r.message);
    return renderMediaConversation(r.value, svc.queueName);
  });

  // ---- participant attribute search (SDK postConversationsParticipantsAttributesSearch):
  // EXACT criteria on `attributes.<name>`, all must hold on one participant; answered at once.
  app.post('/api/v2/conversations/participants/attributes/search', auth, async (req, reply) => {
    const body = req.body;
    const query = isRecord(body) ? body.query : undefined;
    if (!Array.isArray(query) || query.length === 0)
      return err(reply, 400, 'bad.request', 'query must be a non-empty array of search criteria');
    const criteria: { name: string; values: string[] }[] = [];
    for (const q of query as unknown[]) {
      if (!isRecord(q) || q.type !== 'EXACT')
        return err(reply, 400, 'bad.request', 'Only EXACT criteria are supported by the sandbox');
      const fields = q.fields;
      if (!Array.isArray(fields) || fields.length !== 1 || typeof fields[0] !== 'string')
        return err(reply, 400, 'bad.request', 'Each criterion needs fields: ["attributes.<name>"]');
      const field = fields[0];
      if (!field.startsWith('attributes.') || field.length === 'attributes.'.length)
        return err(reply, 400, 'bad.request', `Field ${field} is not searchable (use attributes.<name>)`);
      const values =
        typeof q.value === 'string'
          ? [q.value]
          : Array.isArray(q.values) && q.values.every((x) => typeof x === 'string')
            ? q.values
            : undefined;
      if (!values || values.length === 0)
        return err(reply, 400, 'bad.request', `Criterion on ${field} needs value or values`);
      criteria.push({ name: field.slice('attributes.'.length), values });
    }
    const results = svc.store.list().flatMap((c) =>
      c.participants
        .filter((p) =>
          criteria.every((k) => {
            const v = p.attributes[k.name];
            return v !== undefined && k.values.includes(v);
          }),
        )
        .map((p) => ({
          conversationId: c.id,
          participantId: p.id,
          purpose: p.purpose,
          startTime: new Date(c.startTime).toISOString(),
          ...(c.endTime !== undefined ? { endTime: new Date(c.endTime).toISOString() } : {}),
          attributes: { ...p.attributes },
        })),
    );
    return { types: ['participants'], results };
  });

  // ---- recordings
  const mediaUri = (req: FastifyRequest, recordingId: string, formatId: string) => {
    if (formatId === 'NONE') return undefined;
    const host = req.headers.host ?? '127.0.0.1';
    const ext = FORMATS[formatId]?.ext ?? 'webm';
    return `http://${host}/recordings-media/${recordingId}/audio.${ext}?${svc.signer.query(recordingId, formatId, ctx.now(), svc.settings.mediaUriTtlSeconds)}`;
  };
  const formatOf = (q: Query, reply: FastifyReply): string | undefined => {
    const f = q.formatId ?? 'WEBM';
    if (f !== 'NONE' && !FORMATS[f]) {
      void err(
        reply,
        400,
        'bad.request',
        `formatId must be one of ${[...Object.keys(FORMATS), 'NONE'].join(', ')}`,
      );
      return undefined;
    }
    return f;
  };

  app.get('/api/v2/conversations/:conversationId/recordings', auth, async (req, reply) => {
    sweepRecordings(svc.store.list(), ctx.now());
    const q = req.query as Query;
    if (q.maxWaitMs !== undefined && !/^\d+$/.test(q.maxWaitMs))
      return err(reply, 400, 'bad.request', 'maxWaitMs must be a non-negative integer');
    const formatId = formatOf(q, reply);
    if (formatId === undefined) return reply;
    const c = conversation(req);
    if (!c) return notFound(reply, 'Conversation');
    // Recordings become available when their leg ends (the vendor answers 202 while transcoding).
    const done = c.recordings.filter((r) => r.endTime !== undefined);
    if (done.length < c.recordings.length && done.length === 0) return reply.code(202).send([]);
    return done.map((r) => renderRecording(r, mediaUri(req, r.id, formatId)));
  });

  app.get('/api/v2/conversations/:conversationId/recordings/:recordingId', auth, async (req, reply) => {
    sweepRecordings(svc.store.list(), ctx.now());
    const formatId = formatOf(req.query as Query, reply);
    if (formatId === undefined) return reply;
    const c = conversation(req);
    const r = c?.recordings.find((x) => x.id === (req.params as Params).recordingId);
    if (!r) return notFound(reply, 'Recording');
    if (r.endTime === undefined) return reply.code(202).send(renderRecording(r, undefined));
    return renderRecording(r, mediaUri(req, r.id, formatId));
  });

  app.put('/api/v2/conversations/:conversationId/recordings/:recordingId', auth, async (req, reply) => {
    sweepRecordings(svc.store.list(), ctx.now());
    const c = conversation(req);
    const r = c?.recordings.find((x) => x.id === (req.params as Params).recordingId);
    if (!r) return notFound(reply, 'Recording');
    const body = req.body;
    if (!isRecord(body)) return err(reply, 400, 'bad.request', 'The body must be a Recording object');
    const dates: Partial<Record<'deleteDate' | 'archiveDate', number>> = {};
    for (const key of ['deleteDate', 'archiveDate'] as const) {
      const v = body[key];
      if (v === undefined || v === null) continue;
      const t = typeof v === 'string' ? Date.parse(v) : NaN;
      if (Number.isNaN(t)) return err(reply, 400, 'bad.request', `${key} must be an ISO-8601 date-time`);
      dates[key] = t;
    }
    if (
      dates.deleteDate !== undefined &&
      dates.archiveDate !== undefined &&
      dates.archiveDate >= dates.deleteDate
    )
      return err(reply, 400, 'bad.request', 'archiveDate must be before deleteDate');
    if (dates.deleteDate !== undefined) r.deleteDate = dates.deleteDate;
    if (dates.archiveDate !== undefined) r.archiveDate = dates.archiveDate;
    return renderRecording(r, mediaUri(req, r.id, 'WEBM'));
  });

  // Media host: signed URLs need no bearer token (as S3 pre-signed URLs); S3-style XML errors.
  app.get('/recordings-media/:recordingId/:file', async (req, reply) => {
    sweepRecordings(svc.store.list(), ctx.now());
    const { recordingId = '' } = req.params as Params;
    const s3Error = (status: number, code: string, message: string) =>
      reply
        .code(status)
        .type('application/xml')
        .send(
          `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`,
        );
    const verdict = svc.signer.verify(recordingId, req.query as Query, ctx.now());
    if (verdict === 'invalid')
      return s3Error(
        403,
        'SignatureDoesNotMatch',
        'The request signature we calculated does not match the signature you provided.',
      );
    if (verdict === 'expired') return s3Error(403, 'AccessDenied', 'Request has expired');
    const rec = svc.store
      .list()
      .flatMap((c) => c.recordings)
      .find((r) => r.id === recordingId);
    if (!rec) return s3Error(404, 'NoSuchKey', 'The specified key does not exist.');
    const format = FORMATS[(req.query as Query)['X-Amz-Format'] ?? ''] ?? FORMATS.WAV;
    return reply
      .type(format?.contentType ?? 'audio/wav')
      .send(silentWav((rec.endTime ?? rec.startTime) - rec.startTime));
  });

  // ---- analytics
  const observations = () => svc.observations();

  app.post('/api/v2/analytics/conversations/aggregates/query', auth, async (req, reply) => {
    const q = parseAggregateQuery(req.body);
    if (!q.ok) return err(reply, 400, 'bad.request', q.message);
    const r = aggregate(q.value, observations());
    if (!r.ok) return err(reply, 400, 'bad.request', r.message);
    return r.value;
  });

  app.post('/api/v2/analytics/conversations/details/query', auth, async (req, reply) => {
    const q = parseDetailsQuery(req.body);
    if (!q.ok) return err(reply, 400, 'bad.request', q.message);
    const byConversation = new Map<string, Observation[]>();
    for (const o of observations()) {
      const id = o.dims.conversationId ?? '';
      const list = byConversation.get(id);
      if (list) list.push(o);
      else byConversation.set(id, [o]);
    }
    return details(q.value, svc.store.list(), byConversation);
  });

  app.get('/api/v2/analytics/conversations/:conversationId/details', auth, async (req, reply) => {
    const c = conversation(req);
    if (!c) return notFound(reply, 'Conversation');
    const obs = observations().filter((o) => o.dims.conversationId === c.id);
    const r = details(
      {
        interval: { start: c.startTime, end: c.startTime + 1 },
        conversationFilters: [],
        segmentFilters: [],
        order: 'asc',
        pageSize: 1,
        pageNumber: 1,
      },
      [c],
      new Map([[c.id, obs]]),
    );
    return r.conversations?.[0] ?? {};
  });
}
