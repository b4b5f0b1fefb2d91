/** Operations commands: alerts, backup and restore. */
import { resolve } from 'node:path';
import { migrations } from '../app.ts';
import { listAlerts } from '../platform/alerts/index.ts';
import { BackupError, backupSqlite, pgDumpAdvice, restoreSqlite } from '../platform/backup/sqlite-backup.ts';
import { isPostgresUrl, openStore, storeConfigOf } from '../platform/store/index.ts';
import { UsageError, type CommandSpec } from './commands.ts';
import { configFrom, configOption } from './context.ts';

async function backupOrRestore(fn: () => Promise<void>): Promise<number> {
  try {
    await fn();
    return 0;
  } catch (e) {
    if (e instanceof BackupError) {
      console.error(e.message);
      return 1;
    }
    throw e;
  }
}

export const opsCommands: CommandSpec[] = [
  {
    path: ['alerts', 'list'],
    usage: 'alerts list [--recent N]',
    summary: 'List open alerts and the most recently resolved ones.',
    options: { ...configOption, recent: { type: 'string' } },
    async run({ values }) {
      const recent = values.recent === undefined ? 50 : Number(values.recent);
      if (!Number.isInteger(recent) || recent < 0 || recent > 1000)
        throw new UsageError('--recent must be an integer from 0 to 1000');
      const config = configFrom(values);
      const store = await openStore(storeConfigOf(config));
      try {
        await store.migrate(migrations);
        console.log(JSON.stringify(await listAlerts(store.db, { recent }), null, 2));
      } finally {
        await store.close();
      }
      return 0;
    },
  },
  {
    path: ['backup'],
    usage: 'backup <file> [--force]',
    summary:
      'Online backup of the SQLite database to a file (PostgreSQL: prints the pg_dump command, exit 2).',
    options: { ...configOption, force: { type: 'boolean' } },
    positionals: 1,
    async run({ values, positionals }) {
      const file = resolve(positionals[0] as string);
      const config = configFrom(values);
      if (isPostgresUrl(config.databaseUrl)) {
        console.error(pgDumpAdvice(file));
        return 2;
      }
      return backupOrRestore(async () => {
        const pages = await backupSqlite(resolve(config.sqlitePath), file, { force: values.force === true });
        console.log(`Backed up ${config.sqlitePath} to ${file} (${pages} pages).`);
      });
    },
  },
  {
    path: ['restore'],
    usage: 'restore <file> [--force]',
    summary: 'Restore the SQLite database from a backup after an integrity check (stop the hub first).',
    options: { ...configOption, force: { type: 'boolean' } },
    positionals: 1,
    async run({ values, positionals }) {
      const file = resolve(positionals[0] as string);
      const config = configFrom(values);
      if (isPostgresUrl(config.databaseUrl)) {
        console.error(pgDumpAdvice(file));
        return 2;
      }
      return backupOrRestore(async () => {
        await restoreSqlite(file, resolve(config.sqlitePath), { force: values.force === true });
        console.log(
          `Restored ${config.sqlitePath} from ${file}. Start the hub; it applies newer migrations.`,
        );
      });
    },
  },
];
