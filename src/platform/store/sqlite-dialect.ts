/**
 * Kysely's SQLite dialect over our connection (sqlite-connection.ts: commits acknowledged once flushed).
 *
 * - `exclusive` (the store's `db`): one user of the single connection at a time, and every transaction
 *   opened by `BEGIN IMMEDIATE`. A deferred `BEGIN` takes the write lock only at the first write; if
 *   another process committed in between, SQLite answers SQLITE_BUSY at once (busy_timeout does not
 *   help a stale read snapshot). Taking it up front makes writers of several processes queue instead.
 * - `shared`: no lock, for the group commit, which holds the exclusive connection and lets the
 *   functions of its batch issue statements concurrently into its open transaction. They are refused
 *   when no transaction is open, so a failed BEGIN can never let them autocommit.
 */
import {
  CompiledQuery,
  Kysely,
  SelectQueryNode,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  Transaction,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type QueryResult,
} from 'kysely';
import type { SQLInputValue } from 'node:sqlite';
import type { Database } from './schema.ts';
import type { SqliteConnection } from './sqlite-connection.ts';
import { yieldToCheckpoint, type PauseCell } from './writer-pause.ts';

class ConnectionAdapter implements DatabaseConnection {
  readonly #client: SqliteConnection;
  readonly #inTransaction: boolean;

  constructor(client: SqliteConnection, inTransaction: boolean) {
    this.#client = client;
    this.#inTransaction = inTransaction;
  }

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const result = await this.#client.run(query.sql, toSqlite(query.parameters), this.#inTransaction);
    if ('rows' in result) return { rows: result.rows as R[] };
    return { numAffectedRows: BigInt(result.changes), insertId: BigInt(result.lastInsertRowid), rows: [] };
  }

  async *streamQuery<R>(query: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    if (!SelectQueryNode.is(query.query)) throw new Error('SQLite streams only select queries');
    const { rows } = await this.executeQuery<R>(query);
    for (const row of rows) yield { rows: [row] };
  }
}

/** A FIFO lock: waiters get the connection in the order they asked for it. */
class Mutex {
  #held = false;
  readonly #waiters: (() => void)[] = [];

  async lock(): Promise<void> {
    if (!this.#held) {
      this.#held = true;
      return;
    }
    await new Promise<void>((resolve) => this.#waiters.push(resolve));
  }

  unlock(): void {
    const next = this.#waiters.shift();
    if (next === undefined) this.#held = false;
    else next();
  }
}

class SqliteDriver implements Driver {
  readonly #connection: ConnectionAdapter;
  readonly #mutex: Mutex | undefined;
  readonly #pause: PauseCell | undefined;

  constructor(client: SqliteConnection, mode: 'exclusive' | 'shared', pause: PauseCell | undefined) {
    this.#connection = new ConnectionAdapter(client, mode === 'shared');
    this.#mutex = mode === 'exclusive' ? new Mutex() : undefined;
    this.#pause = pause;
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    await this.#mutex?.lock();
    // Between two users of the connection no transaction is open: the moment to let a WAL restart
    // run (writer-pause.ts). The mutex stays held, so every other user waits behind it.
    const paused = this.#pause === undefined ? undefined : yieldToCheckpoint(this.#pause);
    if (paused !== undefined) await paused;
    return this.#connection;
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    if (this.#mutex === undefined)
      throw new Error('no transaction inside a durable() function: it runs in one');
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('rollback'));
  }

  async releaseConnection(): Promise<void> {
    this.#mutex?.unlock();
  }

  /** The store closes the connection itself, after draining the group commit. */
  async destroy(): Promise<void> {}
}

export class SqliteConnectionDialect implements Dialect {
  readonly #client: SqliteConnection;
  readonly #mode: 'exclusive' | 'shared';
  readonly #pause: PauseCell | undefined;

  constructor(client: SqliteConnection, mode: 'exclusive' | 'shared', pause?: PauseCell) {
    this.#client = client;
    this.#mode = mode;
    this.#pause = pause;
  }

  createDriver(): Driver {
    return new SqliteDriver(this.#client, this.#mode, this.#pause);
  }

  createQueryCompiler() {
    return new SqliteQueryCompiler();
  }

  createAdapter() {
    return new SqliteAdapter();
  }

  createIntrospector(db: Kysely<unknown>) {
    return new SqliteIntrospector(db);
  }
}

/**
 * Kysely over the connection: `db` takes turns on it (exclusive), pausing between turns when the
 * checkpoint thread asks through `pause`; `shared` is a transaction handle whose statements go
 * straight into whichever transaction the group commit holds open.
 */
export function sqliteHandles(
  connection: SqliteConnection,
  pause?: PauseCell,
): {
  db: Kysely<Database>;
  shared: Transaction<Database>;
} {
  const sharedDialect = new SqliteConnectionDialect(connection, 'shared');
  return {
    db: new Kysely<Database>({ dialect: new SqliteConnectionDialect(connection, 'exclusive', pause) }),
    shared: new Transaction<Database>({
      config: { dialect: sharedDialect },
      dialect: sharedDialect,
      driver: sharedDialect.createDriver(),
      executor: new Kysely<Database>({ dialect: sharedDialect }).getExecutor(),
    }),
  };
}

/** Whether `db` (or a transaction of it) talks to SQLite. */
export function isSqlite(db: Kysely<Database>): boolean {
  return db.getExecutor().adapter instanceof SqliteAdapter;
}

export function toSqlite(parameters: ReadonlyArray<unknown>): SQLInputValue[] {
  return parameters.map((p): SQLInputValue => {
    if (p === undefined || p === null) return null;
    if (typeof p === 'boolean') return p ? 1 : 0;
    if (typeof p === 'number' || typeof p === 'bigint' || typeof p === 'string') return p;
    if (p instanceof Uint8Array) return p;
    if (p instanceof Date)
      throw new TypeError(
        'store times as epoch milliseconds (number), not Date: see docs/decisions/0002-durable-jobs.md',
      );
    throw new TypeError(`unsupported SQLite parameter type: ${typeof p}`);
  });
}
