/** The reports' view of Genesys, over the connector (rate limits, token, retries are the connector's). */
import platformClient from 'purecloud-platform-client-v2';
import type { GenesysConnector } from '../../connectors/genesys/client.ts';
import type { AggregatesResponse } from './kpi.ts';
import type { AnalyticsSource } from './service.ts';

export function analyticsFromConnector(genesys: GenesysConnector): AnalyticsSource {
  return {
    async aggregates(query) {
      return (await genesys.analyticsAggregates(
        query as unknown as platformClient.Models.ConversationAggregationQuery,
      )) as AggregatesResponse;
    },
    async queues() {
      const out: Array<{ id: string; name: string }> = [];
      for (let page = 1; page <= 50; page++) {
        const res = await genesys.call('listQueues', () =>
          genesys.api(platformClient.RoutingApi).getRoutingQueues({ pageSize: 100, pageNumber: page }),
        );
        for (const q of res.entities ?? []) if (q.id) out.push({ id: q.id, name: q.name ?? q.id });
        if ((res.entities ?? []).length < 100) break;
      }
      return out;
    },
  };
}
