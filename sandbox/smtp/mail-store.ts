/**
 * Every message the SMTP sandbox accepted, parsed once on arrival. Raw bytes are kept so a
 * test can check exactly what Patchbay sent; the parsed view serves the HTTP API.
 */
import { EventEmitter } from 'node:events';
import { simpleParser, type AddressObject } from 'mailparser';

export interface StoredAttachment {
  filename: string | null;
  contentType: string;
  size: number;
  content: Buffer;
}

export interface StoredMessage {
  id: string;
  receivedAt: string;
  envelope: { mailFrom: string | null; rcptTo: string[] };
  from: string[];
  to: string[];
  cc: string[];
  subject: string | null;
  date: string | null;
  messageId: string | null;
  text: string | null;
  html: string | null;
  headers: Record<string, string>;
  attachments: StoredAttachment[];
  raw: Buffer;
}

/** The list view: what `GET /messages` returns per message. */
export function summarize(m: StoredMessage) {
  return {
    id: m.id,
    receivedAt: m.receivedAt,
    from: m.from,
    to: m.to,
    subject: m.subject,
    date: m.date,
    attachments: m.attachments.map((a, index) => ({
      index,
      filename: a.filename,
      contentType: a.contentType,
      size: a.size,
    })),
  };
}

/** The detail view: everything but raw bytes and attachment contents. */
export function detail(m: StoredMessage) {
  return {
    ...summarize(m),
    envelope: m.envelope,
    cc: m.cc,
    messageId: m.messageId,
    headers: m.headers,
    text: m.text,
    html: m.html,
    size: m.raw.length,
  };
}

const addresses = (a: AddressObject | AddressObject[] | undefined): string[] =>
  (Array.isArray(a) ? a : a ? [a] : []).flatMap((o) =>
    o.value.map((v) => v.address ?? v.name).filter((s): s is string => !!s),
  );

export async function parseMessage(
  raw: Buffer,
  meta: { id: string; receivedAt: string; envelope: StoredMessage['envelope'] },
): Promise<StoredMessage> {
  const p = await simpleParser(raw, { skipHtmlToText: false, skipTextToHtml: true, skipImageLinks: true });
  const headers: Record<string, string> = {};
  for (const line of p.headerLines) headers[line.key] = line.line.slice(line.line.indexOf(':') + 1).trim();
  return {
    ...meta,
    from: addresses(p.from),
    to: addresses(p.to),
    cc: addresses(p.cc),
    subject: p.subject ?? null,
    date: p.date ? p.date.toISOString() : null,
    messageId: p.messageId ?? null,
    text: p.text ?? null,
    html: typeof p.html === 'string' ? p.html : null,
    headers,
    attachments: p.attachments.map((a) => ({
      filename: a.filename ?? null,
      contentType: a.contentType,
      size: a.content.length,
      content: a.content,
    })),
    raw,
  };
}

export class MailStore extends EventEmitter<{ message: [StoredMessage] }> {
  private readonly byId = new Map<string, StoredMessage>();
  private seq = 0;

  nextId(): string {
    return String(++this.seq);
  }

  add(m: StoredMessage): void {
    this.byId.set(m.id, m);
    this.emit('message', m);
  }

  list(): StoredMessage[] {
    return [...this.byId.values()];
  }

  get(id: string): StoredMessage | undefined {
    return this.byId.get(id);
  }

  clear(): number {
    const n = this.byId.size;
    this.byId.clear();
    return n;
  }
}
