import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseAgent, nextFor, type AcdView } from './acd.ts';
import type { CicInteraction, CicUser, CicWorkgroup } from './model.ts';
import { parseCreateEmail } from './sors-notification.ts';

const user = (userId: string, skills: string[], over: Partial<CicUser> = {}): CicUser => ({
  userId,
  password: '',
  displayName: userId,
  skills,
  status: 'Available',
  maxInteractions: 1,
  ...over,
});

const view = (
  users: CicUser[],
  workgroups: CicWorkgroup[],
  load: Record<string, number> = {},
  last: Record<string, number> = {},
): AcdView => ({
  users: new Map(users.map((u) => [u.userId, u])),
  workgroups: new Map(workgroups.map((w) => [w.name, w])),
  load: (id) => load[id] ?? 0,
  lastAssignedAt: (id) => last[id] ?? 0,
});

const support: CicWorkgroup = { name: 'Support', members: ['a', 'b', 'c'], acdEmailRouting: true };

void test('the interaction goes to an available member with every required skill', () => {
  const v = view(
    [user('a', ['English']), user('b', ['English', 'Billing']), user('x', ['English', 'Billing'])],
    [support],
  );
  assert.equal(
    chooseAgent(v, { workgroup: 'Support', requiredSkills: ['billing', 'English'] })?.userId,
    'b',
    'skills match case-insensitively; x is no member',
  );
});

void test('away agents, agents at capacity and unknown workgroups get nothing', () => {
  const v = view([user('a', ['English'], { status: 'Away' }), user('b', ['English'])], [support], { b: 1 });
  assert.equal(chooseAgent(v, { workgroup: 'Support', requiredSkills: ['English'] }), undefined);
  assert.equal(
    chooseAgent(view([user('a', [])], [support]), { workgroup: 'Nope', requiredSkills: [] }),
    undefined,
  );
});

void test('among qualified agents the longest idle wins, ties by userId', () => {
  const users = [user('a', []), user('b', []), user('c', [])];
  assert.equal(
    chooseAgent(view(users, [support], {}, { a: 50, b: 10, c: 30 }), {
      workgroup: 'Support',
      requiredSkills: [],
    })?.userId,
    'b',
  );
  assert.equal(
    chooseAgent(view(users, [support]), { workgroup: 'Support', requiredSkills: [] })?.userId,
    'a',
  );
});

void test('a freed agent takes the oldest queued interaction they qualify for', () => {
  const mk = (id: string, createdAt: number, requiredSkills: string[]): CicInteraction => ({
    interactionId: id,
    caseId: `case-${id}`,
    workgroup: 'Support',
    requiredSkills,
    state: 'O',
    assignedTo: null,
    createdAt,
    custom: {},
    subject: '',
    remoteAddress: '',
  });
  const a = user('a', ['English']);
  const queued = [mk('3', 30, ['English']), mk('1', 10, ['Spanish']), mk('2', 20, [])];
  assert.equal(nextFor(view([a], [support]), a, queued)?.interactionId, '2');
});

void test('SORS create data is parsed and validated like ObjectRouting_Skills__c', () => {
  const ok = parseCreateEmail(['500xx01', 'Support', 'English;Billing', 'Subject', 'from@example.com']);
  assert.ok(ok.ok);
  if (ok.ok) assert.deepEqual(ok.value.skills, ['English', 'Billing']);
  assert.equal(parseCreateEmail(['500xx01', 'Support']).ok, true, 'skills, subject and sender are optional');
  for (const bad of [
    [],
    ['c'],
    ['c', 'Support', 'English|Billing'],
    ['c', 'Support', ' English'],
    ['c', 'Support', 'x'.repeat(256)],
  ]) {
    assert.equal(parseCreateEmail(bad).ok, false, JSON.stringify(bad).slice(0, 40));
  }
});
