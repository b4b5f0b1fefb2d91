import type { Migration } from '../migrate.ts';
import { jobs } from './0001-platform-jobs.ts';
import { scheduleOccurrences } from './0002-platform-schedule-occurrences.ts';
import { tokenBuckets } from './0003-platform-token-buckets.ts';
import { jobTrace } from './0400-platform-job-trace.ts';
import { partialIndexes } from './0500-platform-jobs-partial-indexes.ts';

/**
 * The platform's own migrations. Names sort first (`0001-platform-…`); features name theirs
 * `<NNNN>-<feature>-<what>` with a number above 0100 so platform tables exist before them.
 */
export const platformMigrations: readonly Migration[] = [
  jobs,
  scheduleOccurrences,
  tokenBuckets,
  jobTrace,
  partialIndexes,
];
