/**
 * `patchbay routing credentials …`: store CIC / Salesforce credentials for case routing without
 * the pages. Secrets are read from stdin (`--password-stdin`, `--secret-stdin`) or from
 * PATCHBAY_ROUTING_SECRET — never from the command line, where `ps` and shell history see them.
 */
import { UsageError, type CommandSpec } from '../../cli/commands.ts';
import { configFrom, configOption, withStore } from '../../cli/context.ts';
import { describeCredentials, rotateCredentials, saveCredentials } from './credentials.ts';
import { keyringFor } from './index.ts';
import { caseRoutingMigrations } from './migrations.ts';

async function readSecret(fromStdin: boolean): Promise<string> {
  if (fromStdin) {
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    const s = Buffer.concat(chunks)
      .toString('utf8')
      .replace(/\r?\n$/, '');
    if (s === '') throw new UsageError('stdin was empty');
    return s;
  }
  const env = process.env.PATCHBAY_ROUTING_SECRET;
  if (env) return env;
  throw new UsageError(
    'give the secret on stdin (--password-stdin / --secret-stdin) or in PATCHBAY_ROUTING_SECRET',
  );
}

const httpUrl = (v: unknown, name: string): string => {
  if (typeof v !== 'string' || !/^https?:\/\/\S+$/.test(v))
    throw new UsageError(`${name} must be an http(s) URL`);
  return v.replace(/\/$/, '');
};
const required = (v: unknown, name: string): string => {
  if (typeof v !== 'string' || v === '') throw new UsageError(`${name} is required`);
  return v;
};

export const caseRoutingCommands: CommandSpec[] = [
  {
    path: ['routing', 'credentials', 'set', 'cic'],
    usage:
      'routing credentials set cic --server URL [--switchover URL] --user NAME [--no-auto-disconnect] [--password-stdin]',
    summary: 'Store the CIC (ICWS) login for case routing, password encrypted.',
    options: {
      ...configOption,
      server: { type: 'string' },
      switchover: { type: 'string' },
      user: { type: 'string' },
      'no-auto-disconnect': { type: 'boolean' },
      'password-stdin': { type: 'boolean' },
    },
    async run({ values }) {
      const server = httpUrl(values.server, '--server');
      const switchoverServer =
        values.switchover === undefined ? undefined : httpUrl(values.switchover, '--switchover');
      const userId = required(values.user, '--user');
      const password = await readSecret(values['password-stdin'] === true);
      const config = configFrom(values);
      await withStore(config, caseRoutingMigrations, (store) =>
        saveCredentials(store.db, keyringFor(config)(), 'cic', {
          server,
          switchoverServer,
          userId,
          password,
          autoDisconnect: values['no-auto-disconnect'] !== true,
        }),
      );
      console.log('CIC credentials stored (password encrypted).');
      return 0;
    },
  },
  {
    path: ['routing', 'credentials', 'set', 'salesforce'],
    usage: 'routing credentials set salesforce --login-url URL --client-id ID [--secret-stdin]',
    summary: 'Store the Salesforce connected app for case routing, secret encrypted.',
    options: {
      ...configOption,
      'login-url': { type: 'string' },
      'client-id': { type: 'string' },
      'secret-stdin': { type: 'boolean' },
    },
    async run({ values }) {
      const loginUrl = httpUrl(values['login-url'], '--login-url');
      const clientId = required(values['client-id'], '--client-id');
      const clientSecret = await readSecret(values['secret-stdin'] === true);
      const config = configFrom(values);
      await withStore(config, caseRoutingMigrations, (store) =>
        saveCredentials(store.db, keyringFor(config)(), 'salesforce', { loginUrl, clientId, clientSecret }),
      );
      console.log('Salesforce credentials stored (secret encrypted).');
      return 0;
    },
  },
  {
    path: ['routing', 'credentials', 'show'],
    usage: 'routing credentials show',
    summary: 'Show the stored case-routing credentials (never the secrets).',
    options: configOption,
    async run({ values }) {
      const config = configFrom(values);
      await withStore(config, caseRoutingMigrations, async (store) => {
        const out = {
          cic: await describeCredentials(store.db, 'cic'),
          salesforce: await describeCredentials(store.db, 'salesforce'),
        };
        console.log(JSON.stringify(out, null, 2));
      });
      return 0;
    },
  },
  {
    path: ['routing', 'credentials', 'rotate'],
    usage: 'routing credentials rotate',
    summary:
      'Re-encrypt stored secrets under the current PATCHBAY_ENCRYPTION_KEY (old keys in PATCHBAY_ENCRYPTION_OLD_KEYS).',
    options: configOption,
    async run({ values }) {
      const config = configFrom(values);
      const moved = await withStore(config, caseRoutingMigrations, (store) =>
        rotateCredentials(store.db, keyringFor(config)()),
      );
      console.log(`Re-encrypted ${moved} secret(s).`);
      return 0;
    },
  },
];
