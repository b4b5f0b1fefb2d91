/** Users and wrap-up codes: read often, change rarely, so cached (TTL, bounded LRU). */
import platformClient from 'purecloud-platform-client-v2';
import { createTtlCache } from './cache.ts';
import { requireId, type GenesysCore } from './core.ts';
import { genesysVendor as vendor } from './vendor.ts';

export function userOperations(core: GenesysCore) {
  const opts = { ...vendor.directoryCache, now: core.now };
  const users = createTtlCache<platformClient.Models.User>(opts);
  const codes = createTtlCache<platformClient.Models.WrapupCode>(opts);
  return {
    /** `GET /api/v2/users/{id}`, cached. */
    async getUser(id: string): Promise<platformClient.Models.User> {
      requireId('getUser', id, 'user id');
      const hit = users.get(id);
      if (hit) return hit;
      const user = await core.call('getUser', () => core.api(platformClient.UsersApi).getUser(id));
      users.set(id, user);
      return user;
    },
    /** `GET /api/v2/routing/wrapupcodes/{id}`, cached. */
    async getWrapupCode(id: string): Promise<platformClient.Models.WrapupCode> {
      requireId('getWrapupCode', id, 'wrap-up code id');
      const hit = codes.get(id);
      if (hit) return hit;
      const code = await core.call('getWrapupCode', () =>
        core.api(platformClient.RoutingApi).getRoutingWrapupcode(id),
      );
      codes.set(id, code);
      return code;
    },
    /** Forget cached users and wrap-up codes (e.g. after a rename notification). */
    clearDirectoryCache(): void {
      users.clear();
      codes.clear();
    },
  };
}
