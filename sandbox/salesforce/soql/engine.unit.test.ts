import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SfError } from '../errors.ts';
import { createOrg } from '../org.ts';
import { runQuery } from './engine.ts';

const NOW = Date.parse('2026-03-10T12:00:00Z');

function org() {
  const o = createOrg({ now: () => NOW });
  const acc = o.store.insert('Account', { Name: 'Northwind Ltd' });
  const a = o.store.insert('Contact', {
    AccountId: acc.Id,
    FirstName: 'Ada',
    LastName: 'Abbott',
    Phone: '+14155550101',
    Email: 'ada@example.com',
  });
  const b = o.store.insert('Contact', {
    AccountId: acc.Id,
    FirstName: 'Bruno',
    LastName: 'Brandt',
    MobilePhone: '+14155550101',
    Phone: '(415) 555-0102',
  });
  const c = o.store.insert('Contact', { LastName: "O'Brien", Email: 'ob@example.com' });
  o.store.insert('Task', { Subject: 'Call', WhoId: a.Id, Status: 'Completed', ActivityDate: '2026-03-09' });
  return { o, acc, a, b, c };
}

const q = (o: ReturnType<typeof createOrg>, soql: string, includeDeleted = false) => {
  const r = runQuery(soql, { store: o.store, now: NOW, version: '65.0', includeDeleted });
  return { totalSize: r.totalSize, records: r.rows.map((x) => r.serialize(x)) };
};

const code = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    if (e instanceof SfError) return e.errorCode;
    throw e;
  }
  return 'no error';
};

void test('phone lookup with OR over two indexed fields returns both contacts with parent fields nested', () => {
  const { o, a, b } = org();
  const r = q(
    o,
    "SELECT Id, Name, Account.Name FROM Contact WHERE Phone = '+14155550101' OR MobilePhone = '+14155550101'",
  );
  assert.deepEqual(
    r.records.map((x) => x.Id),
    [a.Id, b.Id],
  );
  assert.equal(r.records[0]!.Name, 'Ada Abbott');
  assert.deepEqual((r.records[0]!.Account as { Name: string }).Name, 'Northwind Ltd');
  assert.deepEqual((r.records[0]!.attributes as { type: string }).type, 'Contact');
});

void test('WHERE with LIKE, IN, NOT, NULL, escapes, ORDER BY, LIMIT and OFFSET', () => {
  const { o, c } = org();
  assert.equal(q(o, "SELECT Id FROM Contact WHERE LastName LIKE 'b%'").totalSize, 1);
  assert.equal(q(o, "SELECT Id FROM Contact WHERE LastName IN ('abbott', 'Brandt')").totalSize, 2);
  assert.equal(q(o, "SELECT Id FROM Contact WHERE LastName NOT IN ('Abbott')").totalSize, 2);
  assert.equal(q(o, 'SELECT Id FROM Contact WHERE AccountId = null').records[0]!.Id, c.Id);
  assert.equal(q(o, "SELECT Id FROM Contact WHERE LastName = 'O\\'Brien'").totalSize, 1);
  assert.equal(
    q(o, "SELECT Id FROM Contact WHERE NOT (LastName = 'Abbott' OR LastName = 'Brandt')").totalSize,
    1,
  );
  const names = q(o, 'SELECT LastName FROM Contact ORDER BY LastName DESC LIMIT 2 OFFSET 1').records.map(
    (x) => x.LastName,
  );
  assert.deepEqual(names, ['Brandt', 'Abbott']);
});

void test('COUNT(), date literals, datetimes and child subqueries', () => {
  const { o, a } = org();
  assert.equal(q(o, 'SELECT COUNT() FROM Contact').totalSize, 3);
  assert.equal(q(o, 'SELECT Id FROM Contact WHERE CreatedDate = TODAY').totalSize, 3);
  assert.equal(q(o, 'SELECT Id FROM Contact WHERE CreatedDate = LAST_N_DAYS:1').totalSize, 3);
  assert.equal(q(o, 'SELECT Id FROM Contact WHERE CreatedDate < YESTERDAY').totalSize, 0);
  assert.equal(q(o, 'SELECT Id FROM Contact WHERE CreatedDate >= 2026-03-10T00:00:00Z').totalSize, 3);
  assert.equal(q(o, 'SELECT Id FROM Contact WHERE LastActivityDate = 2026-03-09').records[0]!.Id, a.Id);
  const withTasks = q(o, `SELECT Id, (SELECT Subject FROM Tasks) FROM Contact WHERE Id = '${a.Id as string}'`)
    .records[0]!;
  assert.equal((withTasks.Tasks as { totalSize: number }).totalSize, 1);
});

void test('errors: LAST_N_MINUTES, mixed AND/OR, unknown field and object, bind variables, GROUP BY', () => {
  const { o } = org();
  assert.equal(
    code(() => q(o, 'SELECT Id FROM Contact WHERE LastModifiedDate >= LAST_N_MINUTES:30')),
    'MALFORMED_QUERY',
  );
  try {
    q(o, 'SELECT Id FROM Contact\nWHERE LastModifiedDate >= LAST_N_MINUTES:30');
  } catch (e) {
    assert.match((e as Error).message, /ERROR at Row:2:Column:27\nunexpected token: 'LAST_N_MINUTES'/);
  }
  assert.equal(
    code(() => q(o, "SELECT Id FROM Contact WHERE LastName = 'a' AND FirstName = 'b' OR Email = 'c'")),
    'MALFORMED_QUERY',
  );
  assert.equal(
    code(() => q(o, 'SELECT Id, Foo FROM Contact')),
    'INVALID_FIELD',
  );
  assert.equal(
    code(() => q(o, 'SELECT Id FROM Nope')),
    'INVALID_TYPE',
  );
  assert.equal(
    code(() => q(o, 'SELECT Id FROM Contact WHERE Phone = :phone')),
    'MALFORMED_QUERY',
  );
  assert.equal(
    code(() => q(o, 'SELECT LastName, COUNT(Id) FROM Contact GROUP BY LastName')),
    'MALFORMED_QUERY',
  );
  assert.equal(
    code(() => q(o, 'SELECT Id FROM Contact WHERE CreatedDate = 2026-01-01')),
    'INVALID_FIELD',
  );
});

void test('queryAll semantics: deleted rows only with includeDeleted, and IsDeleted is true', () => {
  const { o, a } = org();
  o.store.delete(a.Id as string);
  assert.equal(q(o, 'SELECT Id FROM Contact').totalSize, 2);
  const all = q(o, 'SELECT Id, IsDeleted FROM Contact WHERE IsDeleted = true', true);
  assert.deepEqual(
    all.records.map((r) => r.Id),
    [a.Id],
  );
  assert.equal(
    q(o, 'SELECT Id FROM Task', true).records.length,
    1,
    'the cascaded task is in the recycle bin',
  );
  assert.equal(q(o, 'SELECT Id FROM Task').totalSize, 0);
});
