/** The SMTP sandbox's HTTP API: read what was received, download parts, clear the inbox, set faults. */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { detail, summarize, type MailStore } from './mail-store.ts';
import { renderInbox } from './page.ts';
import { validateSmtpFault } from './smtp-fault.ts';
import type { SmtpListener } from './smtp-listener.ts';

export function smtpApiError(code: string, message: string) {
  return { error: { code, message } };
}

export function registerSmtpRoutes(app: FastifyInstance, store: MailStore, listener: SmtpListener): void {
  const notFound = (reply: FastifyReply, message: string) =>
    reply.code(404).send(smtpApiError('not_found', message));

  app.get('/', async (_req, reply) => reply.type('text/html; charset=utf-8').send(renderInbox(store.list())));

  app.get('/messages', async (req, reply) => {
    const { to } = req.query as { to?: string | string[] };
    if (Array.isArray(to))
      return reply.code(400).send(smtpApiError('bad_request', 'to must be given at most once'));
    const wanted = to?.toLowerCase();
    return store
      .list()
      .filter(
        (m) =>
          wanted === undefined ||
          [...m.to, ...m.cc, ...m.envelope.rcptTo].some((a) => a.toLowerCase() === wanted),
      )
      .map(summarize);
  });

  app.delete('/messages', async () => ({ deleted: store.clear() }));

  app.get('/messages/:id', async (req, reply) => {
    const { id } = req.params as { id: string };
    const m = store.get(id);
    return m ? detail(m) : notFound(reply, `message ${id} not found`);
  });

  app.get('/messages/:id/raw', async (req, reply) => {
    const { id } = req.params as { id: string };
    const m = store.get(id);
    return m ? reply.type('message/rfc822').send(m.raw) : notFound(reply, `message ${id} not found`);
  });

  app.get('/messages/:id/attachments/:n', async (req, reply) => {
    const { id, n } = req.params as { id: string; n: string };
    const m = store.get(id);
    if (!m) return notFound(reply, `message ${id} not found`);
    const a = /^\d+$/.test(n) ? m.attachments[Number(n)] : undefined;
    if (!a) return notFound(reply, `message ${id} has no attachment ${n}`);
    const name = (a.filename ?? `attachment-${n}`).replace(/[^\w.\- ]/g, '_');
    return reply
      .type(a.contentType)
      .header('content-disposition', `attachment; filename="${name}"`)
      .send(a.content);
  });

  app.get('/__sandbox/smtp-fault', async () => ({ fault: listener.fault ?? null }));
  app.put('/__sandbox/smtp-fault', async (req, reply) => {
    const v = validateSmtpFault(req.body);
    if (!v.ok) return reply.code(400).send(smtpApiError('bad_request', v.message));
    listener.fault = v.fault;
    return { fault: v.fault };
  });
  app.delete('/__sandbox/smtp-fault', async () => {
    listener.fault = undefined;
    return { fault: null };
  });
}
