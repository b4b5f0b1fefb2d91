/** Starts a real hub on a loopback port over a fresh database, for integration tests. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHub, type Hub, type HubOptions } from '../../src/app.ts';
import { createApiKey } from '../../src/platform/auth/api-keys.ts';
import { loadConfig } from '../../src/platform/config/load.ts';
import { testLogger } from './logger.ts';

interface EmulatorCredentials {
  url: string;
  clientId: string;
  clientSecret: string;
}

/** The settings that point a hub at the sandbox's Salesforce and Genesys emulators. */
export function sandboxEnv(sf: EmulatorCredentials, gc: EmulatorCredentials): Record<string, string> {
  return {
    SALESFORCE_LOGIN_URL: sf.url,
    SALESFORCE_CLIENT_ID: sf.clientId,
    SALESFORCE_CLIENT_SECRET: sf.clientSecret,
    GENESYS_API_URL: gc.url,
    GENESYS_CLIENT_ID: gc.clientId,
    GENESYS_CLIENT_SECRET: gc.clientSecret,
  };
}

export interface TestHub {
  hub: Hub;
  url: string;
  /** A valid admin API key. */
  apiKey: string;
  stop(): Promise<void>;
}

export async function startTestHub(
  opts: {
    env?: Record<string, string>;
    databaseUrl?: string;
    workers?: boolean;
    clock?: HubOptions['clock'];
  } = {},
): Promise<TestHub> {
  const dir = mkdtempSync(join(tmpdir(), 'pb-hub-'));
  const config = loadConfig({
    env: {
      PATCHBAY_PORT: '0',
      PATCHBAY_SQLITE_PATH: join(dir, 'patchbay.sqlite'),
      LOG_LEVEL: 'debug',
      PATCHBAY_SHUTDOWN_DEADLINE_SECONDS: '2',
      ...(opts.databaseUrl ? { DATABASE_URL: opts.databaseUrl } : {}),
      ...opts.env,
    },
  });
  const hub = await createHub({
    config,
    log: testLogger(),
    workers: opts.workers ?? true,
    ...(opts.clock ? { clock: opts.clock } : {}),
  });
  const url = await hub.start();
  const { key } = await createApiKey(hub.store.db, 'test');
  return { hub, url, apiKey: key, stop: () => hub.stop() };
}
