/**
 * Minimal Lightning record pages for screen-pop tests: `/lightning/r/<Object>/<Id>/view` shows the
 * record's fields and its related Tasks and Cases; the classic `/<Id>` URL redirects there. Every
 * value is HTML-escaped. No login: a browser in a test has no Salesforce session cookie.
 */
import type { FastifyInstance } from 'fastify';
import type { Ctx } from './context.ts';
import { normalizeId } from './ids.ts';
import type { Rec } from './store.ts';
import { format } from './values.ts';

export function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}

const show = (v: unknown): string =>
  v === null || v === undefined ? '' : escapeHtml(typeof v === 'string' ? v : JSON.stringify(v));

function page(title: string, body: string, status = 200): { status: number; html: string } {
  return {
    status,
    html: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)} | Salesforce</title></head><body>${body}</body></html>`,
  };
}

export function renderRecordPage(
  ctx: Ctx,
  objectName: string,
  rawId: string,
): { status: number; html: string } {
  const meta = ctx.org.schema.object(objectName);
  const id = normalizeId(rawId);
  const rec = id && meta && id.startsWith(meta.keyPrefix) ? ctx.org.store.get(id) : undefined;
  if (!meta || !rec)
    return page(
      'Record not found',
      `<h1>Looks like there's a problem.</h1><p>Record not found: ${show(rawId)}</p>`,
      404,
    );
  const title = show(rec[meta.def.nameField ?? 'Name'] ?? rec.Id);
  const rows = meta.fields
    .map(
      (f) =>
        `<tr data-field="${f.name}"><th>${escapeHtml(f.label ?? f.name)}</th><td>${show(format(f, rec[f.name]))}</td></tr>`,
    )
    .join('');
  const related = (obj: string, field: string, cols: string[]) => {
    const m = ctx.org.store.meta(obj);
    const ids = ctx.org.store.lookup(m, field, rec.Id as string) ?? new Set<string>();
    const items = [...ids].map((x) => ctx.org.store.get(x)).filter((r): r is Rec => r !== undefined);
    const lis = items
      .map(
        (r) =>
          `<li data-id="${show(r.Id)}"><a href="/lightning/r/${obj}/${show(r.Id)}/view">${cols.map((c) => show(r[c])).join(' · ')}</a></li>`,
      )
      .join('');
    return `<section data-related="${obj}"><h2>${escapeHtml(m.def.labelPlural)} (${items.length})</h2><ul>${lis}</ul></section>`;
  };
  const parts = [
    `<h1 data-record-id="${show(rec.Id)}" data-object="${meta.name}">${title}</h1>`,
    `<table>${rows}</table>`,
  ];
  if (['Contact', 'Lead', 'Account', 'Case'].includes(meta.name))
    parts.push(
      related('Task', meta.name === 'Account' ? 'AccountId' : meta.name === 'Case' ? 'WhatId' : 'WhoId', [
        'Subject',
        'Status',
        'ActivityDate',
      ]),
    );
  if (meta.name === 'Contact' || meta.name === 'Account')
    parts.push(
      related('Case', meta.name === 'Contact' ? 'ContactId' : 'AccountId', [
        'CaseNumber',
        'Subject',
        'Status',
      ]),
    );
  return page(String(rec[meta.def.nameField ?? 'Name'] ?? rec.Id), parts.join(''));
}

export function registerLightning(app: FastifyInstance, ctx: Ctx): void {
  app.get('/lightning/r/:obj/:id/view', async (req, reply) => {
    const { obj, id } = req.params as { obj: string; id: string };
    const r = renderRecordPage(ctx, obj, id);
    return reply.code(r.status).type('text/html; charset=utf-8').send(r.html);
  });
  app.get('/:id', async (req, reply) => {
    const raw = (req.params as { id: string }).id;
    const id = normalizeId(raw);
    const meta = id ? ctx.org.schema.objectForId(id) : undefined;
    if (!id || !meta) {
      const r = page('Not found', `<h1>URL No Longer Exists</h1><p>${show(raw)}</p>`, 404);
      return reply.code(404).type('text/html; charset=utf-8').send(r.html);
    }
    return reply.redirect(`/lightning/r/${meta.name}/${id}/view`);
  });
}
