/** Conversations, recordings and participant attributes. */
import platformClient from 'purecloud-platform-client-v2';
import { invalidInput } from '../errors.ts';
import { requireId, type GenesysCore } from './core.ts';

export function conversationOperations(core: GenesysCore) {
  return {
    async getConversation(id: string): Promise<platformClient.Models.Conversation> {
      requireId('getConversation', id, 'conversation id');
      return core.call('getConversation', () =>
        core.api(platformClient.ConversationsApi).getConversation(id),
      );
    },
    /** `GET /api/v2/conversations/{id}/recordings` (with `mediaUris`; there is no /recordings/{id}/media). */
    async getRecordings(
      conversationId: string,
      opts: platformClient.RecordingApi.getConversationRecordingsOptions = {},
    ): Promise<platformClient.Models.Recording[]> {
      requireId('getRecordings', conversationId, 'conversation id');
      const res = await core.call('getRecordings', () =>
        core.api(platformClient.RecordingApi).getConversationRecordings(conversationId, opts),
      );
      return res ?? [];
    },
    /** Attributes are string → string. */
    async patchParticipantAttributes(
      conversationId: string,
      participantId: string,
      attributes: Record<string, string>,
    ): Promise<void> {
      requireId('patchParticipantAttributes', conversationId, 'conversation id');
      requireId('patchParticipantAttributes', participantId, 'participant id');
      if (
        attributes === null ||
        typeof attributes !== 'object' ||
        Object.values(attributes).some((v) => typeof v !== 'string')
      )
        throw invalidInput('genesys', 'patchParticipantAttributes', 'attributes must map strings to strings');
      await core.call('patchParticipantAttributes', () =>
        core
          .api(platformClient.ConversationsApi)
          .patchConversationParticipantAttributes(conversationId, participantId, {
            attributes,
          }),
      );
    },
  };
}
