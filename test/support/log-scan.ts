import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fixturePeople, fixtureSecrets } from '../fixtures/pii.ts';

export interface Leak {
  file: string;
  kind: 'name' | 'email' | 'phone' | 'secret';
  needle: string;
}

/** Every fixture value that must never appear in a log, with its kind. */
export function forbiddenNeedles(): Array<{ kind: Leak['kind']; needle: string }> {
  const out: Array<{ kind: Leak['kind']; needle: string }> = [];
  for (const p of fixturePeople) {
    out.push(
      { kind: 'name', needle: p.lastName },
      { kind: 'email', needle: p.email },
      { kind: 'phone', needle: p.phone },
      { kind: 'phone', needle: p.phone.slice(2) },
      { kind: 'phone', needle: p.phoneNational },
    );
  }
  for (const s of fixtureSecrets) out.push({ kind: 'secret', needle: s });
  return out;
}

export function scanLogsForLeaks(dir: string): Leak[] {
  const needles = forbiddenNeedles();
  const leaks: Leak[] = [];
  let files: string[];
  try {
    files = readdirSync(dir)
      .map((f) => join(dir, f))
      .filter((f) => statSync(f).isFile());
  } catch {
    return leaks;
  }
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    for (const n of needles) if (text.includes(n.needle)) leaks.push({ file, ...n });
  }
  return leaks;
}
