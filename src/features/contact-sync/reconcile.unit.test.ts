/** The pure comparison of the reconciliation: which differences are drift, and which are not. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultMapping } from './mapping.ts';
import { compareSides, type LinkState } from './reconcile.ts';

const SOURCE = 'src-1';
const carrying = (sfId: string) => ({ externalIds: [{ externalSource: { id: SOURCE }, value: sfId }] });
const compare = (
  salesforce: object[],
  genesys: object[],
  links: LinkState[],
  sourceId: string | null = SOURCE,
) =>
  compareSides({
    salesforce: salesforce as Array<Record<string, unknown>>,
    genesys: genesys as Array<Record<string, unknown>>,
    links,
    mapping: defaultMapping,
    region: 'US',
    sourceId: sourceId ?? undefined,
    limit: 10,
  });
const linked = (sf_id: string, gc_id: string): LinkState => ({ sf_id, gc_id, state: 'linked' });

void test('same values in each side’s shape are in sync: phone formats, e-mail case, empty vs absent', () => {
  const r = compare(
    [
      {
        Id: 'S1',
        FirstName: 'Ada',
        LastName: 'Byron',
        Email: 'Ada@Example.com',
        Phone: '(415) 555-0100',
        Title: '',
      },
    ],
    [
      {
        id: 'G1',
        firstName: 'Ada',
        lastName: 'Byron',
        workEmail: 'ada@example.com',
        workPhone: { display: '+1 415-555-0100', e164: '+14155550100' },
        ...carrying('S1'),
      },
    ],
    [linked('S1', 'G1')],
  );
  assert.equal(r.inSync, 1);
  assert.equal(r.drift.total, 0);
});

void test('a value Salesforce holds but can never send (invalid phone) is no drift; a real difference is', () => {
  const r = compare(
    [
      { Id: 'S1', LastName: 'Byron', Phone: 'call the front desk' },
      { Id: 'S2', LastName: 'Lovelace', Title: 'CTO' },
    ],
    [
      { id: 'G1', lastName: 'Byron', ...carrying('S1') },
      { id: 'G2', lastName: 'Lovelace', title: 'CEO', ...carrying('S2') },
    ],
    [linked('S1', 'G1'), linked('S2', 'G2')],
  );
  assert.equal(r.inSync, 1);
  assert.deepEqual(
    r.drift.records.map((d) => [d.kind, d.sfId, d.fields]),
    [['values_differ', 'S2', ['title']]],
  );
});

void test('links and carriers: missing, unlinked (a create whose answer was lost), broken, duplicate, orphan', () => {
  const r = compare(
    [
      { Id: 'S1', LastName: 'A' },
      { Id: 'S2', LastName: 'B' },
      { Id: 'S3', LastName: 'C' },
      { Id: 'S4', LastName: 'D' },
    ],
    [
      { id: 'G2', lastName: 'B', ...carrying('S2') },
      { id: 'G4', lastName: 'D', ...carrying('S4') },
      { id: 'G4b', lastName: 'D', ...carrying('S4') },
      { id: 'G9', lastName: 'Z', ...carrying('S9') },
      { id: 'Gx', lastName: 'Not ours' },
    ],
    [{ sf_id: 'S2', gc_id: null, state: 'creating' }, linked('S3', 'G3-gone'), linked('S4', 'G4')],
  );
  assert.deepEqual(
    r.drift.records.map((d) => [d.kind, d.sfId, d.gcIds]),
    [
      ['missing_in_genesys', 'S1', []],
      ['unlinked_in_genesys', 'S2', ['G2']],
      ['link_broken', 'S3', ['G3-gone']],
      ['duplicate_in_genesys', 'S4', ['G4', 'G4b']],
      ['orphan_in_genesys', 'S9', ['G9']],
    ],
  );
  assert.equal(r.inSync, 0);
  assert.deepEqual(r.genesys, { contacts: 5, fromSalesforce: 4 });
  assert.deepEqual(r.links, { linked: 2, creating: 1, deleted: 0 });
});

void test('before the external source exists no Genesys contact is ours: every Salesforce contact is missing', () => {
  const r = compare(
    [{ Id: 'S1', LastName: 'A' }],
    [{ id: 'G1', lastName: 'A', ...carrying('S1') }],
    [],
    null,
  );
  assert.deepEqual(r.drift.byKind.missing_in_genesys, 1);
  assert.deepEqual(r.genesys, { contacts: 1, fromSalesforce: 0 });
});
