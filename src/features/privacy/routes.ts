/** `/v1/privacy/…` (admin API key): erasures, audit, consents, legal holds, retention, export, breach scope. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requireApiKey } from '../../platform/auth/admin-guard.ts';
import { errorSchema, HttpError } from '../../platform/http/errors.ts';
import type { Privacy } from './index.ts';
import { auditCsv } from './audit.ts';

const security = [{ apiKey: [] }];
const errors = { 400: errorSchema, 401: errorSchema, 404: errorSchema, 503: errorSchema };
const str = (max = 320) => ({ type: 'string', minLength: 1, maxLength: max }) as const;
const obj = (properties: Record<string, unknown>, required: string[] = []) =>
  ({ type: 'object', additionalProperties: false, properties, required }) as const;

/** Routes outside this feature that return personal data: their admin reads are audited. */
const PERSONAL_DATA_ROUTES = new Map<string, string>([
  ['/v1/admin/jobs', 'job payloads'],
  ['/v1/admin/jobs/parked', 'job payloads'],
  ['/v1/admin/jobs/:id', 'job payload'],
]);

const actor = (req: FastifyRequest) => (req.apiKeyId ? `apikey:${req.apiKeyId}` : 'anonymous');

export async function registerPrivacyRoutes(app: FastifyInstance, privacy: Privacy): Promise<void> {
  const { store } = privacy;
  // Admin reads of personal data → audit (routes may also declare `config: { personalData: '<what>' }`).
  app.addHook('onResponse', async (req, reply) => {
    const url = req.routeOptions.url ?? '';
    const declared = (req.routeOptions.config as { personalData?: string } | undefined)?.personalData;
    const what = declared ?? PERSONAL_DATA_ROUTES.get(url);
    if (!what || !req.apiKeyId || req.method !== 'GET' || reply.statusCode >= 400) return;
    await privacy.audit.record(store.db, {
      action: 'personal-data.read',
      actor: actor(req),
      at: privacy.clock.now(),
      details: { what, method: req.method, route: url, params: req.params, status: reply.statusCode },
    });
  });

  await app.register(
    async (scope) => {
      requireApiKey(scope, store.db);
      scope.post(
        '/erasures',
        {
          schema: {
            tags: ['privacy'],
            summary: 'Request the erasure of a data subject everywhere (GDPR Art. 17)',
            security,
            body: obj({
              email: str(),
              phone: str(40),
              salesforceContactId: str(18),
              backofficeCustomerId: str(100),
              reference: str(200),
            }),
            response: { ...errors, 202: {} },
          },
        },
        async (req, reply) => {
          const r = await privacy.erasures.create(req.body as never, actor(req));
          return reply.code(202).send(r.status);
        },
      );
      scope.get(
        '/erasures',
        {
          schema: {
            tags: ['privacy'],
            summary: 'Erasure requests, newest first',
            security,
            querystring: obj({ status: { type: 'string', enum: ['resolving', 'in_progress', 'completed'] } }),
            response: errors,
          },
        },
        async (req) => ({ erasures: await privacy.erasures.list(req.query as never) }),
      );
      scope.get(
        '/erasures/:id',
        {
          schema: {
            tags: ['privacy'],
            summary: 'An erasure request with each step',
            security,
            params: obj({ id: str(64) }, ['id']),
            response: errors,
          },
        },
        async (req) => {
          const v = await privacy.erasures.status((req.params as { id: string }).id);
          if (!v) throw new HttpError('not_found', 'No such erasure request.');
          return v;
        },
      );
      scope.get(
        '/audit',
        {
          schema: {
            tags: ['privacy'],
            summary: 'The privacy audit log (Art. 30 export); subjects as keyed hashes',
            security,
            querystring: obj({
              since: { type: 'string', format: 'date-time' },
              action: str(64),
              format: { type: 'string', enum: ['json', 'csv'] },
            }),
            response: errors,
          },
        },
        async (req, reply) => {
          const q = req.query as { since?: string; action?: string; format?: string };
          const entries = await privacy.audit.list(store.db, {
            ...(q.since ? { since: Date.parse(q.since) } : {}),
            ...(q.action ? { action: q.action } : {}),
          });
          if (q.format === 'csv') return reply.type('text/csv').send(auditCsv(entries));
          return { entries };
        },
      );
      const consentBody = obj(
        {
          contact: obj(
            {
              firstName: str(40),
              lastName: str(80),
              email: str(),
              phone: str(40),
              accountId: str(18),
            },
            ['lastName'],
          ),
          consent: obj(
            {
              type: str(40),
              channel: str(40),
              version: str(40),
              given: { type: 'boolean' },
              at: { type: 'string', format: 'date-time' },
            },
            ['type', 'channel', 'version', 'given'],
          ),
        },
        ['contact', 'consent'],
      );
      scope.post(
        '/consents',
        {
          schema: {
            tags: ['privacy'],
            summary: 'Create a Salesforce Contact with its explicit consent (Contact_Consent__c)',
            security,
            body: consentBody,
            response: { ...errors, 201: {} },
          },
        },
        async (req, reply) => {
          const b = req.body as { contact: never; consent: never };
          return reply.code(201).send(await privacy.consents.createContact(b.contact, b.consent, actor(req)));
        },
      );
      scope.post(
        '/consents/withdraw',
        {
          schema: {
            tags: ['privacy'],
            summary: 'Withdraw consent (all types, or one)',
            security,
            body: obj({ contactId: str(18), email: str(), phone: str(40), type: str(40) }),
            response: errors,
          },
        },
        async (req) => {
          const b = req.body as { contactId?: string; email?: string; phone?: string; type?: string };
          return privacy.consents.withdraw(b, b.type, actor(req));
        },
      );
      scope.get(
        '/consents/check',
        {
          schema: {
            tags: ['privacy'],
            summary: 'Whether a purpose is allowed for a person',
            security,
            querystring: obj({ purpose: str(40), contactId: str(18), email: str(), phone: str(40) }, [
              'purpose',
            ]),
            response: errors,
          },
        },
        async (req) => {
          const q = req.query as { purpose: string; contactId?: string; email?: string; phone?: string };
          return { purpose: q.purpose, allowed: await privacy.hasConsent(q, q.purpose) };
        },
      );
      scope.post(
        '/legal-holds',
        {
          schema: {
            tags: ['privacy'],
            summary: 'Put recordings on legal hold, by conversation or subject',
            security,
            body: obj({ conversationId: str(64), email: str(), phone: str(40), reason: str(500) }, [
              'reason',
            ]),
            response: { ...errors, 201: {} },
          },
        },
        async (req, reply) =>
          reply.code(201).send(await privacy.retention.hold(req.body as never, actor(req))),
      );
      scope.get(
        '/legal-holds',
        { schema: { tags: ['privacy'], summary: 'Legal holds', security, response: errors } },
        async () => ({ holds: await privacy.retention.holds() }),
      );
      scope.delete(
        '/legal-holds/:id',
        {
          schema: {
            tags: ['privacy'],
            summary: 'Release a legal hold',
            security,
            params: obj({ id: str(64) }, ['id']),
            response: errors,
          },
        },
        async (req) => {
          if (!(await privacy.retention.release((req.params as { id: string }).id, actor(req))))
            throw new HttpError('not_found', 'No such active legal hold.');
          return { released: true };
        },
      );
      scope.post(
        '/retention/run',
        {
          schema: {
            tags: ['privacy'],
            summary: 'Run the recording retention now',
            security,
            response: errors,
          },
        },
        async () => privacy.retention.run(),
      );
      scope.get(
        '/retention/runs',
        {
          schema: {
            tags: ['privacy'],
            summary: 'Reports of recent retention runs',
            security,
            response: errors,
          },
        },
        async () => ({ runs: await privacy.retention.runs() }),
      );
      scope.get(
        '/export',
        {
          config: { personalData: 'export of personal-data tables' },
          schema: {
            tags: ['privacy'],
            summary: 'Export personal-data tables (masked by default; unmasked reads are audited)',
            security,
            querystring: obj({ masked: { type: 'boolean', default: true }, table: str(64) }),
            response: errors,
          },
        },
        async (req) => {
          const q = req.query as { masked: boolean; table?: string };
          return privacy.exportData({ masked: q.masked, ...(q.table ? { tables: [q.table] } : {}) });
        },
      );
    },
    { prefix: '/v1/privacy' },
  );
}
