/**
 * The store's SQLite connection (`node:sqlite`, synchronous), with the disk flush taken off the
 * event loop.
 *
 * Durability: synchronous=NORMAL, so a COMMIT writes the WAL without waiting for the disk, and this
 * module flushes the WAL itself with an asynchronous `fdatasync` (libuv's thread pool) before it
 * reports the commit durable. A commit is acknowledged to its caller only then — `synchronous=FULL`'s
 * guarantee — but the event loop keeps serving requests during the flush, the next transaction runs
 * meanwhile, and one flush covers every commit made before it began. NORMAL keeps SQLite's own syncs
 * around checkpoints (WAL before, database file after). See ADR 0002's addendum.
 */
import { fdatasync, openSync, closeSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';

export interface SqliteOpenOptions {
  path: string;
  busyTimeoutMs: number;
}

export type SqliteRows = { rows: unknown[] };
export type SqliteRun = { changes: number | bigint; lastInsertRowid: number | bigint };

export interface SqliteConnection {
  /**
   * Runs one statement; if it commits (a COMMIT, or a write outside a transaction), resolves once the
   * commit is on disk. `inTransaction`: refuse the statement unless a transaction is open — a group
   * commit's statements must never autocommit if its BEGIN failed.
   */
  run(sql: string, params: SQLInputValue[], inTransaction?: boolean): Promise<SqliteRows | SqliteRun>;
  /**
   * COMMITs the open transaction and resolves as soon as it is committed (the connection is free for
   * the next transaction), with a promise that resolves once the commit is on disk.
   */
  commitDeferred(): Promise<{ durable: Promise<void> }>;
  /** While a flush to disk is running: a promise that settles when it ends (a commit now would wait for the next one). */
  flushing(): Promise<void> | undefined;
  /** WAL flushes since the connection opened, and the seconds they took in all. */
  flushStats(): { flushes: number; seconds: number };
  close(): void;
}

/** Prepared statements are cached: preparing dominates the cost of the small queries a durable ack makes. */
const STATEMENT_CACHE_SIZE = 256;

interface Prepared {
  stmt: StatementSync;
  /** Yields columns (SELECT, or anything with RETURNING): read with `all()`. */
  reader: boolean;
  /** Cannot change the database (so, outside a transaction, it needs no flush). */
  readOnly: boolean;
  /** INSERT, UPDATE or DELETE: outside a transaction, it needs a flush only if it changed a row. */
  dml: boolean;
}

export function openSqliteConnection(options: SqliteOpenOptions): SqliteConnection {
  const db = new DatabaseSync(options.path, { enableForeignKeyConstraints: true });
  // WAL lets readers run beside the single writer. busy_timeout makes a second process wait for the
  // write lock instead of failing at once.
  db.exec('PRAGMA journal_mode = WAL');
  db.exec('PRAGMA synchronous = NORMAL');
  db.exec(`PRAGMA busy_timeout = ${Math.trunc(options.busyTimeoutMs)}`);
  db.exec('PRAGMA foreign_keys = ON');
  // Checkpoints run on a timer (see index.ts), not inside whichever commit crosses 1,000 WAL pages:
  // one short pause a second instead of a stall in the middle of a burst of acknowledgements.
  db.exec('PRAGMA wal_autocheckpoint = 0');

  const cache = new Map<string, Prepared>();
  // Rows changed by the connection's statements, triggers included.
  const totalChanges = db.prepare('select total_changes() as n');
  const changesSoFar = () => Number((totalChanges.get() as { n: number | bigint }).n);
  const flusher = createWalFlusher(options.path === ':memory:' ? undefined : `${options.path}-wal`);

  function prepare(sql: string): Prepared {
    let p = cache.get(sql);
    if (p === undefined) {
      const stmt = db.prepare(sql);
      p = {
        stmt,
        reader: stmt.columns().length > 0,
        readOnly: /^\s*(select|explain)\b/i.test(sql),
        dml: /^\s*(insert|update|delete|replace)\b/i.test(sql),
      };
      if (cache.size >= STATEMENT_CACHE_SIZE) {
        const oldest = cache.keys().next();
        if (oldest.done !== true) cache.delete(oldest.value);
      }
      cache.set(sql, p);
    }
    return p;
  }

  /** Executes now; `commit` is the flush to wait for when the statement committed. */
  function execute(
    sql: string,
    params: SQLInputValue[],
    inTransaction?: boolean,
  ): { result: SqliteRows | SqliteRun; commit: Promise<void> | undefined } {
    const wasInTransaction = db.isTransaction;
    if (inTransaction === true && !wasInTransaction)
      throw new Error('statement refused: the transaction it belongs to is not open');
    const p = prepare(sql);
    const changesBefore = !wasInTransaction && p.dml ? changesSoFar() : undefined;
    // node:sqlite rows have a null prototype; plain objects behave like pg's rows everywhere (assert, spread).
    const result = p.reader
      ? { rows: p.stmt.all(...params).map((row) => ({ ...row })) }
      : p.stmt.run(...params);
    // An autocommitted INSERT/UPDATE/DELETE that changed no row (a job poll that found nothing due)
    // wrote no WAL frame: there is nothing to flush, and an idle hub does not sync the disk.
    const wrote = changesBefore === undefined || changesSoFar() !== changesBefore;
    const committed = !db.isTransaction && (wasInTransaction || !p.readOnly) && wrote;
    return { result, commit: committed ? flusher.committed() : undefined };
  }

  return {
    async run(sql, params, inTransaction) {
      const { result, commit } = execute(sql, params, inTransaction);
      await commit;
      return result;
    },
    async commitDeferred() {
      const { commit } = execute('commit', []);
      return { durable: commit ?? Promise.resolve() };
    },
    flushing: () => flusher.current(),
    flushStats: () => flusher.stats(),
    close() {
      cache.clear();
      flusher.close();
      if (db.isOpen) db.close();
    },
  };
}

/** Flushes the WAL to disk, one fdatasync at a time, each covering every commit made before it began. */
function createWalFlusher(walPath: string | undefined) {
  let waiting: { resolve: () => void; reject: (e: Error) => void }[] = [];
  /** The running fdatasync: settles when it ends, whatever its outcome. */
  let inFlight: Promise<void> | undefined;
  const totals = { flushes: 0, seconds: 0 };
  let closing = false;
  // Opened at the first commit, when the WAL exists. The connection keeps it from being deleted
  // (SQLite deletes the WAL only when its last connection closes), and fdatasync through this
  // descriptor flushes the file's data whichever descriptor wrote it.
  let fd: number | undefined;

  function release(): void {
    if (fd !== undefined) closeSync(fd);
    fd = undefined;
  }

  function flush(): void {
    const batch = waiting;
    waiting = [];
    const settle = (error: Error | null) => {
      const failure =
        error === null
          ? undefined
          : new Error(`SQLite WAL flush failed, the commit may not be durable: ${error.message}`);
      for (const w of batch)
        if (failure === undefined) w.resolve();
        else w.reject(failure);
    };
    if (walPath === undefined) return settle(null);
    try {
      fd ??= openSync(walPath, 'r');
    } catch (error) {
      return settle(error as Error);
    }
    let ended = () => {};
    inFlight = new Promise<void>((resolve) => (ended = resolve));
    const started = performance.now();
    fdatasync(fd, (error) => {
      totals.flushes += 1;
      totals.seconds += (performance.now() - started) / 1000;
      inFlight = undefined;
      ended();
      if (closing) release();
      settle(error);
      if (waiting.length > 0) flush();
    });
  }

  return {
    /** A commit happened: resolves once it is on disk. */
    committed(): Promise<void> {
      return new Promise((resolve, reject) => {
        waiting.push({ resolve, reject });
        if (inFlight === undefined) flush();
      });
    },
    current: (): Promise<void> | undefined => inFlight,
    stats: () => ({ ...totals }),
    /** The descriptor closes once no flush is using it. */
    close(): void {
      closing = true;
      if (inFlight === undefined) release();
    },
  };
}
