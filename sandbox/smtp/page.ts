/** The tiny HTML inbox at `/`: every value is escaped, since mail headers are attacker-controlled. */
import type { StoredMessage } from './mail-store.ts';

const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

export function renderInbox(messages: StoredMessage[]): string {
  const rows = messages
    .map((m) => {
      const atts = m.attachments
        .map(
          (a, i) =>
            `<a href="/messages/${m.id}/attachments/${i}">${escapeHtml(a.filename ?? `attachment-${i}`)}</a> (${a.size} B)`,
        )
        .join('<br>');
      return `<tr><td><a href="/messages/${m.id}">${m.id}</a></td><td>${escapeHtml(m.receivedAt)}</td><td>${escapeHtml(m.from.join(', '))}</td><td>${escapeHtml(m.to.join(', '))}</td><td>${escapeHtml(m.subject ?? '')}</td><td>${atts}</td><td><a href="/messages/${m.id}/raw">raw</a></td></tr>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Patchbay SMTP sandbox</title>
<style>body{font-family:sans-serif;margin:1rem}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3rem .5rem;text-align:left;vertical-align:top}</style>
</head><body>
<h1>SMTP sandbox — ${messages.length} message(s)</h1>
<table><thead><tr><th>#</th><th>Received</th><th>From</th><th>To</th><th>Subject</th><th>Attachments</th><th></th></tr></thead>
<tbody>
${rows}
</tbody></table>
</body></html>`;
}
