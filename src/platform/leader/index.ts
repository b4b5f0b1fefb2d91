/** Leadership: one holder per name across processes, over a database lease. See election.ts. */
export {
  createLeaderElection,
  defaultHolderId,
  type LeaderElection,
  type LeaderElectionOptions,
  type LeaderListener,
} from './election.ts';
export {
  runWhileLeader,
  type LeaderStart,
  type LeaderStop,
  type LeaderTaskOptions,
} from './run-while-leader.ts';
export { createLeadership, type Leadership, type LeadershipOptions } from './leadership.ts';
export { leaderMigrations, type LeasesTable } from './migrations.ts';
export { listLeases, type LeaseInfo } from './sql.ts';
