import type { GenesysContext } from '../context.ts';
import { registerApiRoutes } from './routes-api.ts';
import { registerControlRoutes } from './routes-controls.ts';
import { ConversationsService } from './service.ts';

export type { ConversationsService } from './service.ts';

/**
 * Registers the conversations part of the Genesys emulator: conversations, participants and
 * attributes, recordings, the inbound flow's data action, conversation-end deliveries, analytics,
 * and the `/__sandbox/conversations` controls. Returns the service for in-process use (tests);
 * the server may ignore it.
 */
export function registerConversations(ctx: GenesysContext): ConversationsService {
  const svc = new ConversationsService(ctx);
  registerApiRoutes(ctx, svc);
  registerControlRoutes(ctx, svc);
  ctx.onReset(() => svc.reset());
  return svc;
}
