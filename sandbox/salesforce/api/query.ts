/**
 * `query`, `queryAll` and their `nextRecordsUrl` pages. A cursor keeps the matched rows; pages
 * are serialized on demand so a 100k-row result costs nothing until read. Batch size comes from
 * `Sforce-Query-Options: batchSize=N` (200–2,000, default 2,000). Cursors idle for 15 minutes
 * expire with INVALID_QUERY_LOCATOR, as on the platform.
 */
import type { Ctx } from '../context.ts';
import { SfError } from '../errors.ts';
import type { ApiRequest, ApiResponse, Router } from '../router.ts';
import { runQuery, type QueryResult } from '../soql/engine.ts';

const CURSOR_IDLE_MS = 15 * 60_000;

interface Cursor {
  result: QueryResult;
  batchSize: number;
  lastUsed: number;
  path: 'query' | 'queryAll';
}

export function batchSizeOf(header: string | undefined): number {
  const m = header ? /batchSize\s*=\s*(\d+)/i.exec(header) : null;
  if (!m) return 2000;
  return Math.min(2000, Math.max(200, Number(m[1])));
}

export function registerQuery(router: Router, ctx: Ctx): void {
  const cursors = new Map<string, Cursor>();
  let seq = 0;

  const page = (id: string, c: Cursor, offset: number, version: string): ApiResponse => {
    const rows = c.result.rows.slice(offset, offset + c.batchSize);
    const next = offset + rows.length;
    const done = next >= c.result.rows.length;
    if (done) cursors.delete(id);
    else c.lastUsed = ctx.now();
    return {
      status: 200,
      body: {
        totalSize: c.result.totalSize,
        done,
        ...(done ? {} : { nextRecordsUrl: `/services/data/v${version}/${c.path}/${id}-${next}` }),
        records: rows.map((r) => c.result.serialize(r)),
      },
    };
  };

  const start = (path: 'query' | 'queryAll') => (req: ApiRequest) => {
    const q = req.query.get('q');
    if (q === null || q.trim() === '')
      throw new SfError('MALFORMED_QUERY', 'A query string has to be specified');
    const result = runQuery(q, {
      store: ctx.org.store,
      now: ctx.now(),
      version: req.version,
      includeDeleted: path === 'queryAll',
    });
    for (const [k, c] of cursors) if (ctx.now() - c.lastUsed > CURSOR_IDLE_MS) cursors.delete(k);
    const id = `01g5P${String(++seq).padStart(10, '0')}AAA`;
    const cursor: Cursor = {
      result,
      batchSize: batchSizeOf(req.headers['sforce-query-options']),
      lastUsed: ctx.now(),
      path,
    };
    cursors.set(id, cursor);
    return page(id, cursor, 0, req.version);
  };

  const more = (req: ApiRequest): ApiResponse => {
    const m = /^(.+)-(\d+)$/.exec(req.params.locator ?? '');
    const c = m ? cursors.get(m[1] ?? '') : undefined;
    if (!m || !c || ctx.now() - c.lastUsed > CURSOR_IDLE_MS)
      throw new SfError('INVALID_QUERY_LOCATOR', 'invalid query locator');
    return page(m[1] ?? '', c, Number(m[2]), req.version);
  };

  router.add('GET', '/services/data/:v/query', start('query'));
  router.add('GET', '/services/data/:v/queryAll', start('queryAll'));
  router.add('GET', '/services/data/:v/query/:locator', more);
  router.add('GET', '/services/data/:v/queryAll/:locator', more);
}
