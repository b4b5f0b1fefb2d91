/**
 * `patchbay sync run [--full] [--dry-run] [--direction sf-to-gc|both]`, `sync runs`,
 * `sync conflicts [--open]`, `sync resolve <id> --side salesforce|genesys | --value V`,
 * `sync reconcile [--limit N]`.
 */
import type { CommandSpec } from '../../cli/commands.ts';
import { UsageError } from '../../cli/commands.ts';
import { configFrom, configOption } from '../../cli/context.ts';
import { createConnectors } from '../../connectors/index.ts';
import { systemClock } from '../../platform/jobs/index.ts';
import { createLogger } from '../../platform/log/logger.ts';
import { createMetrics } from '../../platform/metrics/registry.ts';
import { openStore, storeConfigOf } from '../../platform/store/index.ts';
import { contactSyncConfig } from './config.ts';
import { createContactSync, type ContactSync } from './service.ts';
import { contactSyncMigrations } from './store.ts';

async function withSync<T>(
  values: Record<string, string | boolean | undefined>,
  fn: (s: ContactSync) => Promise<T>,
): Promise<T> {
  const config = configFrom(values);
  const log = createLogger({ level: 'warn' });
  const store = await openStore(storeConfigOf(config));
  await store.migrate(contactSyncMigrations);
  const connectors = createConnectors(config, {
    store,
    log,
    metrics: createMetrics({ defaultMetrics: false }),
  });
  try {
    const sync = createContactSync({
      store,
      log,
      clock: systemClock,
      salesforce: connectors.salesforce,
      genesys: connectors.genesys,
      options: contactSyncConfig(config).options,
    });
    return await fn(sync);
  } finally {
    await connectors.close();
    await store.close();
  }
}

function bar(done: number, total: number): string {
  const width = 30;
  const filled = total === 0 ? width : Math.round((done / total) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}`;
}

export const contactSyncCommands: CommandSpec[] = [
  {
    path: ['sync', 'run'],
    usage: 'sync run [--full] [--dry-run] [--direction sf-to-gc|both]',
    summary:
      'Run the contact sync now and print its summary (created/updated/skipped/failed/conflicts/API calls/duration).',
    options: {
      ...configOption,
      full: { type: 'boolean' },
      'dry-run': { type: 'boolean' },
      direction: { type: 'string' },
    },
    async run({ values }) {
      const direction = values.direction;
      if (direction !== undefined && direction !== 'sf-to-gc' && direction !== 'both')
        throw new UsageError('--direction must be sf-to-gc or both');
      const summary = await withSync(values, (s) =>
        s.run({
          mode: values.full === true ? 'full' : 'incremental',
          ...(direction ? { direction } : {}),
          dryRun: values['dry-run'] === true,
          onProgress: (done, total) => {
            if (process.stderr.isTTY) process.stderr.write(`\r${bar(done, total)}`);
          },
        }),
      );
      if (process.stderr.isTTY) process.stderr.write('\n');
      console.log(JSON.stringify(summary, null, 2));
      return summary.failed > 0 ? 1 : 0;
    },
  },
  {
    path: ['sync', 'runs'],
    usage: 'sync runs',
    summary: 'Contact sync run history.',
    options: configOption,
    async run({ values }) {
      console.log(JSON.stringify(await withSync(values, (s) => s.listRuns(20)), null, 2));
      return 0;
    },
  },
  {
    path: ['sync', 'conflicts'],
    usage: 'sync conflicts [--open]',
    summary: 'The conflict audit; --open lists the ones parked for review.',
    options: { ...configOption, open: { type: 'boolean' } },
    async run({ values }) {
      const list = await withSync(values, (s) =>
        s.listConflicts(values.open === true ? { status: 'open' } : {}),
      );
      console.log(JSON.stringify(list, null, 2));
      return 0;
    },
  },
  {
    path: ['sync', 'resolve'],
    usage: 'sync resolve <id> (--side salesforce|genesys | --value V)',
    summary: 'Resolve a parked conflict; the chosen value is written to both systems.',
    options: { ...configOption, side: { type: 'string' }, value: { type: 'string' } },
    positionals: 1,
    async run({ values, positionals }) {
      const side = values.side;
      if (side !== undefined && side !== 'salesforce' && side !== 'genesys')
        throw new UsageError('--side must be salesforce or genesys');
      if (side === undefined && typeof values.value !== 'string')
        throw new UsageError('give --side or --value');
      const res = await withSync(values, (s) =>
        s.resolveConflict(
          positionals[0] as string,
          side ? { side } : { value: values.value as string },
          'cli',
        ),
      );
      console.log(JSON.stringify(res));
      return 0;
    },
  },
  {
    path: ['sync', 'reconcile'],
    usage: 'sync reconcile [--limit N]',
    summary:
      'Read both systems whole and list the drift from the links (counts, per-record hashes); writes nothing. Exit 1 when there is drift.',
    options: { ...configOption, limit: { type: 'string' } },
    async run({ values }) {
      const limit = values.limit === undefined ? 100 : Number(values.limit);
      if (!Number.isInteger(limit) || limit < 0) throw new UsageError('--limit must be a whole number');
      const report = await withSync(values, (s) => s.reconcile({ limit }));
      console.log(JSON.stringify(report, null, 2));
      return report.drift.total > 0 ? 1 : 0;
    },
  },
];
