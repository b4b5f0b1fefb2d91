/** Notification channels and topic subscriptions (the WebSocket itself is a feature's concern). */
import platformClient from 'purecloud-platform-client-v2';
import { invalidInput } from '../errors.ts';
import { requireId, type GenesysCore } from './core.ts';
import { genesysVendor as vendor } from './vendor.ts';

export function notificationOperations(core: GenesysCore) {
  return {
    /** `POST /api/v2/notifications/channels` → `{ id, connectUri, expires }` (20 per client; a 21st evicts the oldest). */
    async createNotificationChannel(): Promise<platformClient.Models.Channel> {
      return core.call('createNotificationChannel', () =>
        core.api(platformClient.NotificationsApi).postNotificationsChannels(),
      );
    },
    /**
     * Subscribes a channel to topics: adds to the existing ones, or replaces them with `replace`.
     * Subscribing again extends the channel's 24 h life.
     */
    async subscribe(
      channelId: string,
      topics: readonly string[],
      opts: { replace?: boolean } = {},
    ): Promise<platformClient.Models.ChannelTopic[]> {
      requireId('subscribe', channelId, 'channel id');
      if (!Array.isArray(topics) || topics.some((t) => typeof t !== 'string' || t.length === 0))
        throw invalidInput('genesys', 'subscribe', 'topics must be non-empty strings');
      if (topics.length > vendor.notifications.maxTopicsPerChannel)
        throw invalidInput(
          'genesys',
          'subscribe',
          `at most ${vendor.notifications.maxTopicsPerChannel} topics per channel`,
        );
      const body = topics.map((id) => ({ id }));
      const api = core.api(platformClient.NotificationsApi);
      const res = await core.call('subscribe', () =>
        opts.replace
          ? api.putNotificationsChannelSubscriptions(channelId, body)
          : api.postNotificationsChannelSubscriptions(channelId, body),
      );
      return res.entities ?? [];
    },
  };
}
