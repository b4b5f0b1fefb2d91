/** Presence tables: the current state of every agent, and dashboard sign-in sessions. */
import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Migration } from '../../platform/store/index.ts';
import type { Database } from '../../platform/store/schema.ts';
import type { Agent } from './model.ts';

declare module '../../platform/store/schema.ts' {
  interface Database {
    presence_agents: {
      user_id: string;
      name: string;
      team: string;
      queues: string;
      status: string;
      routing_status: string;
      since: number;
      updated_at: number;
    };
    dashboard_sessions: {
      token_hash: string;
      kind: string;
      subject: string;
      created_at: number;
      expires_at: number;
    };
  }
}

type Db = Kysely<Database>;

export const presenceMigrations: Migration[] = [
  {
    name: '1200-presence-agents-and-sessions',
    async up(db) {
      await db.schema
        .createTable('presence_agents')
        .addColumn('user_id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('team', 'text', (c) => c.notNull())
        .addColumn('queues', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('routing_status', 'text', (c) => c.notNull())
        .addColumn('since', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('dashboard_sessions')
        .addColumn('token_hash', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .execute();
    },
  },
];

export async function saveAgents(db: Db, agents: readonly Agent[], now: number): Promise<void> {
  for (const a of agents) {
    const row = {
      name: a.name,
      team: a.team,
      queues: JSON.stringify(a.queues),
      status: a.status,
      routing_status: a.routingStatus,
      since: a.since,
      updated_at: now,
    };
    await db
      .insertInto('presence_agents')
      .values({ user_id: a.id, ...row })
      .onConflict((oc) => oc.column('user_id').doUpdateSet(row))
      .execute();
  }
}

export async function deleteAgentsExcept(db: Db, keep: ReadonlySet<string>): Promise<void> {
  const rows = await db.selectFrom('presence_agents').select('user_id').execute();
  const gone = rows.map((r) => r.user_id).filter((id) => !keep.has(id));
  for (let i = 0; i < gone.length; i += 500)
    await db
      .deleteFrom('presence_agents')
      .where('user_id', 'in', gone.slice(i, i + 500))
      .execute();
}

export async function loadAgents(db: Db, updatedAfter = -1): Promise<Array<Agent & { updatedAt: number }>> {
  const rows = await db
    .selectFrom('presence_agents')
    .selectAll()
    .where('updated_at', '>', updatedAfter)
    .execute();
  return rows.map((r) => ({
    id: r.user_id,
    name: r.name,
    team: r.team,
    queues: JSON.parse(r.queues) as string[],
    status: r.status,
    routingStatus: r.routing_status,
    since: r.since,
    updatedAt: r.updated_at,
  }));
}

const hash = (token: string) => createHash('sha256').update(token).digest('hex');

export async function createSession(
  db: Db,
  kind: 'genesys' | 'admin',
  subject: string,
  now: number,
  ttlMs = 12 * 3_600_000,
): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await db
    .insertInto('dashboard_sessions')
    .values({ token_hash: hash(token), kind, subject, created_at: now, expires_at: now + ttlMs })
    .execute();
  return token;
}

export async function findSession(
  db: Db,
  token: string,
  now: number,
): Promise<{ kind: string; subject: string } | undefined> {
  const row = await db
    .selectFrom('dashboard_sessions')
    .select(['kind', 'subject'])
    .where('token_hash', '=', hash(token))
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return row;
}

export async function deleteSession(db: Db, token: string): Promise<void> {
  await db.deleteFrom('dashboard_sessions').where('token_hash', '=', hash(token)).execute();
}
