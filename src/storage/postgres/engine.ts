import type pg from 'pg'
import { StartupError, errorCode, errorMessage } from '../../errors.js'
import type { Capabilities, Engine, Executor, RunResult } from '../engine.js'
import type { Sql } from '../sql.js'
import { TYPE_PARSERS, bindValue, placeholder } from './dialect.js'
import { loadPg } from './driver.js'
import { PostgresEventSearch } from './event-search.js'
import { PostgresMigrator } from './migrator.js'

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EPIPE',
])

export interface PostgresEngineOptions {
  url: string
  poolSize: number
  /** Schema for the tables; created by the first migration run. */
  schema: string
}

/** PostgreSQL through a node-postgres pool. */
export class PostgresEngine implements Engine {
  readonly capabilities: Capabilities = {
    maxBindValues: 65_535,
    kind: 'postgres',
    blockingWrites: false,
  }
  readonly migrator: PostgresMigrator
  readonly search = new PostgresEventSearch()
  readonly #url: string
  readonly #pool: pg.Pool

  constructor(options: PostgresEngineOptions) {
    this.#url = options.url
    const pg = loadPg()
    this.#pool = new pg.Pool({
      connectionString: options.url,
      max: options.poolSize,
      types: TYPE_PARSERS,
      connectionTimeoutMillis: 10_000,
      // Every connection starts in the configured schema; no extra round trip.
      options: `-c search_path=${pg.escapeIdentifier(options.schema)}`,
    })
    // An idle client that loses its server emits here; the next query reports it.
    this.#pool.on('error', () => undefined)
    this.migrator = new PostgresMigrator(this.#pool, options.schema)
  }

  async start(): Promise<void> {
    try {
      await this.#pool.query('SELECT 1')
    } catch (error) {
      throw new StartupError(
        'STORAGE_UNREACHABLE',
        `cannot reach PostgreSQL at ${redactUrl(this.#url)}: ${describePgError(error)}`,
        'start PostgreSQL or correct storage.url (DOORBELL_STORAGE_STORAGE_URL)',
        { cause: error },
      )
    }
  }

  async query<Row>(statement: Sql): Promise<Row[]> {
    return runQuery<Row>(this.#pool, statement)
  }

  async run(statement: Sql): Promise<RunResult> {
    return runCommand(this.#pool, statement)
  }

  async transaction<T>(work: (tx: Executor) => Promise<T>): Promise<T> {
    const client = await this.#pool.connect()
    const tx: Executor = {
      query: <Row>(statement: Sql) => runQuery<Row>(client, statement),
      run: (statement: Sql) => runCommand(client, statement),
    }

    try {
      await client.query('BEGIN')
      const result = await work(tx)
      await client.query('COMMIT')
      return result
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined)
      throw error
    } finally {
      client.release()
    }
  }

  async ping(): Promise<void> {
    await this.#pool.query('SELECT 1')
  }

  isOutage(error: unknown): boolean {
    const code = errorCode(error) ?? ''
    const message = errorMessage(error)

    // SQLSTATE class 08 is connection exceptions, 57P0x the server shutting
    // down (PostgreSQL documentation, appendix A).
    return (
      NETWORK_CODES.has(code) ||
      code.startsWith('08') ||
      code.startsWith('57P0') ||
      /Connection terminated|timeout exceeded when trying to connect/i.test(message)
    )
  }

  async stop(): Promise<void> {
    await this.#pool.end()
  }
}

type Queryable = pg.Pool | pg.PoolClient

async function runQuery<Row>(db: Queryable, statement: Sql): Promise<Row[]> {
  const { text, values } = statement.render(placeholder)
  const result = await db.query(text, values.map(bindValue))

  return result.rows as Row[]
}

async function runCommand(db: Queryable, statement: Sql): Promise<RunResult> {
  const { text, values } = statement.render(placeholder)
  const result = await db.query(text, values.map(bindValue))

  return { changes: result.rowCount ?? 0 }
}

export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.password) parsed.password = '***'
    return parsed.toString()
  } catch {
    return '(unparsable url)'
  }
}

function describePgError(error: unknown): string {
  const code = errorCode(error)
  const message =
    errorMessage(error) || (error instanceof AggregateError ? 'connection failed' : '')

  return code && !message.includes(code) ? `${message} (${code})` : message
}
