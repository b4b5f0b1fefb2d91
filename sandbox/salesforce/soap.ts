/**
 * The partner SOAP API (`POST /services/Soap/u/XX.X`), reduced to the one call Patchbay needs:
 * `emptyRecycleBin` (jsforce `conn.soap.emptyRecycleBin(ids)`). The session comes from the
 * envelope's `SessionHeader`; faults are HTTP 500 with `sf:<ExceptionCode>` as on the platform (so
 * jsforce re-authorizes on `sf:INVALID_SESSION_ID`). The envelope reader handles what SOAP clients
 * send for this call (elements with or without prefixes, entities); no DTDs, no CDATA.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { VERSIONS, type Ctx } from './context.ts';
import { SfError } from './errors.ts';

/** `emptyRecycleBin()`: "The maximum number of records is 200." */
const MAX_IDS = 200;

const ENVELOPE_OPEN =
  '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"' +
  ' xmlns="urn:partner.soap.sforce.com" xmlns:sf="urn:fault.partner.soap.sforce.com"' +
  ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">';

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const unesc = (s: string) =>
  s.replace(/&(#x[0-9a-f]+|#\d+|lt|gt|amp|quot|apos);/gi, (_, e: string) => {
    const named: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
    if (e[0] !== '#') return named[e.toLowerCase()] ?? '';
    return String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : Number(e.slice(1)));
  });

/** The content of the first element named `local` (any prefix), or undefined. */
function element(xml: string, local: string): string | undefined {
  const open = new RegExp(`<(?:([\\w.-]+):)?${local}\\b[^>]*?(/?)>`).exec(xml);
  if (!open) return undefined;
  if (open[2] === '/') return '';
  const close = xml.indexOf(`</${open[1] ? `${open[1]}:` : ''}${local}>`, open.index + open[0].length);
  return close < 0 ? undefined : xml.slice(open.index + open[0].length, close);
}

/** Text of every `local` element (any prefix) directly in `xml`. */
function texts(xml: string, local: string): string[] {
  const re = new RegExp(`<(?:[\\w.-]+:)?${local}\\b[^>]*>([^<]*)</(?:[\\w.-]+:)?${local}>`, 'g');
  return [...xml.matchAll(re)].map((m) => unesc(m[1] ?? '').trim());
}

class Fault extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

function fault(reply: FastifyReply, f: Fault): FastifyReply {
  const exception = f.code.startsWith('sf:')
    ? `<detail><sf:UnexpectedErrorFault xsi:type="sf:UnexpectedErrorFault"><sf:exceptionCode>${f.code.slice(3)}</sf:exceptionCode><sf:exceptionMessage>${esc(f.message)}</sf:exceptionMessage></sf:UnexpectedErrorFault></detail>`
    : '';
  const text = f.code.startsWith('sf:') ? `${f.code.slice(3)}: ${f.message}` : f.message;
  return reply
    .code(500)
    .header('content-type', 'text/xml;charset=UTF-8')
    .send(
      `${ENVELOPE_OPEN}<soapenv:Body><soapenv:Fault><faultcode>${f.code}</faultcode><faultstring>${esc(text)}</faultstring>${exception}</soapenv:Fault></soapenv:Body></soapenv:Envelope>`,
    );
}

export function registerSoap(app: FastifyInstance, ctx: Ctx): void {
  app.post<{ Params: { version: string } }>('/services/Soap/u/:version', async (req, reply) => {
    try {
      if (!VERSIONS.includes(req.params.version))
        throw new Fault('sf:UNSUPPORTED_API_VERSION', `Unsupported API version: ${req.params.version}`);
      const xml = typeof req.body === 'string' ? req.body : '';
      const body = element(xml, 'Body');
      if (body === undefined) throw new Fault('soapenv:Client', 'Unable to find a SOAP Body element');
      const session = ctx.auth.authenticate(unesc(element(element(xml, 'Header') ?? '', 'sessionId') ?? ''));
      if (!session)
        throw new Fault(
          'sf:INVALID_SESSION_ID',
          'Invalid Session ID found in SessionHeader: Illegal Session',
        );
      ctx.org.store.userId = session.userId;
      try {
        ctx.limits.consume();
      } catch (e) {
        throw new Fault('sf:REQUEST_LIMIT_EXCEEDED', (e as Error).message);
      }
      const operation = /<(?:[\w.-]+:)?([\w.-]+)\b/.exec(body)?.[1] ?? '';
      if (operation !== 'emptyRecycleBin')
        throw new Fault(
          'soapenv:Client',
          `No operation available for request {urn:partner.soap.sforce.com}${operation} (the Patchbay sandbox answers emptyRecycleBin only)`,
        );
      const ids = texts(element(body, 'emptyRecycleBin') ?? '', 'ids');
      if (ids.length === 0) throw new Fault('sf:MISSING_ARGUMENT', 'ids not specified');
      if (ids.length > MAX_IDS)
        throw new Fault(
          'sf:EXCEEDED_ID_LIMIT',
          `record limit reached. cannot submit more than ${MAX_IDS} records into this call`,
        );
      const results = ctx.org.store
        .emptyRecycleBin(ids)
        .map((r) =>
          r.error
            ? `<result><errors><message>${esc(r.error.message)}</message><statusCode>${r.error.errorCode}</statusCode></errors><id>${esc(r.id)}</id><success>false</success></result>`
            : `<result><id>${r.id}</id><success>true</success></result>`,
        );
      const limitInfo = `<LimitInfoHeader><limitInfo><current>${ctx.limits.used()}</current><limit>${ctx.limits.max}</limit><type>API REQUESTS</type></limitInfo></LimitInfoHeader>`;
      return reply
        .code(200)
        .header('content-type', 'text/xml;charset=UTF-8')
        .send(
          `${ENVELOPE_OPEN}<soapenv:Header>${limitInfo}</soapenv:Header><soapenv:Body><emptyRecycleBinResponse>${results.join('')}</emptyRecycleBinResponse></soapenv:Body></soapenv:Envelope>`,
        );
    } catch (e) {
      if (e instanceof Fault) return fault(reply, e);
      const message = e instanceof SfError ? e.message : String(e);
      return fault(reply, new Fault('sf:UNKNOWN_EXCEPTION', message));
    }
  });
}
