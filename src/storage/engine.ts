import type { EventSearch } from './event-search.js'
import type { Sql } from './sql.js'

/** What differs between engines, asked as capabilities, never by name. */
export interface Capabilities {
  /** Most bound values one statement may carry. */
  maxBindValues: number
  /** Engine's kind, for logs and health only. */
  kind: string
  /**
   * The driver blocks the calling thread, and another connection in another
   * thread can share the database: bulk writes belong on a worker thread.
   */
  blockingWrites: boolean
}

export interface RunResult {
  changes: number
}

/** Runs statements; inside a transaction or on its own. */
export interface Executor {
  query<Row = Record<string, unknown>>(statement: Sql): Promise<Row[]>
  run(statement: Sql): Promise<RunResult>
}

export interface MigrationStatus {
  name: string
  applied: boolean
}

export interface MigrationResult {
  direction: 'up' | 'down'
  /** Names of the migrations this call ran, in order. */
  ran: string[]
}

export interface Migrator {
  up(): Promise<MigrationResult>
  down(count: number): Promise<MigrationResult>
  status(): Promise<MigrationStatus[]>
}

/**
 * One database, whatever its engine. `query` and `run` outside a transaction
 * read committed data and may run beside a transaction in progress; every
 * write of the ingest path goes through `transaction`.
 */
export interface Engine extends Executor {
  readonly capabilities: Capabilities
  readonly migrator: Migrator
  /** Full-text search over events, in this engine's terms. */
  readonly search: EventSearch
  /** Opens connections; throws a StartupError when the database is unreachable. */
  start(): Promise<void>
  transaction<T>(work: (tx: Executor) => Promise<T>): Promise<T>
  /** Round trip to the database; throws when it is unreachable. */
  ping(): Promise<void>
  /** Whether an error this engine raised means the database cannot be reached. */
  isOutage(error: unknown): boolean
  /**
   * Upkeep the engine wants while it lives (SQLite: planner statistics);
   * called by the writer, once. Engines whose server does it themselves omit it.
   */
  startMaintenance?(): void
  stop(): Promise<void>
}

/** Rows arrive as JSON text from one engine and as objects from another. */
export function fromJson<T>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T
}

export function fromBool(value: unknown): boolean {
  return value === true || value === 1 || value === '1'
}
