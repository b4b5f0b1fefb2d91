/**
 * Commands that start the sandbox: `sandbox`, `demo` (what `npm start` runs) and `simulate`.
 * The sandbox is loaded lazily so `serve` never loads emulator code.
 */
import { join } from 'node:path';
import { createHub } from '../app.ts';
import { createApiKey } from '../platform/auth/api-keys.ts';
import { loadConfig } from '../platform/config/load.ts';
import { UsageError, type CommandSpec } from './commands.ts';
import { demoSecrets, demoSettings, wireGenesysToHub } from './demo-wiring.ts';
import { untilSignal } from './signals.ts';

const loadSandbox = () => import('../../sandbox/index.ts');
const loadSimulator = () => import('../../sandbox/simulator/index.ts');

function printUrls(title: string, urls: Record<string, string>): void {
  const width = Math.max(...Object.keys(urls).map((k) => k.length));
  console.log(title);
  for (const [name, url] of Object.entries(urls)) console.log(`  ${name.padEnd(width)}  ${url}`);
}

function positiveNumber(name: string, v: string | boolean | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (typeof v !== 'string' || !Number.isFinite(n) || n <= 0)
    throw new UsageError(`--${name} must be a positive number`);
  return n;
}

export const sandboxCommands: CommandSpec[] = [
  {
    path: ['sandbox'],
    usage: 'sandbox',
    summary:
      'Start only the emulators (Salesforce, Genesys Cloud, CIC, back office, SMTP) and print their URLs.',
    async run() {
      const { startSandbox } = await loadSandbox();
      const sb = await startSandbox();
      printUrls('Patchbay sandbox is running (Ctrl-C to stop):', sb.urls);
      console.log(
        `\nSalesforce client credentials: ${sb.salesforce.clientId} / (secret in docs/sandbox/salesforce.md)`,
      );
      console.log(`Genesys client credentials:    ${sb.genesys.clientId} / ${sb.genesys.clientSecret}`);
      return untilSignal(() => sb.close());
    },
  },
  {
    path: ['demo'],
    usage: 'demo',
    summary: 'Sandbox + hub wired to it + simulated calls (what `npm start` runs).',
    async run() {
      const { startSandbox } = await loadSandbox();
      const { startDemo } = await loadSimulator();
      const sb = await startSandbox();
      const secrets = demoSecrets();
      const config = loadConfig({
        dotenvPath: '.env',
        env: {
          PATCHBAY_SQLITE_PATH: join('.data', 'demo.sqlite'),
          ...process.env,
          ...demoSettings(sb, secrets),
        },
      });
      const hub = await createHub({ config });
      const url = await hub.start();
      await wireGenesysToHub(sb, url, secrets, {
        screenPop: config.raw.SCREEN_POP_AUTH_HEADER ?? 'x-screen-pop-token',
        webhook: config.raw.WEBHOOK_TOKEN_HEADER ?? 'x-webhook-token',
      });
      const { key } = await createApiKey(hub.store.db, `demo-${new Date().toISOString()}`);
      const sim = startDemo({
        genesys: {
          baseUrl: sb.genesys.url,
          clientId: sb.genesys.clientId,
          clientSecret: sb.genesys.clientSecret,
        },
        anis: sb.callerNumbers,
      });
      sim.done.catch((err: unknown) => hub.log.warn({ err }, 'demo simulator stopped'));
      printUrls('Patchbay demo is running (Ctrl-C to stop):', {
        hub: url,
        'API docs': `${url}/docs`,
        health: `${url}/readyz`,
        metrics: `${url}/metrics`,
        'agent desktop': `${url}/desktop`,
        'presence dashboard': `${url}/dashboard/presence`,
        'routing status': `${url}/routing/status`,
        ...sb.urls,
      });
      console.log(
        `\nAdmin API key for this demo: ${key}\n  curl -H "Authorization: Bearer ${key}" ${url}/v1/admin/jobs`,
      );
      return untilSignal(async () => {
        await sim.stop().catch(() => undefined);
        await hub.stop();
        await sb.close();
      });
    },
  },
  {
    path: ['simulate'],
    usage:
      'simulate [--calls-per-minute N] [--agents N] [--duration 10m] [--speed N] [--genesys URL --client-id ID --client-secret S]',
    summary:
      'Drive a Genesys emulator with simulated calls and print the ground truth (starts a sandbox when --genesys is not given).',
    options: {
      'calls-per-minute': { type: 'string' },
      agents: { type: 'string' },
      duration: { type: 'string' },
      speed: { type: 'string' },
      seed: { type: 'string' },
      genesys: { type: 'string' },
      'client-id': { type: 'string' },
      'client-secret': { type: 'string' },
    },
    async run({ values }) {
      const { simulate, parseDuration, summarise } = await loadSimulator();
      let durationMs: number;
      try {
        durationMs = parseDuration(typeof values.duration === 'string' ? values.duration : '10m');
      } catch (err) {
        throw new UsageError((err as Error).message);
      }
      const callsPerMinute = positiveNumber('calls-per-minute', values['calls-per-minute'], 60);
      const agents = Math.round(positiveNumber('agents', values.agents, 50));
      const speed = positiveNumber('speed', values.speed, Infinity);
      const seed = Math.round(positiveNumber('seed', values.seed, 1));
      let genesys: { baseUrl: string; clientId?: string; clientSecret?: string };
      let anis: string[] | undefined;
      let close = async () => {};
      if (typeof values.genesys === 'string') {
        genesys = {
          baseUrl: values.genesys,
          ...(typeof values['client-id'] === 'string' ? { clientId: values['client-id'] } : {}),
          ...(typeof values['client-secret'] === 'string' ? { clientSecret: values['client-secret'] } : {}),
        };
      } else {
        const { startSandbox } = await loadSandbox();
        const sb = await startSandbox();
        genesys = {
          baseUrl: sb.genesys.url,
          clientId: sb.genesys.clientId,
          clientSecret: sb.genesys.clientSecret,
        };
        anis = sb.callerNumbers;
        close = () => sb.close();
      }
      try {
        const result = await simulate({
          genesys,
          callsPerMinute,
          agents,
          durationMs,
          speed,
          seed,
          ...(anis ? { anis } : {}),
        });
        console.log(summarise(result));
        return result.errors.length === 0 ? 0 : 1;
      } finally {
        await close();
      }
    },
  },
];
