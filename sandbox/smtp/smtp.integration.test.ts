import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import nodemailer, { type SendMailOptions } from 'nodemailer';
import { fixturePeople } from '../../test/fixtures/pii.ts';
import { startSmtpSandbox, type SmtpSandbox } from './index.ts';

const [marguerite, tobias] = fixturePeople;
let smtp: SmtpSandbox;

before(async () => {
  smtp = await startSmtpSandbox();
});
after(async () => {
  await smtp.close();
});
beforeEach(async () => {
  await fetch(`${smtp.url}/__sandbox/reset`, { method: 'POST' });
});

const transport = () =>
  nodemailer.createTransport({ host: smtp.smtpHost, port: smtp.smtpPort, secure: false, ignoreTLS: true });

const send = (over: Partial<SendMailOptions> = {}) =>
  transport().sendMail({
    from: 'patchbay@example.com',
    to: marguerite.email,
    subject: 'Your case 00001234',
    text: 'Hello, your case was updated.',
    attachments: [{ filename: 'report.csv', content: 'a,b\n1,2\n', contentType: 'text/csv' }],
    ...over,
  });

const getJson = async <T>(path: string): Promise<{ status: number; body: T }> => {
  const res = await fetch(`${smtp.url}${path}`);
  return { status: res.status, body: (await res.json()) as T };
};

type Summary = {
  id: string;
  from: string[];
  to: string[];
  subject: string;
  attachments: { index: number; filename: string; size: number }[];
};

void test('a message sent with nodemailer is listed, readable as JSON and raw, with its attachment downloadable', async () => {
  const info = await send();
  assert.equal(info.accepted.length, 1);
  const list = await getJson<Summary[]>('/messages');
  assert.equal(list.body.length, 1);
  const [m] = list.body;
  assert.deepEqual(m!.to, [marguerite.email]);
  assert.deepEqual(m!.from, ['patchbay@example.com']);
  assert.equal(m!.subject, 'Your case 00001234');
  assert.deepEqual(m!.attachments, [{ index: 0, filename: 'report.csv', contentType: 'text/csv', size: 8 }]);

  const one = await getJson<{ text: string; envelope: { rcptTo: string[] } }>(`/messages/${m!.id}`);
  assert.equal(one.body.text.trim(), 'Hello, your case was updated.');
  assert.deepEqual(one.body.envelope.rcptTo, [marguerite.email]);

  const raw = await fetch(`${smtp.url}/messages/${m!.id}/raw`);
  assert.equal(raw.headers.get('content-type'), 'message/rfc822');
  assert.match(await raw.text(), /^Subject: Your case 00001234\r?$/m);

  const att = await fetch(`${smtp.url}/messages/${m!.id}/attachments/0`);
  assert.equal(att.status, 200);
  assert.match(att.headers.get('content-disposition') ?? '', /report\.csv/);
  assert.equal(await att.text(), 'a,b\n1,2\n');
});

void test('filtering by recipient, the inbox page, and DELETE /messages', async () => {
  await send();
  await send({ to: tobias.email, subject: '<b>bold</b>' });
  const forTobias = await getJson<Summary[]>(
    `/messages?to=${encodeURIComponent(tobias.email.toUpperCase())}`,
  );
  assert.equal(forTobias.body.length, 1);
  const page = await fetch(`${smtp.url}/`);
  assert.match(page.headers.get('content-type') ?? '', /text\/html/);
  const html = await page.text();
  assert.ok(html.includes('&lt;b&gt;bold&lt;/b&gt;'));
  const del = await fetch(`${smtp.url}/messages`, { method: 'DELETE' });
  assert.deepEqual(await del.json(), { deleted: 2 });
  assert.deepEqual((await getJson<Summary[]>('/messages')).body, []);
});

void test('a temporary failure at RCPT is seen by the client as 4xx, and a retry succeeds after it clears', async () => {
  const put = await fetch(`${smtp.url}/__sandbox/smtp-fault`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ stage: 'rcpt', code: 451, times: 1 }),
  });
  assert.equal(put.status, 200);
  await assert.rejects(send(), (e: { responseCode?: number }) => e.responseCode === 451);
  assert.equal(smtp.messages().length, 0);
  await send();
  assert.equal(smtp.messages().length, 1);
});

void test('a refusal at connect (421) and a permanent failure at DATA (554) reach the client', async () => {
  smtp.setSmtpFault({ stage: 'connect', code: 421, message: 'Service not available' });
  await assert.rejects(send(), (e: { responseCode?: number }) => e.responseCode === 421);
  smtp.setSmtpFault({ stage: 'data', code: 554, message: 'Transaction failed' });
  await assert.rejects(send(), (e: { responseCode?: number }) => e.responseCode === 554);
  assert.equal(smtp.messages().length, 0);
  await fetch(`${smtp.url}/__sandbox/smtp-fault`, { method: 'DELETE' });
  await send();
  assert.equal(smtp.messages().length, 1);
});

void test('bad input to every HTTP route answers the error shape', async () => {
  const cases: [string, string, unknown, number][] = [
    ['GET', '/messages/999', undefined, 404],
    ['GET', '/messages/999/raw', undefined, 404],
    ['GET', '/messages/999/attachments/0', undefined, 404],
    ['GET', '/messages?to=a&to=b', undefined, 400],
    ['PUT', '/__sandbox/smtp-fault', { code: 200 }, 400],
    ['PUT', '/__sandbox/smtp-fault', '{oops', 400],
    ['GET', '/nope', undefined, 404],
  ];
  for (const [method, path, body, status] of cases) {
    const res = await fetch(`${smtp.url}${path}`, {
      method,
      ...(body !== undefined
        ? {
            headers: { 'content-type': 'application/json' },
            body: typeof body === 'string' ? body : JSON.stringify(body),
          }
        : {}),
    });
    assert.equal(res.status, status, `${method} ${path}`);
    const json = (await res.json()) as { error: { code: string; message: string } };
    assert.equal(typeof json.error.message, 'string', `${method} ${path}`);
  }
  await send();
  const [m] = smtp.messages();
  for (const n of ['1', 'x', '-1']) {
    assert.equal((await fetch(`${smtp.url}/messages/${m!.id}/attachments/${n}`)).status, 404);
  }
});

void test('with credentials configured, AUTH is required and checked', async () => {
  const secured = await startSmtpSandbox({ auth: { user: 'patchbay', pass: 'pb-test-secret-7f3a9c' } });
  try {
    const mk = (pass: string) =>
      nodemailer.createTransport({
        host: '127.0.0.1',
        port: secured.smtpPort,
        secure: false,
        ignoreTLS: true,
        auth: { user: 'patchbay', pass },
      });
    const mail = { from: 'patchbay@example.com', to: marguerite.email, subject: 's', text: 't' };
    await assert.rejects(
      mk('wrong').sendMail(mail),
      (e: { responseCode?: number }) => e.responseCode === 535,
    );
    await mk('pb-test-secret-7f3a9c').sendMail(mail);
    assert.equal(secured.messages().length, 1);
    const unauth = nodemailer.createTransport({
      host: '127.0.0.1',
      port: secured.smtpPort,
      secure: false,
      ignoreTLS: true,
    });
    await assert.rejects(unauth.sendMail(mail));
  } finally {
    await secured.close();
  }
});

void test('waitForMessage resolves for a message that arrives later', async () => {
  const waiting = smtp.waitForMessage((m) => m.subject === 'later');
  await send({ subject: 'later' });
  const m = await waiting;
  assert.equal(m.subject, 'later');
});
