/** What every CLI command needs: the `--config` option, the loaded configuration, a migrated store. */
import { loadConfig, type Config } from '../platform/config/load.ts';
import { openStore, storeConfigOf, type Migration, type Store } from '../platform/store/index.ts';

export const configOption = { config: { type: 'string' as const } };

export function configFrom(values: Record<string, string | boolean | undefined>): Config {
  return loadConfig({
    dotenvPath: '.env',
    configFile: typeof values.config === 'string' ? values.config : undefined,
  });
}

/** Opens the configured store, applies the given migrations, runs fn, and always closes the store. */
export async function withStore<T>(
  config: Config,
  migrations: readonly Migration[],
  fn: (store: Store) => Promise<T>,
): Promise<T> {
  const store = await openStore(storeConfigOf(config));
  try {
    await store.migrate(migrations);
    return await fn(store);
  } finally {
    await store.close();
  }
}
