import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { decide, type RoutingEntry } from './decide.ts';
import { formatSkills, parseSkills } from './skills.ts';

void test('valid values: empty, one, several, trailing semicolon', () => {
  assert.deepEqual(parseSkills(null), { ok: true, skills: [] });
  assert.deepEqual(parseSkills(''), { ok: true, skills: [] });
  assert.deepEqual(parseSkills('English'), { ok: true, skills: ['English'] });
  assert.deepEqual(parseSkills('English;Billing'), { ok: true, skills: ['English', 'Billing'] });
  assert.deepEqual(parseSkills('English;Billing;'), { ok: true, skills: ['English', 'Billing'] });
  assert.deepEqual(parseSkills('Product Knowledge;Spanish'), {
    ok: true,
    skills: ['Product Knowledge', 'Spanish'],
  });
});

void test('exactly 255 characters is allowed; 256 is not', () => {
  const ok = 'A'.repeat(255);
  assert.equal(parseSkills(ok).ok, true);
  const r = parseSkills('A'.repeat(256));
  assert.equal(r.ok, false);
  assert.match(!r.ok ? r.error : '', /256 characters.*at most 255/);
});

void test('leading space, pipe, empty names are rejected with a clear message', () => {
  const lead = parseSkills(' English');
  assert.deepEqual(lead, { ok: false, error: 'Skill 1 ("English") begins with a space; remove it.' });
  const second = parseSkills('English; Billing');
  assert.equal(second.ok, false);
  assert.match(!second.ok ? second.error : '', /Skill 2 .*begins with a space/);
  const pipe = parseSkills('English|Billing');
  assert.deepEqual(pipe, {
    ok: false,
    error: 'Skills contain "|"; separate skill names with semicolons (;).',
  });
  assert.equal(parseSkills('English;;Billing').ok, false);
  assert.equal(parseSkills(';English').ok, false);
  assert.equal(parseSkills('English ').ok, false);
});

void test('known skills: names must match the contact center exactly', () => {
  const known = new Set(['English', 'Billing']);
  assert.equal(parseSkills('English;Billing', known).ok, true);
  const r = parseSkills('english', known);
  assert.equal(r.ok, false);
});

void test('property: any list of valid names round-trips through format → parse', () => {
  const name = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9 _-]{0,20}[A-Za-z0-9]$/);
  fc.assert(
    fc.property(fc.array(name, { minLength: 1, maxLength: 10 }), (names) => {
      const value = formatSkills(names);
      const r = parseSkills(value);
      if (value.length > 255) return r.ok === false;
      return r.ok && JSON.stringify(r.skills) === JSON.stringify(names);
    }),
  );
});

void test('property: any value containing a pipe or longer than 255 is rejected', () => {
  fc.assert(fc.property(fc.string(), fc.string(), (a, b) => parseSkills(`${a}|${b}`).ok === false));
  fc.assert(fc.property(fc.string({ minLength: 256, maxLength: 600 }), (s) => parseSkills(s).ok === false));
});

const entry = (over: Partial<RoutingEntry>): RoutingEntry => ({
  id: 'a0S1',
  caseId: '5001',
  reason: 'New Case',
  workgroup: 'Support',
  target: 'CIC',
  skills: 'English',
  processed: false,
  ...over,
});

void test('decide: route, genesys target, disconnect on reply, settle, reject', () => {
  assert.deepEqual(decide(entry({}), { autoDisconnect: true }), {
    kind: 'route',
    target: 'cic',
    workgroup: 'Support',
    skills: ['English'],
  });
  assert.equal(
    (decide(entry({ target: 'Genesys Cloud' }), { autoDisconnect: true }) as { target: string }).target,
    'genesys-cloud',
  );
  assert.deepEqual(decide(entry({ reason: 'Agent Reply' }), { autoDisconnect: true }), {
    kind: 'disconnect',
  });
  assert.equal(decide(entry({ reason: 'Agent Reply' }), { autoDisconnect: false }).kind, 'settle');
  assert.equal(decide(entry({ processed: true }), { autoDisconnect: true }).kind, 'settle');
  assert.equal(decide(entry({ skills: ' English' }), { autoDisconnect: true }).kind, 'reject');
  assert.equal(decide(entry({ workgroup: null }), { autoDisconnect: true }).kind, 'reject');
  assert.equal(decide(entry({ target: 'Fax' }), { autoDisconnect: true }).kind, 'reject');
});
