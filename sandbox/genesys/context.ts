/**
 * The seam between the Genesys emulator's directory/platform part (server, OAuth, rate
 * limits, users, presence, routing, external contacts, notifications, GDPR) and its
 * conversations part (conversations, recordings, data-action flow, conversation-end
 * deliveries, analytics). The server builds one context and hands it to
 * `registerConversations` in `./conversations/index.ts`.
 */
import type { FastifyInstance, preHandlerHookHandler } from 'fastify';

export interface GenesysUser {
  id: string;
  name: string;
  email: string;
  division: { id: string; name: string };
  state: 'active' | 'inactive' | 'deleted';
}

export interface GenesysQueue {
  id: string;
  name: string;
  /** Service level target: percentage answered within `durationMs`. */
  mediaSettings: Record<
    string,
    { serviceLevel: { percentage: number; durationMs: number }; alertingTimeoutSeconds: number }
  >;
  memberIds: string[];
}

export interface GenesysWrapupCode {
  id: string;
  name: string;
}

/** Body of the vendor's error shape: `{ message, code, status, messageParams, contextId, details, errors }`. */
export type GenesysErrorBody = {
  message: string;
  code: string;
  status: number;
  messageParams: Record<string, string>;
  contextId: string;
  details: unknown[];
  errors: unknown[];
};

export interface GenesysContext {
  app: FastifyInstance;
  now(): number;
  /** preHandler for `/api/v2/*` routes: answers 401 in the vendor shape unless the bearer token is valid. */
  authenticate: preHandlerHookHandler;
  /** Publish an event to every notification channel subscribed to `topicName`. */
  publish(topicName: string, eventBody: unknown): void;
  directory: {
    users(): GenesysUser[];
    user(id: string): GenesysUser | undefined;
    queues(): GenesysQueue[];
    queue(id: string): GenesysQueue | undefined;
    wrapupCodes(): GenesysWrapupCode[];
    wrapupCode(id: string): GenesysWrapupCode | undefined;
    /** A routing skill by id (optional so hand-built test contexts stay valid; the server provides it). */
    skill?(id: string): { id: string; name: string } | undefined;
    /** Current presence (system presence name, e.g. AVAILABLE, BUSY, OFFLINE) and routing status of a user. */
    presenceOf(userId: string): { presence: string; routingStatus: string } | undefined;
    /**
     * Change a user's presence (definition id or system presence name, any case: "AVAILABLE",
     * "On Queue", "ON_QUEUE") as an agent would; publishes `v2.users.{id}.presence`. Returns false
     * when the user or the presence does not exist. Optional so hand-built test contexts stay valid;
     * the server always provides it.
     */
    setPresence?(userId: string, presence: string): boolean;
    /** Set the routing status (the routing engine's side: IDLE, INTERACTING, …); publishes `v2.users.{id}.routingStatus`. */
    setRoutingStatus?(
      userId: string,
      status: 'OFF_QUEUE' | 'IDLE' | 'INTERACTING' | 'NOT_RESPONDING' | 'COMMUNICATING',
    ): boolean;
  };
  errorBody(status: number, code: string, message: string): GenesysErrorBody;
  /** Register a hook run on `POST /__sandbox/reset`. */
  onReset(fn: () => void): void;
}
