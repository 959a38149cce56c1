import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import Database from 'better-sqlite3'
import { StartupError, errorCode, errorMessage } from '../../errors.js'
import type { Capabilities, Engine, Executor, RunResult } from '../engine.js'
import type { Sql } from '../sql.js'
import { bindValue, placeholder } from './dialect.js'
import { SqliteEventSearch } from './event-search.js'
import { SqliteMigrator } from './migrator.js'
import { ReadPool } from './read-pool.js'

type Connection = Database.Database

const STATEMENT_CACHE_SIZE = 256
const STATISTICS_INTERVAL_MS = 6 * 60 * 60 * 1000

export interface SqliteEngineOptions {
  /** File path, or ':memory:' (one connection serves reads and writes). */
  path: string
  /** Reader threads for queries; 0 reads on the calling thread. Default 0. */
  readThreads?: number
}

/**
 * SQLite through better-sqlite3 in WAL mode: one connection writes, another
 * reads, so queries see committed data while a batch is being applied.
 */
export class SqliteEngine implements Engine {
  readonly capabilities: Capabilities
  readonly migrator: SqliteMigrator
  readonly search = new SqliteEventSearch()
  readonly #path: string
  #writer: Connection | undefined
  #reader: Connection | undefined
  #readPool: ReadPool | undefined
  #queue: Promise<unknown> = Promise.resolve()
  #statsTimer: NodeJS.Timeout | undefined

  constructor(options: SqliteEngineOptions) {
    this.#path = options.path
    const threads = options.path === ':memory:' ? 0 : (options.readThreads ?? 0)
    this.#readPool = threads > 0 ? new ReadPool(options.path, threads) : undefined
    this.capabilities = {
      maxBindValues: 32_766,
      kind: 'sqlite',
      // An in-memory database cannot be opened from another thread.
      blockingWrites: options.path !== ':memory:',
    }
    this.migrator = new SqliteMigrator(() => this.#writerConnection())
  }

  async start(): Promise<void> {
    try {
      if (this.#path !== ':memory:') mkdirSync(dirname(this.#path), { recursive: true })
      this.#writer = openConnection(this.#path)
      this.#reader = this.#path === ':memory:' ? this.#writer : openConnection(this.#path)
    } catch (error) {
      throw new StartupError(
        'STORAGE_UNREACHABLE',
        `cannot open SQLite database ${this.#path}: ${errorMessage(error)}`,
        'check storage.url and that its folder is writable',
        { cause: error },
      )
    }

    await this.#readPool?.start()
  }

  query<Row>(statement: Sql): Promise<Row[]> {
    if (this.#readPool) {
      const { text, values } = statement.render(placeholder)
      return this.#readPool.query(text, values.map(bindValue)) as Promise<Row[]>
    }

    return settle(() => allRows<Row>(this.#readerConnection(), statement))
  }

  run(statement: Sql): Promise<RunResult> {
    return this.transaction((tx) => tx.run(statement))
  }

  /**
   * Transactions are serialised: better-sqlite3 has one writer connection, and
   * an `await` inside one must not let another statement join it.
   */
  transaction<T>(work: (tx: Executor) => Promise<T>): Promise<T> {
    const next = this.#queue.then(() => this.#runTransaction(work))
    this.#queue = next.catch(() => undefined)

    return next
  }

  ping(): Promise<void> {
    return settle(() => void this.#readerConnection().prepare('SELECT 1').get())
  }

  /** A local file is unreachable only when the engine is stopped or the disk fails. */
  isOutage(error: unknown): boolean {
    const code = errorCode(error)

    return (
      code === 'STORAGE_STOPPED' || code === 'SQLITE_IOERR' || code === 'SQLITE_CANTOPEN'
    )
  }

  async stop(): Promise<void> {
    clearInterval(this.#statsTimer)
    await this.#readPool?.stop()
    await this.#queue
    if (this.#reader !== this.#writer) this.#reader?.close()
    this.#writer?.close()
    this.#reader = undefined
    this.#writer = undefined
  }

  async #runTransaction<T>(work: (tx: Executor) => Promise<T>): Promise<T> {
    const db = this.#writerConnection()
    const tx: Executor = {
      query: <Row>(statement: Sql) => settle(() => allRows<Row>(db, statement)),
      run: (statement: Sql) => settle(() => runStatement(db, statement)),
    }

    db.exec('BEGIN IMMEDIATE')
    try {
      const result = await work(tx)
      db.exec('COMMIT')
      return result
    } catch (error) {
      if (db.inTransaction) db.exec('ROLLBACK')
      throw error
    }
  }

  /**
   * Keeps the planner's statistics fresh: now, then every few hours, between
   * transactions. A full ANALYZE of a million events takes seconds, so the
   * writer thread runs this, never the thread that serves MQTT.
   */
  startMaintenance(): void {
    const refresh = (): void => {
      this.#queue = this.#queue.then(() => {
        if (this.#writer) refreshStatistics(this.#writer)
      })
    }

    refresh()
    this.#statsTimer = setInterval(refresh, STATISTICS_INTERVAL_MS)
    this.#statsTimer.unref()
  }

  #writerConnection(): Connection {
    if (!this.#writer) throw new Error('SQLite engine is not started')
    return this.#writer
  }

  #readerConnection(): Connection {
    if (!this.#reader) throw new Error('SQLite engine is not started')
    return this.#reader
  }
}

/** better-sqlite3 throws synchronously; a Promise API must reject instead. */
function settle<T>(work: () => T): Promise<T> {
  return new Promise((resolve) => resolve(work()))
}

function openConnection(path: string): Connection {
  const db = new Database(path)
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = NORMAL')
  db.pragma('busy_timeout = 5000')
  db.pragma('foreign_keys = ON')

  return db
}

/**
 * Gathers the statistics the query planner needs to pick the right index (at
 * a million events, a time-ordered page walks 51 rows with them and sorts
 * hundreds of thousands without). Optimize skips tables it judges fresh, as
 * SQLite recommends for long-lived connections (PRAGMA optimize, 0x10002).
 * No analysis_limit: it samples the start of each index, and on a column of a
 * few values (label, camera) that sample sees one value and misleads.
 */
function refreshStatistics(db: Connection): void {
  db.pragma('optimize = 0x10002')
}

const statementCaches = new WeakMap<Connection, Map<string, Database.Statement>>()

function prepare(
  db: Connection,
  statement: Sql,
): { stmt: Database.Statement; values: unknown[] } {
  const { text, values } = statement.render(placeholder)
  let cache = statementCaches.get(db)
  if (!cache) {
    cache = new Map()
    statementCaches.set(db, cache)
  }

  let stmt = cache.get(text)
  if (!stmt) {
    if (cache.size >= STATEMENT_CACHE_SIZE) cache.clear()
    stmt = db.prepare(text)
    cache.set(text, stmt)
  }

  return { stmt, values: values.map(bindValue) }
}

function allRows<Row>(db: Connection, statement: Sql): Row[] {
  const { stmt, values } = prepare(db, statement)

  return (stmt.reader ? stmt.all(...values) : (stmt.run(...values), [])) as Row[]
}

function runStatement(db: Connection, statement: Sql): RunResult {
  const { stmt, values } = prepare(db, statement)

  if (stmt.reader) return { changes: stmt.all(...values).length }

  return { changes: stmt.run(...values).changes }
}
