import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';
import './migrations.ts';

/**
 * Takes the lease when it is free or expired, or renews it when `holder` already has it — one
 * statement, so two candidates racing on either dialect cannot both win (the primary key decides,
 * and the conflict branch updates only under the WHERE). Returns the new expiry, or undefined when
 * someone else holds an unexpired lease.
 */
export async function acquireOrRenew(
  db: Kysely<Database>,
  lease: { name: string; holder: string; now: number; ttlMs: number },
): Promise<number | undefined> {
  const expiresAt = lease.now + lease.ttlMs;
  const row = await db
    .insertInto('leases')
    .values({ name: lease.name, holder: lease.holder, expires_at: expiresAt, acquired_at: lease.now })
    .onConflict((oc) =>
      oc
        .column('name')
        .doUpdateSet((eb) => ({
          holder: eb.ref('excluded.holder'),
          expires_at: eb.ref('excluded.expires_at'),
          acquired_at: eb
            .case()
            .when('leases.holder', '=', lease.holder)
            .then(eb.ref('leases.acquired_at'))
            .else(eb.ref('excluded.acquired_at'))
            .end(),
        }))
        .where((eb) =>
          eb.or([eb('leases.holder', '=', lease.holder), eb('leases.expires_at', '<=', lease.now)]),
        ),
    )
    .returning(['holder', 'expires_at'])
    .executeTakeFirst();
  return row !== undefined && row.holder === lease.holder ? Number(row.expires_at) : undefined;
}

/** Gives the lease up (only if still ours), so a successor need not wait for the TTL. */
export async function releaseLease(db: Kysely<Database>, name: string, holder: string): Promise<boolean> {
  const r = await db
    .deleteFrom('leases')
    .where('name', '=', name)
    .where('holder', '=', holder)
    .executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

export interface LeaseInfo {
  name: string;
  holder: string;
  expiresAt: number;
  acquiredAt: number;
}

export async function listLeases(db: Kysely<Database>): Promise<LeaseInfo[]> {
  const rows = await db.selectFrom('leases').selectAll().orderBy('name').execute();
  return rows.map((r) => ({
    name: r.name,
    holder: r.holder,
    expiresAt: Number(r.expires_at),
    acquiredAt: Number(r.acquired_at),
  }));
}
