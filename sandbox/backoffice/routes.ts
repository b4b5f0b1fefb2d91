/** HTTP routes of the `communication-history-manager` emulator and its customer directory. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isUuid, validateCommunicationRecord } from './communication-record.ts';
import { isE164, isEmail, validateCustomer } from './customer.ts';
import { backofficeError } from './error-body.ts';
import type { BackofficeStore } from './store.ts';

type Query = Record<string, string | string[] | undefined>;

export function registerBackofficeRoutes(
  app: FastifyInstance,
  store: BackofficeStore,
  now: () => number,
  newId: () => string,
): void {
  const fail = (req: FastifyRequest, reply: FastifyReply, status: number, message: string, field?: string) =>
    reply.code(status).send(backofficeError(now(), status, message, req.url, field));

  /** A single-valued optional query parameter; repeated parameters are a client bug. */
  const param = (
    req: FastifyRequest,
    name: string,
  ): { ok: true; value: string | undefined } | { ok: false } => {
    const v = (req.query as Query)[name];
    if (Array.isArray(v)) return { ok: false };
    return { ok: true, value: v };
  };

  app.post('/communicationRecords', async (req, reply) => {
    const v = validateCommunicationRecord(req.body);
    if (!v.ok) return fail(req, reply, 400, v.message, v.field);
    const added = store.addRecord(v.value);
    if (!added.ok) {
      return fail(
        req,
        reply,
        409,
        `communication record for interactionId ${v.value.interactionId} and customerId ${v.value.customerId ?? 'null'} already exists (id ${added.duplicateOf.id})`,
      );
    }
    return reply.code(201).header('location', `/communicationRecords/${added.record.id}`).send(added.record);
  });

  app.get('/communicationRecords', async (req, reply) => {
    const filter: { interactionId?: string; customerId?: string; customerHandle?: string } = {};
    for (const name of ['interactionId', 'customerId', 'customerHandle'] as const) {
      const p = param(req, name);
      if (!p.ok) return fail(req, reply, 400, `${name}: must be given at most once`, name);
      if (p.value !== undefined) filter[name] = p.value;
    }
    if (filter.customerId !== undefined && !isUuid(filter.customerId)) {
      return fail(req, reply, 400, 'customerId: must be a UUID', 'customerId');
    }
    return store.listRecords(filter);
  });

  app.get('/communicationRecords/:id', async (req, reply) => {
    const { id } = req.params as { id: string };
    const r = store.records.find((x) => x.id === id);
    return r ?? fail(req, reply, 404, `communication record ${id} not found`);
  });

  app.delete('/communicationRecords', async (req, reply) => {
    const p = param(req, 'customerHandle');
    if (!p.ok || p.value === undefined || p.value.trim() === '') {
      // Refuse an unfiltered delete: erasure must name its subject.
      return fail(req, reply, 400, 'customerHandle: required (exactly once)', 'customerHandle');
    }
    return { deletedRecords: store.eraseRecordsByHandle(p.value) };
  });

  app.get('/customers', async (req, reply) => {
    const phone = param(req, 'phone');
    const email = param(req, 'email');
    if (!phone.ok) return fail(req, reply, 400, 'phone: must be given at most once', 'phone');
    if (!email.ok) return fail(req, reply, 400, 'email: must be given at most once', 'email');
    if (phone.value !== undefined && !isE164(phone.value)) {
      return fail(req, reply, 400, 'phone: must be an E.164 number (+ and digits)', 'phone');
    }
    if (email.value !== undefined && !isEmail(email.value)) {
      return fail(req, reply, 400, 'email: must be an e-mail address', 'email');
    }
    if (phone.value === undefined && email.value === undefined) return [...store.customers.values()];
    return store.findCustomers({
      ...(phone.value !== undefined ? { phone: phone.value } : {}),
      ...(email.value !== undefined ? { email: email.value } : {}),
    });
  });

  app.get('/customers/:customerId', async (req, reply) => {
    const { customerId } = req.params as { customerId: string };
    if (!isUuid(customerId)) return fail(req, reply, 400, 'customerId: must be a UUID', 'customerId');
    return store.customers.get(customerId) ?? fail(req, reply, 404, `customer ${customerId} not found`);
  });

  app.post('/customers', async (req, reply) => {
    const v = validateCustomer(req.body, newId);
    if (!v.ok) return fail(req, reply, 400, v.message, v.field);
    const { created } = store.upsertCustomer(v.value);
    return reply.code(created ? 201 : 200).send(v.value);
  });

  app.delete('/customers/:customerId', async (req, reply) => {
    const { customerId } = req.params as { customerId: string };
    if (!isUuid(customerId)) return fail(req, reply, 400, 'customerId: must be a UUID', 'customerId');
    const r = store.eraseCustomer(customerId);
    if (!r.found) return fail(req, reply, 404, `customer ${customerId} not found`);
    return { deletedCustomer: customerId, deletedRecords: r.deletedRecords };
  });
}
