/**
 * The Genesys Cloud target: an ACD e-mail conversation in the queue named by the mapping, with
 * the required skills and the case's screen-pop URL as participant attributes
 * (`POST /api/v2/conversations/emails`, `provider` = Patchbay; queue and skills resolved by name
 * through `GET /api/v2/routing/queues?name=` and `/routing/skills?name=`), tagged with the routing
 * entry ID (`Patchbay_EntryId`) so a retry finds it through
 * `POST /api/v2/conversations/participants/attributes/search` instead of creating it twice. A reply disconnects it
 * (`POST /api/v2/conversations/{id}/disconnect`).
 */
import platformClient from 'purecloud-platform-client-v2';
import type { GenesysConnector } from '../../connectors/genesys/client.ts';
import { PermanentError } from '../../platform/jobs/index.ts';
import type { GenesysEmailTarget } from './engine.ts';
import { ENTRY_ID_ATTRIBUTE, SCREEN_POP_ATTRIBUTE } from './engine.ts';

type Sdk = {
  ConversationsApi: new () => {
    postConversationsEmails(body: unknown): Promise<{ id?: string }>;
    postConversationDisconnect(id: string): Promise<string>;
    postConversationsParticipantsAttributesSearch(body: unknown): Promise<{ results?: unknown }>;
  };
  RoutingApi: new () => {
    getRoutingQueues(opts: {
      name: string;
      pageSize: number;
    }): Promise<{ entities?: { id?: string; name?: string }[] }>;
    getRoutingSkills(opts: {
      name: string;
      pageSize: number;
    }): Promise<{ entities?: { id?: string; name?: string }[] }>;
  };
};
const sdk = platformClient as unknown as Sdk;

export function genesysEmailTarget(gc: GenesysConnector): GenesysEmailTarget {
  const routing = () => gc.api(sdk.RoutingApi);
  const byExactName = (list: { id?: string; name?: string }[] | undefined, name: string) =>
    list?.find((e) => e.name === name)?.id;
  return {
    async findEmail(entryId) {
      const res = await gc.call('conversations.participants.attributes.search', () =>
        gc.api(sdk.ConversationsApi).postConversationsParticipantsAttributesSearch({
          query: [{ type: 'EXACT', fields: [`attributes.${ENTRY_ID_ATTRIBUTE}`], value: entryId }],
        }),
      );
      const results = Array.isArray(res.results) ? (res.results as unknown[]) : [];
      for (const r of results) {
        if (typeof r !== 'object' || r === null) continue;
        const { conversationId } = r as { conversationId?: unknown };
        if (typeof conversationId === 'string' && conversationId !== '') return conversationId;
      }
      return undefined;
    },
    async createEmail(req) {
      const queues = await gc.call('routing.queues.byName', () =>
        routing().getRoutingQueues({ name: req.queueName, pageSize: 25 }),
      );
      const queueId = byExactName(queues.entities, req.queueName);
      if (!queueId) throw new PermanentError(`Genesys Cloud has no queue named "${req.queueName}"`);
      const skillIds: string[] = [];
      for (const name of req.skills) {
        const found = await gc.call('routing.skills.byName', () =>
          routing().getRoutingSkills({ name, pageSize: 25 }),
        );
        const id = byExactName(found.entities, name);
        if (!id) throw new PermanentError(`Genesys Cloud has no skill named "${name}"`);
        skillIds.push(id);
      }
      const conv = await gc.call('conversations.emails.create', () =>
        gc.api(sdk.ConversationsApi).postConversationsEmails({
          queueId,
          provider: 'Patchbay',
          skillIds,
          direction: 'INBOUND',
          subject: req.subject,
          fromAddress: req.fromAddress,
          textBody: `Salesforce case ${req.caseId}: ${req.screenPopUrl}`,
          attributes: {
            [SCREEN_POP_ATTRIBUTE]: req.screenPopUrl,
            SF_CaseId: req.caseId,
            [ENTRY_ID_ATTRIBUTE]: req.entryId,
          },
        }),
      );
      if (!conv.id) throw new PermanentError('Genesys Cloud created no conversation');
      return conv.id;
    },
    async disconnect(conversationId) {
      await gc.call('conversations.disconnect', () =>
        gc.api(sdk.ConversationsApi).postConversationDisconnect(conversationId),
      );
    },
  };
}
