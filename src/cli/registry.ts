/** Every CLI command, in help order. */
import {
  caseRoutingCommands,
  contactSyncCommands,
  createHub,
  migrations,
  privacyCommands,
  screenPopCommands,
} from '../app.ts';
import { createApiKey, listApiKeys, revokeApiKey } from '../platform/auth/api-keys.ts';
import { describeConfig, type Config } from '../platform/config/load.ts';
import { createQueue } from '../platform/jobs/index.ts';
import { createLogger } from '../platform/log/logger.ts';
import { openStore, storeConfigOf, type Store } from '../platform/store/index.ts';
import { reportCommands } from '../features/reports/cli.ts';
import { UsageError, type CommandSpec } from './commands.ts';
import { configFrom, configOption, withStore } from './context.ts';
import { opsCommands } from './ops-commands.ts';
import { sandboxCommands } from './sandbox-commands.ts';
import { untilSignal } from './signals.ts';

function queueFor(store: Store, config: Config) {
  return createQueue({
    store,
    log: createLogger({ level: 'warn' }),
    leaseMs: config.jobs.leaseMs,
    defaultMaxAgeMs: config.jobs.maxAgeMs,
  });
}

function printJson(value: unknown): void {
  console.log(JSON.stringify(value, null, 2));
}

export const commands: CommandSpec[] = [
  {
    path: ['serve'],
    usage: 'serve [--config file.json]',
    summary: 'Run the hub against the configured Salesforce and Genesys (environment, .env, config file).',
    options: configOption,
    async run({ values }) {
      const hub = await createHub({ config: configFrom(values) });
      const url = await hub.start();
      hub.log.info({ url }, 'patchbay listening');
      console.log(`Patchbay listening on ${url}  (API docs: ${url}/docs, health: ${url}/healthz)`);
      return untilSignal(() => hub.stop());
    },
  },
  {
    path: ['config', 'check'],
    usage: 'config check [--config file.json]',
    summary: 'Validate the configuration and print the effective values, secrets masked.',
    options: configOption,
    async run({ values }) {
      const rows = describeConfig(configFrom(values));
      const width = Math.max(...rows.map((r) => r.key.length));
      for (const r of rows) console.log(`${r.key.padEnd(width)}  ${r.value}  (${r.source})`);
      console.log('\nConfiguration is valid.');
      return 0;
    },
  },
  {
    path: ['migrate'],
    usage: 'migrate [--config file.json]',
    summary: 'Apply pending database migrations (the hub also does this at start).',
    options: configOption,
    async run({ values }) {
      const config = configFrom(values);
      const store = await openStore(storeConfigOf(config));
      try {
        const { applied } = await store.migrate(migrations);
        console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'Database is up to date.');
      } finally {
        await store.close();
      }
      return 0;
    },
  },
  {
    path: ['jobs', 'list'],
    usage: 'jobs list [--state queued|running|completed|parked] [--kind K] [--limit N]',
    summary: 'List jobs.',
    options: {
      ...configOption,
      state: { type: 'string' },
      kind: { type: 'string' },
      limit: { type: 'string' },
    },
    async run({ values }) {
      const states = ['queued', 'running', 'completed', 'parked'] as const;
      const state = values.state as (typeof states)[number] | undefined;
      if (state !== undefined && !states.includes(state))
        throw new UsageError(`--state must be one of ${states.join(', ')}`);
      const limit = values.limit === undefined ? 100 : Number(values.limit);
      if (!Number.isInteger(limit) || limit < 1) throw new UsageError('--limit must be a positive integer');
      const config = configFrom(values);
      await withStore(config, migrations, async (store) =>
        printJson(
          await queueFor(store, config).list({
            ...(state ? { state } : {}),
            ...(typeof values.kind === 'string' ? { kind: values.kind } : {}),
            limit,
          }),
        ),
      );
      return 0;
    },
  },
  {
    path: ['jobs', 'parked'],
    usage: 'jobs parked',
    summary: 'List parked (dead-letter) jobs with their last error.',
    options: configOption,
    async run({ values }) {
      const config = configFrom(values);
      await withStore(config, migrations, async (store) => printJson(await queueFor(store, config).parked()));
      return 0;
    },
  },
  {
    path: ['jobs', 'replay'],
    usage: 'jobs replay <id>',
    summary: 'Queue a parked job again, attempts reset.',
    options: configOption,
    positionals: 1,
    async run({ values, positionals }) {
      const id = positionals[0] as string;
      const config = configFrom(values);
      return withStore(config, migrations, async (store) => {
        const queue = queueFor(store, config);
        const job = await queue.get(id);
        if (!job) {
          console.error(`No job ${id}.`);
          return 1;
        }
        if (job.state !== 'parked') {
          console.error(`Job ${id} is ${job.state}; only parked jobs can be replayed.`);
          return 1;
        }
        await queue.replay(id);
        console.log(`Job ${id} queued again.`);
        return 0;
      });
    },
  },
  {
    path: ['apikey', 'create'],
    usage: 'apikey create <name>',
    summary: 'Create an admin API key; the key is printed once and stored only as a hash.',
    options: configOption,
    positionals: 1,
    async run({ values, positionals }) {
      const name = positionals[0] as string;
      if (name.length > 100) throw new UsageError('name must be at most 100 characters');
      await withStore(configFrom(values), migrations, async (store) => {
        const { id, key } = await createApiKey(store.db, name);
        console.log(`Created API key ${id} (${name}). Store it now; it cannot be shown again:\n${key}`);
      });
      return 0;
    },
  },
  {
    path: ['apikey', 'list'],
    usage: 'apikey list',
    summary: 'List API keys (ids, names, dates; never secrets).',
    options: configOption,
    async run({ values }) {
      await withStore(configFrom(values), migrations, async (store) =>
        printJson(await listApiKeys(store.db)),
      );
      return 0;
    },
  },
  {
    path: ['apikey', 'revoke'],
    usage: 'apikey revoke <id>',
    summary: 'Revoke an API key.',
    options: configOption,
    positionals: 1,
    async run({ values, positionals }) {
      const id = positionals[0] as string;
      return withStore(configFrom(values), migrations, async (store) => {
        if (!(await revokeApiKey(store.db, id))) {
          console.error(`No active API key ${id}.`);
          return 1;
        }
        console.log(`API key ${id} revoked.`);
        return 0;
      });
    },
  },
  ...opsCommands,
  ...screenPopCommands,
  ...caseRoutingCommands,
  ...privacyCommands,
  ...reportCommands,
  ...contactSyncCommands,
  ...sandboxCommands,
];
