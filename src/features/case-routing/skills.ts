/**
 * `ObjectRouting_Skills__c` validation, exactly as seed 004 states the rules: names as in the
 * contact center, no leading spaces, separated by semicolons, no `|`, at most 255 characters in
 * total (semicolons included). A bad value is reported, never "fixed" into a wrong routing.
 */
export const MAX_SKILLS_LENGTH = 255;

export type SkillsResult = { ok: true; skills: string[] } | { ok: false; error: string };

/**
 * Parses the field value. Empty or missing = no required skill. A trailing semicolon is tolerated
 * (empty names are dropped). `known`, when given, is the contact center's skill names: each
 * required skill must be one of them (exact match, as the seed says "match the skill names").
 */
export function parseSkills(value: string | null | undefined, known?: ReadonlySet<string>): SkillsResult {
  if (value === null || value === undefined || value === '') return { ok: true, skills: [] };
  if (value.length > MAX_SKILLS_LENGTH)
    return {
      ok: false,
      error: `Skills are ${value.length} characters long; at most ${MAX_SKILLS_LENGTH} are allowed (semicolons included).`,
    };
  if (value.includes('|'))
    return { ok: false, error: 'Skills contain "|"; separate skill names with semicolons (;).' };
  const names = value.split(';');
  const skills: string[] = [];
  for (const [i, name] of names.entries()) {
    if (name === '') {
      if (i === names.length - 1 && i > 0) continue;
      return { ok: false, error: `Skill ${i + 1} is empty; separate skill names with single semicolons.` };
    }
    if (/^\s/.test(name))
      return { ok: false, error: `Skill ${i + 1} ("${name.trim()}") begins with a space; remove it.` };
    if (/\s$/.test(name))
      return { ok: false, error: `Skill ${i + 1} ("${name.trim()}") ends with a space; remove it.` };
    if (known && !known.has(name))
      return { ok: false, error: `Skill "${name}" does not exist in the contact center (names are exact).` };
    skills.push(name);
  }
  return { ok: true, skills };
}

/** The value to send to the contact center: the validated names joined by semicolons. */
export function formatSkills(skills: readonly string[]): string {
  return skills.join(';');
}
