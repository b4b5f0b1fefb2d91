/**
 * Kysely's SQLite dialect, with every transaction opened by `BEGIN IMMEDIATE`.
 *
 * Why: a deferred `BEGIN` takes the write lock only at the first write; if another process committed in
 * between, SQLite answers SQLITE_BUSY at once (busy_timeout does not help a stale read snapshot). Taking
 * the write lock up front makes concurrent writers (several processes on one file) queue on busy_timeout.
 */
import {
  CompiledQuery,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type Driver,
  type SqliteDialectConfig,
} from 'kysely';

class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

export class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;

  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }
}
