/** GDPR requests through the SDK: statuses progress with time; a delete removes the subject's external contacts. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import platformClient from 'purecloud-platform-client-v2';
import { fixturePeople } from '../../../test/fixtures/pii.ts';
import { startGenesysSandbox, type GenesysSandbox } from '../index.ts';

const [person] = fixturePeople;

describe('GDPR requests', () => {
  let gc: GenesysSandbox;
  let now = Date.parse('2026-01-05T10:00:00Z');
  const gdpr = new platformClient.GeneralDataProtectionRegulationApi();
  const contacts = new platformClient.ExternalContactsApi();

  before(async () => {
    gc = await startGenesysSandbox({ now: () => now, gdprStepMs: 1000 });
    platformClient.ApiClient.instance.setGateway(gc.sdkGateway);
    await platformClient.ApiClient.instance.loginClientCredentialsGrant(gc.clientId, gc.clientSecret);
  });
  after(async () => {
    await gc.close();
  });

  it('finds a subject, then deletes their external contacts as the request progresses', async () => {
    const c = await contacts.postExternalcontactsContacts({
      firstName: person.firstName,
      lastName: person.lastName,
      workEmail: person.email,
      cellPhone: { display: person.phoneNational },
    });
    const subjects = await gdpr.getGdprSubjects('PHONE', person.phone);
    assert.deepEqual(
      subjects.entities?.map((s) => s.externalContactId),
      [c.id],
    );
    const byEmail = await gdpr.getGdprSubjects('EMAIL', person.email);
    assert.equal(byEmail.entities?.[0]?.externalContactId, c.id);

    const req = await gdpr.postGdprRequests(
      {
        requestType: 'GDPR_DELETE',
        subject: { phoneNumbers: [person.phone] },
      } as platformClient.Models.GDPRRequest,
      { deleteConfirmed: true },
    );
    assert.equal(req.status, 'INITIATED');
    const id = req.id ?? '';
    const seen = [req.status];
    for (let i = 0; i < 4; i++) {
      now += 1000;
      seen.push((await gdpr.getGdprRequest(id)).status);
    }
    assert.deepEqual(seen, ['INITIATED', 'SEARCHING', 'DELETING', 'COMPLETED', 'COMPLETED']);
    await assert.rejects(
      contacts.getExternalcontactsContact(c.id ?? ''),
      (err: { status: number }) => err.status === 404,
    );
    assert.equal((await gdpr.getGdprRequests()).total, 1);
  });

  it("completes an export whose resultsUrl serves the subject's contacts", async () => {
    const c = await contacts.postExternalcontactsContacts({
      lastName: person.lastName,
      workEmail: person.email,
    });
    const req = await gdpr.postGdprRequests({
      requestType: 'GDPR_EXPORT',
      subject: { emailAddresses: [person.email] },
    } as platformClient.Models.GDPRRequest);
    now += 3000;
    const done = await gdpr.getGdprRequest(req.id ?? '');
    assert.equal(done.status, 'COMPLETED');
    const res = await fetch(`${gc.url}${done.resultsUrl ?? ''}`);
    const body = (await res.json()) as { externalContacts: { id: string }[] };
    assert.deepEqual(
      body.externalContacts.map((x) => x.id),
      [c.id],
    );
  });
});
