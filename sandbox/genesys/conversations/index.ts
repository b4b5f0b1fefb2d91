import type { GenesysContext } from '../context.ts';

/** Registers the conversations part of the Genesys emulator (owned by the conversations work). */
export function registerConversations(_ctx: GenesysContext): void {}
