/** Presence of many users at once (chunked by the platform's 50 ids per call). */
import platformClient from 'purecloud-platform-client-v2';
import { requireId, type GenesysCore } from './core.ts';
import { genesysVendor as vendor } from './vendor.ts';

export function presenceOperations(core: GenesysCore) {
  return {
    async bulkPresence(userIds: readonly string[]): Promise<platformClient.Models.UcUserPresence[]> {
      for (const id of userIds) requireId('bulkPresence', id, 'user id');
      const out: platformClient.Models.UcUserPresence[] = [];
      for (let i = 0; i < userIds.length; i += vendor.presenceBulkMax) {
        const id = userIds.slice(i, i + vendor.presenceBulkMax);
        out.push(
          ...((await core.call('bulkPresence', () =>
            core.api(platformClient.PresenceApi).getUsersPresencesPurecloudBulk({ id }),
          )) ?? []),
        );
      }
      return out;
    },
  };
}
