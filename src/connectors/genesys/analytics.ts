/** Analytics queries. */
import platformClient from 'purecloud-platform-client-v2';
import { invalidInput } from '../errors.ts';
import type { GenesysCore } from './core.ts';

export function analyticsOperations(core: GenesysCore) {
  return {
    /** `POST /api/v2/analytics/conversations/aggregates/query`. */
    async analyticsAggregates(
      query: platformClient.Models.ConversationAggregationQuery,
    ): Promise<platformClient.Models.ConversationAggregateQueryResponse> {
      if (!query || typeof query !== 'object' || typeof query.interval !== 'string')
        throw invalidInput('genesys', 'analyticsAggregates', 'query.interval is required');
      return core.call('analyticsAggregates', () =>
        core.api(platformClient.AnalyticsApi).postAnalyticsConversationsAggregatesQuery(query),
      );
    },
  };
}
