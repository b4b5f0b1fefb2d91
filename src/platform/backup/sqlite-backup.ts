/**
 * Backups of the embedded SQLite database, online: SQLite's backup API copies a consistent snapshot
 * while the hub keeps writing (WAL lets the copy read beside the writer). PostgreSQL is backed up with
 * its own tools (`pg_dump`); see docs/deploy.md.
 */
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { backup, DatabaseSync } from 'node:sqlite';

/** Pages per backup step: more than any database has, so one step copies everything. */
const ALL_PAGES = 2 ** 31 - 1;

export class BackupError extends Error {
  override readonly name = 'BackupError';
}

/** `PRAGMA integrity_check` of a database file: `ok`, or SQLite's list of problems. */
export function integrityCheck(path: string): string[] {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    return db
      .prepare('PRAGMA integrity_check')
      .all()
      .map((r) => String(Object.values(r)[0]));
  } finally {
    db.close();
  }
}

function isPatchbayDatabase(path: string): boolean {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    return (
      db.prepare("select 1 from sqlite_master where type = 'table' and name = 'kysely_migration'").get() !==
      undefined
    );
  } finally {
    db.close();
  }
}

/** Copies the live database at `source` to `destination` (a new file unless `force`); returns its page count. */
export async function backupSqlite(
  source: string,
  destination: string,
  opts: { force?: boolean } = {},
): Promise<number> {
  if (!existsSync(source)) throw new BackupError(`no SQLite database at ${source}`);
  if (existsSync(destination) && opts.force !== true)
    throw new BackupError(`${destination} exists; pass --force to overwrite it`);
  if (existsSync(destination)) rmSync(destination);
  mkdirSync(dirname(destination), { recursive: true });
  const db = new DatabaseSync(source, { readOnly: true });
  try {
    // Every page in one step, so the copy is one read snapshot and never restarts because
    // a writer changed the source between steps.
    return await backup(db, destination, { rate: ALL_PAGES });
  } finally {
    db.close();
  }
}

/**
 * Restores `backupFile` into `target` after checking the backup's integrity. Refuses to replace an
 * existing database unless `force`, and even then while a hub holds an unexpired lease in it (stop
 * the hub first). Writes through SQLite's backup API, so the target's WAL is handled, not left stale.
 */
export async function restoreSqlite(
  backupFile: string,
  target: string,
  opts: { force?: boolean; now?: number } = {},
): Promise<void> {
  if (!existsSync(backupFile) || !statSync(backupFile).isFile())
    throw new BackupError(`no backup file at ${backupFile}`);
  let problems: string[];
  try {
    problems = integrityCheck(backupFile);
  } catch (e) {
    throw new BackupError(`${backupFile} is not a readable SQLite database: ${(e as Error).message}`);
  }
  if (problems.join() !== 'ok')
    throw new BackupError(`${backupFile} failed its integrity check: ${problems.slice(0, 5).join('; ')}`);
  if (!isPatchbayDatabase(backupFile))
    throw new BackupError(`${backupFile} is not a Patchbay database (no migration table)`);
  if (existsSync(target)) {
    if (opts.force !== true) throw new BackupError(`${target} exists; pass --force to replace it`);
    const holder = liveLease(target, opts.now ?? Date.now());
    if (holder !== undefined)
      throw new BackupError(
        `a hub is running on ${target} (${holder.holder} holds "${holder.name}"); stop it first`,
      );
  }
  mkdirSync(dirname(target), { recursive: true });
  const src = new DatabaseSync(backupFile, { readOnly: true });
  try {
    await backup(src, target, { rate: ALL_PAGES });
  } finally {
    src.close();
  }
  const after = integrityCheck(target);
  if (after.join() !== 'ok')
    throw new BackupError(`restored ${target} failed its integrity check: ${after.join('; ')}`);
}

function liveLease(path: string, now: number): { name: string; holder: string } | undefined {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    const hasLeases =
      db.prepare("select 1 from sqlite_master where type = 'table' and name = 'leases'").get() !== undefined;
    if (!hasLeases) return undefined;
    const row = db.prepare('select name, holder from leases where expires_at > ? limit 1').get(now);
    return row === undefined ? undefined : { name: String(row.name), holder: String(row.holder) };
  } finally {
    db.close();
  }
}

/** What to run instead on PostgreSQL (the URL stays in the environment: it holds a password). */
export function pgDumpAdvice(file: string): string {
  const quoted = `'${file.replace(/'/g, `'\\''`)}'`;
  return [
    'The database is PostgreSQL: back it up with PostgreSQL’s own tools, which Patchbay does not wrap.',
    'Online, consistent, while the hub runs:',
    `  pg_dump --format=custom --no-owner --file=${quoted} "$DATABASE_URL"`,
    'Restore into an empty database (hubs stopped), then start the hubs; they migrate forward:',
    `  pg_restore --no-owner --exit-on-error --dbname="$DATABASE_URL" ${quoted}`,
    'See docs/deploy.md (Backups).',
  ].join('\n');
}
