/** The contact-sync job kind: one run (scheduled every 30 minutes, or on demand). */

declare module '../../platform/jobs/types.ts' {
  interface JobKinds {
    'contact-sync-run': {
      mode?: 'incremental' | 'full' | 'cdc';
      direction?: 'sf-to-gc' | 'both';
      dryRun?: boolean;
      /** CDC: the Salesforce Contact IDs that changed (from the mirror's change feed). */
      ids?: string[];
    };
  }
}

export const CONTACT_SYNC_JOB = 'contact-sync-run';
