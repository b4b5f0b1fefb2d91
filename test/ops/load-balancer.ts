/**
 * A round-robin HTTP load balancer for the replica harness, behaving like an ordinary one in front
 * of hub replicas (nginx `proxy_next_upstream error`): a backend that refuses the connection is
 * skipped and the request goes to the next; a request that reached a backend which then failed
 * (killed mid-request) is not replayed — it answers 502 and the caller retries, as Genesys
 * deliveries and data actions do. Bodies are buffered so a request can go to another backend intact.
 */
import { request as httpRequest, createServer, type IncomingHttpHeaders } from 'node:http';

export interface LoadBalancer {
  url: string;
  /** Requests answered by each backend URL. */
  served: Map<string, number>;
  close(): Promise<void>;
}

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** Forwards one request; rejects with `refused` when the backend did not accept the connection. */
function forward(
  backend: string,
  method: string,
  path: string,
  headers: IncomingHttpHeaders,
  body: Buffer,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${backend}${path}`, { method, headers, timeout: 30_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }),
      );
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('backend timed out')));
    req.on('error', (e: NodeJS.ErrnoException) =>
      reject(Object.assign(e, { refused: e.code === 'ECONNREFUSED' })),
    );
    req.end(body);
  });
}

/** Balances over `backends()` (read per request, so replicas may come and go). */
export async function startLoadBalancer(backends: () => string[]): Promise<LoadBalancer> {
  let next = 0;
  const served = new Map<string, number>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const body = Buffer.concat(chunks);
        const { host: _host, connection: _connection, ...headers } = req.headers;
        const list = backends();
        const first = next++;
        for (let i = 0; i < list.length; i++) {
          const backend = list[(first + i) % list.length]!;
          try {
            const a = await forward(backend, req.method ?? 'GET', req.url ?? '/', headers, body);
            served.set(backend, (served.get(backend) ?? 0) + 1);
            const { connection: _c, 'transfer-encoding': _te, 'keep-alive': _ka, ...out } = a.headers;
            res.writeHead(a.status, { ...out, 'content-length': String(a.body.length) });
            res.end(a.body);
            return;
          } catch (e) {
            if (!(e as { refused?: boolean }).refused) break; // sent, then lost: not replayed
          }
        }
        res.writeHead(502, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: 'no backend answered' }));
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    served,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
