/**
 * The agent desktop (`/desktop`): a page that signs the agent in with Genesys (authorization code +
 * PKCE), listens to the agent's conversations and pops the caller's Salesforce record in one named
 * window, with a caller card. The hub redeems the code, opens the notification channel (Genesys
 * answers browsers only from registered origins) and serves the card from Salesforce.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  currentUser,
  openUserChannel,
  redeemAuthorizationCode,
  type GenesysUser,
} from '../../connectors/genesys/user-session.ts';
import { soql } from '../../connectors/salesforce/soql.ts';
import type { SalesforceConnector } from '../../connectors/salesforce/client.ts';
import type { Config } from '../../platform/config/load.ts';
import { HttpError, errorSchema } from '../../platform/http/errors.ts';
import type { Logger } from '../../platform/log/logger.ts';
import type { SfMirror } from '../sf-mirror/index.ts';
import { LruTtlCache } from './cache.ts';
import type { ScreenPopConfig } from './config.ts';
import { fullName, lookupOutputSchema } from './contract.ts';
import type { LookupService } from './lookup.ts';

const page = readFileSync(join(import.meta.dirname, 'desktop.html'), 'utf8');
const SF_ID = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/;
const errors = { 400: errorSchema, 401: errorSchema, 404: errorSchema, 503: errorSchema };
const security = [{ genesysUser: [] }];

export interface DesktopDeps {
  config: Config;
  screenPop: ScreenPopConfig;
  lookup: LookupService;
  mirror: SfMirror;
  salesforce?: SalesforceConnector | undefined;
  log: Logger;
}

export interface CallerCard {
  contact: {
    id: string;
    name: string;
    email: string;
    phone: string;
    accountId: string;
    accountName: string;
    tier: string;
  };
  recordUrl: string;
  cases: Array<{ id: string; caseNumber: string; subject: string; status: string; createdDate: string }>;
  calls: Array<{
    id: string;
    subject: string;
    date: string;
    durationSeconds: number | null;
    callType: string;
  }>;
  /** False when Salesforce could not be read and the card comes from the mirror only. */
  complete: boolean;
}

const s = (v: unknown) => (typeof v === 'string' ? v : '');

