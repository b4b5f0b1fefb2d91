import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startGenesysSandbox, type GenesysSandbox } from '../index.ts';

/** Every route of the conversations part, with bodies and ids that are wrong in each way. */
void describe('bad input never crashes and answers the vendor shape', () => {
  let gc: GenesysSandbox;
  let token: string;
  let convId: string;
  let participantId: string;
  before(async () => {
    gc = await startGenesysSandbox();
    const res = await fetch(`${gc.url}/oauth/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${gc.clientId}:${gc.clientSecret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
    });
    token = ((await res.json()) as { access_token: string }).access_token;
    const queueId = gc.ctx.directory.queues()[0]!.id;
    const c = (await (
      await fetch(`${gc.url}/__sandbox/conversations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ani: '+15005550006', queueId }),
      })
    ).json()) as {
      id: string;
      participants: { id: string }[];
    };
    convId = c.id;
    participantId = c.participants[0]!.id;
  });
  after(async () => gc.close());

  const send = async (method: string, path: string, body?: string, auth = true) => {
    const res = await fetch(`${gc.url}${path}`, {
      method,
      headers: {
        ...(auth ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  };
  const vendorShape = (b: Record<string, unknown>, status: number) => {
    assert.equal(b.status, status);
    assert.equal(typeof b.code, 'string');
    assert.equal(typeof b.message, 'string');
  };

  void it('vendor routes: 400/404/401 in the vendor error shape', async () => {
    const cases: [string, string, string | undefined, number][] = [
      ['GET', '/api/v2/conversations/nope', undefined, 404],
      ['GET', '/api/v2/conversations/emails/' + 'x', undefined, 404],
      ['GET', `/api/v2/conversations/emails/${'CONV'}`, undefined, 404],
      ['PATCH', `/api/v2/conversations/CONV/participants/PART/attributes`, '{"attributes": {"a": 1}}', 400],
      ['PATCH', `/api/v2/conversations/CONV/participants/PART/attributes`, '[1,2]', 400],
      ['PATCH', `/api/v2/conversations/CONV/participants/PART/attributes`, '{not json', 400],
      ['PATCH', `/api/v2/conversations/CONV/participants/nope/attributes`, '{"attributes": {}}', 404],
      ['PATCH', `/api/v2/conversations/calls/CONV/participants/PART/attributes`, '"x"', 400],
      ['GET', `/api/v2/conversations/CONV/recordings?formatId=FLAC`, undefined, 400],
      ['GET', `/api/v2/conversations/CONV/recordings?maxWaitMs=-1`, undefined, 400],
      ['GET', `/api/v2/conversations/CONV/recordings/nope`, undefined, 404],
      ['PUT', `/api/v2/conversations/CONV/recordings/nope`, '{"deleteDate": "soon"}', 404],
      ['POST', '/api/v2/analytics/conversations/aggregates/query', '{}', 400],
      [
        'POST',
        '/api/v2/analytics/conversations/aggregates/query',
        '{"interval": "2026-01-02T00:00:00Z/2026-01-01T00:00:00Z", "metrics": ["nOffered"]}',
        400,
      ],
      [
        'POST',
        '/api/v2/analytics/conversations/aggregates/query',
        '{"interval": "2026-01-01T00:00:00Z/2026-01-02T00:00:00Z", "metrics": ["nBogus"]}',
        400,
      ],
      [
        'POST',
        '/api/v2/analytics/conversations/aggregates/query',
        '{"interval": "2026-01-01T00:00:00Z/2026-01-02T00:00:00Z", "metrics": ["nOffered"], "granularity": "PT1S"}',
        400,
      ],
      [
        'POST',
        '/api/v2/analytics/conversations/aggregates/query',
        '{"interval": "2026-01-01T00:00:00Z/2026-01-02T00:00:00Z", "metrics": ["nOffered"], "timeZone": "Mars/Olympus"}',
        400,
      ],
      [
        'POST',
        '/api/v2/analytics/conversations/aggregates/query',
        '{"interval": "2026-01-01T00:00:00Z/2026-01-02T00:00:00Z", "metrics": ["nOffered"], "groupBy": ["colour"]}',
        400,
      ],
      [
        'POST',
        '/api/v2/analytics/conversations/aggregates/query',
        '{"interval": "2026-01-01T00:00:00Z/2026-01-02T00:00:00Z", "metrics": ["nOffered"], "filter": {"type": "xor"}}',
        400,
      ],
      [
        'POST',
        '/api/v2/analytics/conversations/aggregates/query',
        '{"interval": "2000-01-01T00:00:00Z/2026-01-02T00:00:00Z", "metrics": ["nOffered"], "granularity": "PT1M"}',
        400,
      ],
      ['POST', '/api/v2/analytics/conversations/details/query', '{"interval": 5}', 400],
      [
        'POST',
        '/api/v2/analytics/conversations/details/query',
        '{"interval": "2026-01-01T00:00:00Z/2026-01-02T00:00:00Z", "paging": {"pageSize": 1000}}',
        400,
      ],
      [
        'POST',
        '/api/v2/analytics/conversations/details/query',
        '{"interval": "2026-01-01T00:00:00Z/2026-01-02T00:00:00Z", "segmentFilters": [{"type": "and", "predicates": [{"dimension": "nope", "value": "x"}]}]}',
        400,
      ],
      ['GET', '/api/v2/analytics/conversations/nope/details', undefined, 404],
    ];
    for (const [method, rawPath, body, status] of cases) {
      const path = rawPath.replace('CONV', convId).replace('PART', participantId);
      const r = await send(method, path, body);
      assert.equal(r.status, status, `${method} ${path} ${body ?? ''} → ${JSON.stringify(r.body)}`);
      vendorShape(r.body, status);
    }
    const unauth = await send('GET', `/api/v2/conversations/${convId}`, undefined, false);
    assert.equal(unauth.status, 401);
    vendorShape(unauth.body, 401);
    const put = await send('PUT', `/api/v2/conversations/${convId}/recordings/x`, '{"deleteDate": "soon"}');
    assert.equal(put.status, 404);
  });

  void it('controls: 400/404/409 in the control shape', async () => {
    const cases: [string, string, string | undefined, number][] = [
      ['POST', '/__sandbox/conversations', '{}', 400],
      ['POST', '/__sandbox/conversations', '{"ani": "+1", "queueId": "nope"}', 400],
      ['POST', '/__sandbox/conversations', '{"ani": "+1", "queueId": "q", "mediaType": "fax"}', 400],
      ['POST', '/__sandbox/conversations', '{"ani": 5}', 400],
      ['POST', '/__sandbox/conversations', '{"ani": "+1", "at": "yesterday"}', 400],
      ['POST', '/__sandbox/conversations', '[1]', 400],
      ['POST', '/__sandbox/conversations/nope/answer', '{"userId": "x"}', 400],
      ['POST', '/__sandbox/conversations/CONV/answer', '{}', 400],
      ['POST', '/__sandbox/conversations/nope/hold', '{}', 404],
      ['POST', '/__sandbox/conversations/CONV/hold', '{}', 409],
      ['POST', '/__sandbox/conversations/CONV/resume', '{"at": -5}', 400],
      ['POST', '/__sandbox/conversations/CONV/transfer', '{"queueId": 3}', 400],
      ['POST', '/__sandbox/conversations/CONV/disconnect', '{"by": "cat"}', 400],
      ['POST', '/__sandbox/conversations/CONV/wrapup', '{"code": "nope"}', 400],
      ['POST', '/__sandbox/conversations/CONV/abandon', '{"at": 0}', 400],
      ['GET', '/__sandbox/conversations/nope', undefined, 404],
      ['PUT', '/__sandbox/conversations/config/flow', '"x"', 400],
      ['PUT', '/__sandbox/conversations/config/deliveries', '{}', 400],
      ['PUT', '/__sandbox/conversations/config/settings', '{"mediaUriTtlSeconds": 0}', 400],
      ['PUT', '/__sandbox/conversations/config/settings', '{"bogus": 1}', 400],
    ];
    for (const [method, rawPath, body, status] of cases) {
      const path = rawPath.replace('CONV', convId);
      const r = await send(method, path, body, false);
      assert.equal(r.status, status, `${method} ${path} ${body ?? ''} → ${JSON.stringify(r.body)}`);
      const e = r.body.error as { code: string; message: string } | undefined;
      assert.equal(typeof e?.message, 'string', `${method} ${path}`);
    }
    // Still alive and the conversation intact.
    assert.equal((await send('GET', `/api/v2/conversations/${convId}`)).status, 200);
  });
});
