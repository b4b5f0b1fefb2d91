/**
 * CIC and Salesforce credentials for case routing, entered on `/loginIc` and `/loginSf` or with
 * `patchbay routing credentials set`. The secret part is encrypted (platform/crypto, the kind as
 * associated data); the rest is plain JSON. Secrets are never logged and never returned.
 */
import type { Kysely } from 'kysely';
import type { Keyring } from '../../platform/crypto/index.ts';
import type { Database } from '../../platform/store/index.ts';

export interface CicCredentials {
  server: string;
  switchoverServer?: string | undefined;
  userId: string;
  password: string;
  /** Disconnect the interaction when the agent replies to the case. */
  autoDisconnect: boolean;
}

export interface SalesforceCredentials {
  loginUrl: string;
  clientId: string;
  clientSecret: string;
}

export interface CredentialKinds {
  cic: CicCredentials;
  salesforce: SalesforceCredentials;
}
export type CredentialKind = keyof CredentialKinds;

const secretField = { cic: 'password', salesforce: 'clientSecret' } as const;

/** What may be shown: everything but the secret, plus when and under which key it was stored. */
export type PublicCredentials<K extends CredentialKind> = Omit<
  CredentialKinds[K],
  (typeof secretField)[K]
> & {
  keyId: string;
  updatedAt: string;
};

export async function saveCredentials<K extends CredentialKind>(
  db: Kysely<Database>,
  keyring: Keyring,
  kind: K,
  value: CredentialKinds[K],
  now = Date.now(),
): Promise<void> {
  const field = secretField[kind];
  const { [field]: secret, ...rest } = value as unknown as Record<string, unknown>;
  if (typeof secret !== 'string' || secret === '') throw new Error(`${field} is required`);
  const row = {
    kind,
    data: JSON.stringify(rest),
    secret: keyring.encrypt(secret, `case-routing:${kind}`),
    key_id: keyring.currentKeyId,
    updated_at: now,
  };
  await db
    .insertInto('case_routing_credentials')
    .values(row)
    .onConflict((oc) =>
      oc
        .column('kind')
        .doUpdateSet({ data: row.data, secret: row.secret, key_id: row.key_id, updated_at: now }),
    )
    .execute();
}

export async function loadCredentials<K extends CredentialKind>(
  db: Kysely<Database>,
  keyring: Keyring,
  kind: K,
): Promise<CredentialKinds[K] | undefined> {
  const row = await db
    .selectFrom('case_routing_credentials')
    .selectAll()
    .where('kind', '=', kind)
    .executeTakeFirst();
  if (!row) return undefined;
  const data = JSON.parse(row.data) as Record<string, unknown>;
  const secret = keyring.decrypt(row.secret, `case-routing:${kind}`);
  return { ...data, [secretField[kind]]: secret } as unknown as CredentialKinds[K];
}

export async function describeCredentials<K extends CredentialKind>(
  db: Kysely<Database>,
  kind: K,
): Promise<PublicCredentials<K> | null> {
  const row = await db
    .selectFrom('case_routing_credentials')
    .select(['data', 'key_id', 'updated_at'])
    .where('kind', '=', kind)
    .executeTakeFirst();
  if (!row) return null;
  return {
    ...(JSON.parse(row.data) as object),
    keyId: row.key_id,
    updatedAt: new Date(Number(row.updated_at)).toISOString(),
  } as PublicCredentials<K>;
}

/** After a key rotation: re-encrypts every stored secret under the current key; returns how many moved. */
export async function rotateCredentials(db: Kysely<Database>, keyring: Keyring): Promise<number> {
  const rows = await db.selectFrom('case_routing_credentials').select(['kind', 'secret', 'key_id']).execute();
  let moved = 0;
  for (const r of rows) {
    if (r.key_id === keyring.currentKeyId) continue;
    const secret = keyring.reencrypt(r.secret, `case-routing:${r.kind}`);
    await db
      .updateTable('case_routing_credentials')
      .set({ secret, key_id: keyring.currentKeyId })
      .where('kind', '=', r.kind)
      .execute();
    moved++;
  }
  return moved;
}