export async function registerDesktop(app: FastifyInstance, deps: DesktopDeps): Promise<void> {
  const gc = deps.config.genesys;
  const users = new LruTtlCache<GenesysUser>({ maxEntries: 5_000 });
  const log = deps.log.child({ feature: 'screen-pop', part: 'desktop' });

  async function agent(req: FastifyRequest): Promise<{ user: GenesysUser; token: string }> {
    const h = req.headers.authorization;
    const token = typeof h === 'string' && /^bearer /i.test(h) ? h.slice(7).trim() : '';
    if (token === '' || !gc) throw new HttpError('unauthorized', 'Sign in with Genesys first.');
    const key = createHash('sha256').update(token).digest('base64url');
    const cached = users.get(key);
    if (cached) return { user: cached, token };
    try {
      const user = await currentUser(gc.apiUrl, token);
      users.set(key, user, 60_000);
      return { user, token };
    } catch (err) {
      if ((err as { status?: number }).status === 401)
        throw new HttpError('unauthorized', 'The Genesys session expired; sign in again.');
      throw new HttpError('unavailable', 'Genesys cannot be reached.');
    }
  }

  const recordUrl = (id: string) => `${deps.screenPop.crmUrl ?? ''}/lightning/r/Contact/${id}/view`;

  app.get('/desktop', { schema: { hide: true } }, async (_req, reply) =>
    reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(page),
  );

  await app.register(
    async (scope) => {
      scope.get(
        '/config',
        { schema: { tags: ['desktop'], summary: 'Public settings of the agent desktop page' } },
        async () => ({
          genesysLoginUrl: gc?.loginUrl ?? null,
          clientId: gc?.loginClientId ?? null,
          crmUrl: deps.screenPop.crmUrl ?? null,
          windowName: 'patchbay-crm',
        }),
      );

      scope.post(
        '/session',
        {
          schema: {
            tags: ['desktop'],
            summary: 'Redeem a Genesys authorization code (PKCE) for the agent',
            body: {
              type: 'object',
              required: ['code', 'codeVerifier', 'redirectUri'],
              properties: {
                code: { type: 'string', minLength: 1, maxLength: 2048 },
                codeVerifier: {
                  type: 'string',
                  minLength: 43,
                  maxLength: 128,
                  pattern: '^[A-Za-z0-9._~-]+$',
                },
                redirectUri: { type: 'string', minLength: 1, maxLength: 2048 },
              },
            },
            response: errors,
          },
        },
        async (req) => {
          if (!gc) throw new HttpError('unavailable', 'GENESYS_* settings are not configured.');
          const b = req.body as { code: string; codeVerifier: string; redirectUri: string };
          try {
            const token = await redeemAuthorizationCode(gc.loginUrl, { ...b, clientId: gc.loginClientId });
            const user = await currentUser(gc.apiUrl, token.accessToken);
            return { accessToken: token.accessToken, expiresIn: token.expiresIn, user };
          } catch (err) {
            const status = (err as { status?: number }).status;
            log.warn({ status }, 'desktop sign-in failed');
            if (status !== undefined && status < 500)
              throw new HttpError('unauthorized', 'Genesys refused the authorization code.');
            throw new HttpError('unavailable', 'Genesys cannot be reached.');
          }
        },
      );

      scope.post(
        '/channel',
        {
          schema: {
            tags: ['desktop'],
            summary: "Open a notification channel on the agent's conversations",
            security,
            response: errors,
          },
        },
        async (req) => {
          const { user, token } = await agent(req);
          if (!gc) throw new HttpError('unavailable', 'GENESYS_* settings are not configured.');
          const topics = [`v2.users.${user.id}.conversations`];
          try {
            const ch = await openUserChannel(gc.apiUrl, token, topics);
            return { ...ch, topics, user };
          } catch {
            throw new HttpError('unavailable', 'Genesys notifications cannot be reached.');
          }
        },
      );

      scope.get(
        '/contacts/:id/card',
        {
          schema: {
            tags: ['desktop'],
            summary: 'Caller card: contact, account, tier, last 3 cases, last 5 calls',
            security,
            params: {
              type: 'object',
              required: ['id'],
              properties: { id: { type: 'string', pattern: '^[a-zA-Z0-9]{15}([a-zA-Z0-9]{3})?$' } },
            },
            response: errors,
          },
        },
        async (req): Promise<CallerCard> => {
          await agent(req);
          const { id } = req.params as { id: string };
          if (!SF_ID.test(id)) throw new HttpError('bad_request', 'Not a Salesforce ID.');
          return card(id);
        },
      );

      scope.get(
        '/search',
        {
          schema: {
            tags: ['desktop'],
            summary: 'Search prompt: look a number up as the data action does',
            security,
            querystring: {
              type: 'object',
              required: ['phone'],
              properties: { phone: { type: 'string', minLength: 1, maxLength: 64 } },
            },
            response: { 200: lookupOutputSchema, ...errors },
          },
        },
        async (req) => {
          await agent(req);
          return (await deps.lookup.byPhone((req.query as { phone: string }).phone)).output;
        },
      );
    },
    { prefix: '/v1/desktop' },
  );

  async function card(id: string): Promise<CallerCard> {
    const local = await deps.mirror.repo.getContact(id);
    const sf = deps.salesforce;
    const base: CallerCard = {
      contact: {
        id,
        name: local ? fullName(local) : '',
        email: local?.email ?? '',
        phone: '',
        accountId: local?.accountId ?? '',
        accountName: local?.accountName ?? '',
        tier: local?.tier ?? '',
      },
      recordUrl: recordUrl(id),
      cases: [],
      calls: [],
      complete: false,
    };
    if (!sf) {
      if (!local) throw new HttpError('not_found', 'No such contact.');
      return base;
    }
    try {
      const [contacts, cases, calls] = await Promise.all([
        sf.query<Record<string, unknown>>(
          soql`SELECT Id, FirstName, LastName, Email, Phone, AccountId, Account.Name FROM Contact WHERE Id = ${id}`,
        ),
        sf.query<Record<string, unknown>>(
          soql`SELECT Id, CaseNumber, Subject, Status, CreatedDate FROM Case WHERE ContactId = ${id} ORDER BY CreatedDate DESC LIMIT 3`,
        ),
        sf.query<Record<string, unknown>>(
          soql`SELECT Id, Subject, ActivityDate, CallDurationInSeconds, CallType, CreatedDate FROM Task WHERE WhoId = ${id} AND TaskSubtype = 'Call' ORDER BY CreatedDate DESC LIMIT 5`,
        ),
      ]);
      const c = contacts.records[0];
      if (!c) throw new HttpError('not_found', 'No such contact.');
      const account = c.Account as { Name?: unknown } | null | undefined;
      return {
        contact: {
          id,
          name: [s(c.FirstName), s(c.LastName)].filter((x) => x !== '').join(' '),
          email: s(c.Email),
          phone: s(c.Phone),
          accountId: s(c.AccountId),
          accountName: s(account?.Name),
          tier: base.contact.tier,
        },
        recordUrl: recordUrl(id),
        cases: cases.records.map((r) => ({
          id: s(r.Id),
          caseNumber: s(r.CaseNumber),
          subject: s(r.Subject),
          status: s(r.Status),
          createdDate: s(r.CreatedDate),
        })),
        calls: calls.records.map((r) => ({
          id: s(r.Id),
          subject: s(r.Subject),
          date: s(r.ActivityDate) || s(r.CreatedDate),
          durationSeconds: typeof r.CallDurationInSeconds === 'number' ? r.CallDurationInSeconds : null,
          callType: s(r.CallType),
        })),
        complete: true,
      };
    } catch (err) {
      if (err instanceof HttpError) throw err;
      log.warn({ code: (err as { code?: string }).code }, 'caller card: Salesforce unavailable; mirror only');
      if (!local) throw new HttpError('unavailable', 'Salesforce cannot be reached.');
      return base;
    }
  }
}
