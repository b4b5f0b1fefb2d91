/** Screen pop settings (`SCREEN_POP_*`), read from the validated configuration. */
import type { Config } from '../../platform/config/load.ts';

export type FallbackMode = 'never' | 'cold' | 'miss';

export interface ScreenPopConfig {
  auth: {
    /** User Defined credentials: this header must carry `token`. */
    header: string;
    token: string | undefined;
    basic: { user: string; password: string } | undefined;
  };
  maxMatches: number;
  /** When to ask Salesforce live: never; while the index is not warm (default); or also on a miss. */
  fallback: FallbackMode;
  budgetMs: number;
  cacheSize: number;
  cacheTtlMs: number;
  /** Base URL of Lightning record pages (`<crmUrl>/lightning/r/Contact/<id>/view`). */
  crmUrl: string | undefined;
}

export function screenPopConfig(config: Pick<Config, 'raw' | 'salesforce'>): ScreenPopConfig {
  const raw = config.raw as Record<string, string | undefined>;
  const user = raw.SCREEN_POP_BASIC_USER;
  const password = raw.SCREEN_POP_BASIC_PASSWORD;
  const mode = raw.SCREEN_POP_FALLBACK ?? 'cold';
  return {
    auth: {
      header: (raw.SCREEN_POP_AUTH_HEADER ?? 'X-Patchbay-Token').toLowerCase(),
      token: raw.SCREEN_POP_TOKEN,
      basic: user !== undefined && password !== undefined ? { user, password } : undefined,
    },
    maxMatches: Number(raw.SCREEN_POP_MAX_MATCHES ?? '5'),
    fallback: mode === 'never' || mode === 'miss' ? mode : 'cold',
    budgetMs: Number(raw.SCREEN_POP_BUDGET_MS ?? '2500'),
    cacheSize: Number(raw.SCREEN_POP_CACHE_SIZE ?? '10000'),
    cacheTtlMs: Number(raw.SCREEN_POP_CACHE_TTL_SECONDS ?? '300') * 1000,
    crmUrl: (raw.SCREEN_POP_CRM_URL ?? config.salesforce?.loginUrl)?.replace(/\/+$/, ''),
  };
}
