/** Report jobs: generation (scheduled nightly, or on demand) and delivery (retried hourly). */
import type { Queue } from '../../platform/jobs/index.ts';
import { isDate } from './kpi.ts';
import type { Reports } from './service.ts';

declare module '../../platform/jobs/types.ts' {
  interface JobKinds {
    /** `date` absent: yesterday in the organisation's time zone, at run time (the nightly schedule). */
    'report-generate': { date?: string };
    'report-send': { date: string };
  }
}

export function defineReportJobs(queue: Queue, reports: Reports): void {
  queue.define('report-generate', {
    concurrency: 1,
    handler: async (payload) => {
      const date = payload.date !== undefined && isDate(payload.date) ? payload.date : reports.defaultDate();
      const { format, delivery, report } = await reports.generate(date);
      return { date, format, delivery, alerts: report.alerts.length };
    },
  });
  queue.define('report-send', {
    concurrency: 1,
    handler: async (payload) => reports.send(payload.date),
  });
}
