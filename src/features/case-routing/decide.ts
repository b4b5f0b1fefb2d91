/**
 * What to do with one routing-table entry: route it, disconnect the interaction (the agent
 * replied), settle it without action, or reject it with an error written back to Salesforce.
 * Plain data in, plain data out.
 */
import { parseSkills } from './skills.ts';

export type RoutingTarget = 'cic' | 'genesys-cloud';

export interface RoutingEntry {
  id: string;
  caseId: string;
  reason: string | null;
  workgroup: string | null;
  target: string | null;
  skills: string | null;
  processed: boolean;
}

export type Decision =
  | { kind: 'route'; target: RoutingTarget; workgroup: string; skills: string[] }
  | { kind: 'disconnect' }
  | { kind: 'settle'; note: string }
  | { kind: 'reject'; error: string };

export function targetOf(value: string | null): RoutingTarget | undefined {
  if (value === null || value === '' || value === 'CIC') return 'cic';
  if (value === 'Genesys Cloud') return 'genesys-cloud';
  return undefined;
}

export function decide(entry: RoutingEntry, opts: { autoDisconnect: boolean }): Decision {
  if (entry.processed) return { kind: 'settle', note: 'already processed' };
  if (entry.reason === 'Agent Reply')
    return opts.autoDisconnect ? { kind: 'disconnect' } : { kind: 'settle', note: 'auto-disconnect is off' };
  const target = targetOf(entry.target);
  if (!target) return { kind: 'reject', error: `Unknown routing target "${entry.target ?? ''}".` };
  const workgroup = entry.workgroup?.trim() ?? '';
  if (workgroup === '') return { kind: 'reject', error: 'The entry names no workgroup.' };
  const skills = parseSkills(entry.skills);
  if (!skills.ok) return { kind: 'reject', error: skills.error };
  return { kind: 'route', target, workgroup, skills: skills.skills };
}
