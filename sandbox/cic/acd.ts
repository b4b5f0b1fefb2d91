/**
 * The simple ACD, as pure functions over plain data. An interaction goes to an `Available`
 * member of its workgroup who has every required skill (regardless of proficiency, as SORS
 * documents) and spare capacity; among those, the one idle longest. Otherwise it waits, and
 * the oldest waiting interaction an agent qualifies for is offered when they free up.
 */
import type { CicInteraction, CicUser, CicWorkgroup } from './model.ts';

export interface AcdView {
  users: ReadonlyMap<string, CicUser>;
  workgroups: ReadonlyMap<string, CicWorkgroup>;
  /** Active (not disconnected) interactions per agent. */
  load(userId: string): number;
  /** When the agent last received an interaction (0 if never): longest idle first. */
  lastAssignedAt(userId: string): number;
}

export function qualifies(
  view: AcdView,
  user: CicUser,
  i: Pick<CicInteraction, 'workgroup' | 'requiredSkills'>,
): boolean {
  const wg = view.workgroups.get(i.workgroup);
  if (!wg || !wg.members.includes(user.userId)) return false;
  if (user.status !== 'Available') return false;
  if (view.load(user.userId) >= user.maxInteractions) return false;
  const skills = new Set(user.skills.map((s) => s.toLowerCase()));
  return i.requiredSkills.every((s) => skills.has(s.toLowerCase()));
}

/** The agent to assign `i` to now, or undefined to queue it. Ties break on userId for determinism. */
export function chooseAgent(
  view: AcdView,
  i: Pick<CicInteraction, 'workgroup' | 'requiredSkills'>,
): CicUser | undefined {
  const candidates = [...view.users.values()].filter((u) => qualifies(view, u, i));
  candidates.sort(
    (a, b) =>
      view.lastAssignedAt(a.userId) - view.lastAssignedAt(b.userId) || a.userId.localeCompare(b.userId),
  );
  return candidates[0];
}

/** The oldest queued interaction `user` can take now, if any. */
export function nextFor(
  view: AcdView,
  user: CicUser,
  queued: readonly CicInteraction[],
): CicInteraction | undefined {
  return [...queued]
    .filter((i) => i.state === 'O' && qualifies(view, user, i))
    .sort((a, b) => a.createdAt - b.createdAt || Number(a.interactionId) - Number(b.interactionId))[0];
}
