/** `patchbay report run [--date YYYY-MM-DD]`: generate a day's report now and e-mail it. */
import type { CommandSpec } from '../../cli/commands.ts';
import { UsageError } from '../../cli/commands.ts';
import { createHub } from '../../app.ts';
import { loadConfig } from '../../platform/config/load.ts';
import { isDate } from './kpi.ts';

export const reportCommands: CommandSpec[] = [
  {
    path: ['report', 'run'],
    usage: 'report run [--date YYYY-MM-DD]',
    summary:
      'Generate the analytics report of a day (default: yesterday in PATCHBAY_TIMEZONE), archive and e-mail it.',
    options: { config: { type: 'string' }, date: { type: 'string' } },
    async run({ values }) {
      const date = values.date;
      if (date !== undefined && (typeof date !== 'string' || !isDate(date)))
        throw new UsageError('--date must be a calendar date YYYY-MM-DD');
      const config = loadConfig({
        dotenvPath: '.env',
        configFile: typeof values.config === 'string' ? values.config : undefined,
      });
      const hub = await createHub({ config, workers: false });
      try {
        const day = date ?? hub.reports.defaultDate();
        const res = await hub.reports.generate(day);
        console.log(`Report ${day}: ${res.format}, ${res.report.alerts.length} alert(s).`);
        if (res.delivery === 'pending') {
          try {
            await hub.reports.send(day);
            console.log(`E-mailed to ${config.reports.recipients.length} recipient(s).`);
          } catch (err) {
            console.error(`Not sent now (${(err as Error).message}); the hub retries hourly.`);
          }
        } else console.log('Not e-mailed: set SMTP_URL and REPORT_RECIPIENTS.');
        return 0;
      } finally {
        await hub.stop();
      }
    },
  },
];
