/**
 * A PushTopic's query compiled for single records: does a changed record match the WHERE, which
 * fields it selects, and whether a change touches the fields `NotifyForFields` watches.
 */
import type { Rec, Store } from '../store.ts';
import { compileSelect, parseSoql } from './engine.ts';
import { format } from '../values.ts';
import type { Expr } from './where.ts';

export interface PushTopicMatcher {
  entity: string;
  matches(rec: Rec): boolean;
  project(rec: Rec): Record<string, unknown>;
  notifies(notifyForFields: string, changedFields: string[]): boolean;
}

function whereFields(e: Expr | undefined, out: Set<string>): Set<string> {
  if (!e) return out;
  if (e.kind === 'cond') out.add(e.acc.field.name);
  else if (e.kind === 'not') whereFields(e.item, out);
  else for (const i of e.items) whereFields(i, out);
  return out;
}

export function compilePushTopic(soql: string, store: Store, now: number): PushTopicMatcher {
  const q = parseSoql(soql);
  const meta = store.schema.object(q.sObject ?? '');
  if (!meta) throw new Error(`unknown object in PushTopic query: ${soql}`);
  const c = compileSelect(q, store, meta, soql, now);
  const selected = c.columns.flatMap((col) =>
    col.kind === 'field' && col.acc.steps.length === 0 ? [col.acc.field] : [],
  );
  const where = whereFields(c.where?.expr, new Set());
  const selectNames = new Set(selected.map((f) => f.name));
  return {
    entity: meta.name,
    matches: (rec) => !c.where || c.where.test(rec),
    project: (rec) =>
      Object.fromEntries([['Id', rec.Id], ...selected.map((f) => [f.name, format(f, rec[f.name])])]),
    notifies: (mode, changed) => {
      const watched =
        mode === 'All'
          ? undefined
          : mode === 'Select'
            ? selectNames
            : mode === 'Where'
              ? where
              : new Set([...selectNames, ...where]);
      const relevant = changed.filter(
        (n) => n !== 'LastModifiedDate' && n !== 'SystemModstamp' && n !== 'LastModifiedById',
      );
      return watched === undefined ? relevant.length > 0 : relevant.some((n) => watched.has(n));
    },
  };
}
