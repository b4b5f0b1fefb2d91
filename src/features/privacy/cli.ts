/** `patchbay privacy …`: erase, status, audit, export, breach-scope, retention run, hold. */
import { writeFileSync } from 'node:fs';
import { UsageError, type CommandSpec } from '../../cli/commands.ts';
import type { Hub } from '../../app.ts';
import { loadConfig } from '../../platform/config/load.ts';
import { auditCsv } from './audit.ts';

type Values = Record<string, string | boolean | undefined>;

async function withHub(values: Values, fn: (hub: Hub) => Promise<number>): Promise<number> {
  // Imported here: app.ts imports this module (for the command list).
  const { createHub } = await import('../../app.ts');
  const config = loadConfig({
    dotenvPath: '.env',
    configFile: typeof values.config === 'string' ? values.config : undefined,
  });
  const hub = await createHub({ config, workers: false });
  try {
    return await fn(hub);
  } finally {
    await hub.stop();
  }
}

const s = (v: unknown) => (typeof v === 'string' ? v : undefined);
const print = (v: unknown) => console.log(JSON.stringify(v, null, 2));
const config = { config: { type: 'string' as const } };

function time(v: unknown, name: string): number | undefined {
  if (v === undefined) return undefined;
  const t = typeof v === 'string' ? Date.parse(v) : NaN;
  if (Number.isNaN(t)) throw new UsageError(`--${name} must be an ISO date-time, e.g. 2026-03-01T00:00:00Z`);
  return t;
}

export const privacyCommands: CommandSpec[] = [
  {
    path: ['privacy', 'erase'],
    usage: 'privacy erase --email e | --phone n | --sf-contact id | --customer id [--reference r]',
    summary:
      "Request the erasure of a person in every system (the hub's workers carry it out); prints the request.",
    options: {
      ...config,
      email: { type: 'string' },
      phone: { type: 'string' },
      'sf-contact': { type: 'string' },
      customer: { type: 'string' },
      reference: { type: 'string' },
    },
    async run({ values }) {
      const input = {
        email: s(values.email),
        phone: s(values.phone),
        salesforceContactId: s(values['sf-contact']),
        backofficeCustomerId: s(values.customer),
        reference: s(values.reference),
      };
      if (!input.email && !input.phone && !input.salesforceContactId && !input.backofficeCustomerId)
        throw new UsageError('give --email, --phone, --sf-contact or --customer');
      return withHub(values, async (hub) => {
        const r = await hub.privacy.erasures.create(input, 'cli');
        print(r.status);
        return 0;
      });
    },
  },
  {
    path: ['privacy', 'status'],
    usage: 'privacy status <erasure-id>',
    summary: 'An erasure request and each of its steps.',
    options: config,
    positionals: 1,
    async run({ values, positionals }) {
      return withHub(values, async (hub) => {
        const v = await hub.privacy.erasures.status(positionals[0] ?? '');
        if (!v) {
          console.error('No such erasure request.');
          return 1;
        }
        print(v);
        return 0;
      });
    },
  },
  {
    path: ['privacy', 'audit'],
    usage: 'privacy audit [--since iso] [--action a] [--format json|csv]',
    summary: 'Export the privacy audit log (Art. 30 records); subjects appear as keyed hashes only.',
    options: { ...config, since: { type: 'string' }, action: { type: 'string' }, format: { type: 'string' } },
    async run({ values }) {
      const since = time(values.since, 'since');
      return withHub(values, async (hub) => {
        const entries = await hub.privacy.audit.list(hub.store.db, {
          ...(since !== undefined ? { since } : {}),
          ...(s(values.action) ? { action: s(values.action)! } : {}),
        });
        if (values.format === 'csv') console.log(auditCsv(entries));
        else print(entries);
        return 0;
      });
    },
  },
  {
    path: ['privacy', 'export'],
    usage: 'privacy export [--masked] [--table t] [--out file.json]',
    summary:
      "Export Patchbay's personal-data tables; --masked masks names, e-mails and phones (unmasked exports are audited).",
    options: { ...config, masked: { type: 'boolean' }, table: { type: 'string' }, out: { type: 'string' } },
    async run({ values }) {
      return withHub(values, async (hub) => {
        const masked = values.masked === true;
        const data = await hub.privacy.exportData({
          masked,
          ...(s(values.table) ? { tables: [s(values.table)!] } : {}),
        });
        if (!masked)
          await hub.privacy.audit.record(hub.store.db, {
            action: 'personal-data.read',
            actor: 'cli',
            at: Date.now(),
            details: { what: 'export of personal-data tables', tables: Object.keys(data) },
          });
        const text = JSON.stringify(data, null, 2);
        if (s(values.out)) writeFileSync(s(values.out)!, text);
        else console.log(text);
        return 0;
      });
    },
  },
  {
    path: ['privacy', 'breach-scope'],
    usage:
      'privacy breach-scope --since iso [--systems patchbay,salesforce,genesys,backoffice] [--discovered iso]',
    summary:
      'Affected subjects (keyed hashes) and data categories, and the 72 h Art. 33 notification deadline.',
    options: {
      ...config,
      since: { type: 'string' },
      systems: { type: 'string' },
      discovered: { type: 'string' },
    },
    async run({ values }) {
      const since = time(values.since, 'since');
      if (since === undefined) throw new UsageError('--since is required');
      const discoveredAt = time(values.discovered, 'discovered');
      const systems = (s(values.systems) ?? 'patchbay,salesforce,genesys,backoffice')
        .split(',')
        .map((x) => x.trim());
      const known = ['patchbay', 'salesforce', 'genesys', 'backoffice'];
      const bad = systems.filter((x) => !known.includes(x));
      if (bad.length) throw new UsageError(`unknown system(s) ${bad.join(', ')}; known: ${known.join(', ')}`);
      return withHub(values, async (hub) => {
        print(
          await hub.privacy.breachScope({
            since,
            systems,
            actor: 'cli',
            ...(discoveredAt !== undefined ? { discoveredAt } : {}),
          }),
        );
        return 0;
      });
    },
  },
  {
    path: ['privacy', 'retention', 'run'],
    usage: 'privacy retention run',
    summary:
      'Run the recording retention now (legal holds keep; erased subjects and expired recordings go) and print the report.',
    options: config,
    async run({ values }) {
      return withHub(values, async (hub) => {
        print(await hub.privacy.retention.run());
        return 0;
      });
    },
  },
  {
    path: ['privacy', 'hold'],
    usage: 'privacy hold --reason r (--conversation id | --email e | --phone n)',
    summary: 'Put recordings on legal hold (retention keeps them).',
    options: {
      ...config,
      reason: { type: 'string' },
      conversation: { type: 'string' },
      email: { type: 'string' },
      phone: { type: 'string' },
    },
    async run({ values }) {
      const reason = s(values.reason);
      if (!reason) throw new UsageError('--reason is required');
      return withHub(values, async (hub) => {
        print(
          await hub.privacy.retention.hold(
            {
              reason,
              ...(s(values.conversation) ? { conversationId: s(values.conversation)! } : {}),
              ...(s(values.email) ? { email: s(values.email)! } : {}),
              ...(s(values.phone) ? { phone: s(values.phone)! } : {}),
            },
            'cli',
          ),
        );
        return 0;
      });
    },
  },
];
