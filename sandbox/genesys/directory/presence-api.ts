/** Presence definitions and user presence: `GET|PATCH /users/{id}/presences/purecloud` and the bulk read. */
import { param, query, objectBody, type Deps } from '../deps.ts';
import { badRequest, notFound } from '../errors.ts';
import { listParam, page, pageParams } from '../paging.ts';
import { PRESENCE_DEFINITIONS, findDefinition, type PresenceDefinition } from './presence-definitions.ts';
import { definitionRef, presenceView } from './views.ts';

/** The SDK documents the bulk read's limit: "Limit 50". */
export const BULK_PRESENCE_MAX = 50;

const orgDefinition = (p: PresenceDefinition) => ({
  id: p.id,
  type: 'System',
  languageLabels: p.languageLabels,
  systemPresence: p.systemPresence,
  deactivated: p.deactivated,
  selfUri: `/api/v2/presence/definitions/${p.id}`,
});

export function registerPresence(d: Deps): void {
  const { app } = d;

  app.get('/api/v2/presence/definitions', async () => ({
    entities: PRESENCE_DEFINITIONS.map(orgDefinition),
    total: PRESENCE_DEFINITIONS.length,
  }));
  app.get('/api/v2/presence/definitions/:definitionId', async (req) => {
    const def = PRESENCE_DEFINITIONS.find((p) => p.id === param(req, 'definitionId'));
    if (def === undefined) throw notFound('Presence definition not found');
    return orgDefinition(def);
  });
  // The older listing the SDK still exposes (getPresencedefinitions).
  app.get('/api/v2/presencedefinitions', async (req) => {
    const listing = page(
      PRESENCE_DEFINITIONS,
      pageParams(query(req), 25, 100),
      '/api/v2/presencedefinitions',
    );
    return {
      ...listing,
      entities: listing.entities.map((p) => ({
        id: p.id,
        name: p.systemPresence,
        languageLabels: p.languageLabels,
        systemPresence: p.systemPresence,
        deactivated: false,
        primary: true,
        selfUri: `/api/v2/presencedefinitions/${p.id}`,
      })),
    };
  });
  app.get('/api/v2/systempresences', async () =>
    PRESENCE_DEFINITIONS.map((p) => ({
      id: p.systemPresence.toUpperCase().replace(/\s/g, '_'),
      name: p.systemPresence,
    })),
  );

  app.get('/api/v2/users/:userId/presences/purecloud', async (req) => {
    const u = d.directory.users.get(param(req, 'userId'));
    if (u === undefined) throw notFound(`User ${param(req, 'userId')} not found`);
    return presenceView(u);
  });

  app.patch('/api/v2/users/:userId/presences/purecloud', async (req) => {
    const body = objectBody(req);
    const pd = body.presenceDefinition as { id?: unknown; systemPresence?: unknown } | undefined;
    const key =
      typeof pd?.id === 'string'
        ? pd.id
        : typeof pd?.systemPresence === 'string'
          ? pd.systemPresence
          : undefined;
    if (key === undefined) throw badRequest('presenceDefinition.id is required');
    if (body.message !== undefined && typeof body.message !== 'string')
      throw badRequest('message must be a string');
    if (findDefinition(key) === undefined) throw badRequest(`Presence definition ${key} does not exist`);
    const r = d.directory.setPresence(param(req, 'userId'), key, d.now(), body.message);
    if (r === 'no-user') throw notFound(`User ${param(req, 'userId')} not found`);
    if (r === 'no-definition') throw badRequest(`Presence definition ${key} does not exist`);
    return presenceView(r);
  });

  app.get('/api/v2/users/presences/purecloud/bulk', async (req) => {
    const ids = listParam(query(req), 'id');
    if (ids.length === 0) throw badRequest('id is required');
    if (ids.length > BULK_PRESENCE_MAX)
      throw badRequest(`At most ${BULK_PRESENCE_MAX} user ids may be requested`);
    return ids.flatMap((id) => {
      const u = d.directory.users.get(id);
      if (u === undefined) return [];
      const { id: _presenceId, primary: _p, name: _n, ...rest } = presenceView(u);
      return [{ ...rest, userId: u.id, presenceDefinition: definitionRef(u.presence.definition) }];
    });
  });
}
