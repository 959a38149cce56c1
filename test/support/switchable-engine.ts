import type { Engine, Executor, RunResult } from '../../src/storage/engine.js'
import { openEngine } from '../../src/storage/open-engine.js'
import type { Sql } from '../../src/storage/sql.js'

/** Nothing listens on port 1, so connecting fails at once. */
export const UNREACHABLE_POSTGRES_URL = 'postgres://postgres@127.0.0.1:1/x'

export function unreachableEngine(): Engine {
  return openEngine({ url: UNREACHABLE_POSTGRES_URL, poolSize: 1, schema: 'public' })
}

/**
 * An engine that forwards to whichever engine is current, so a test can make
 * the database go away under a running service and come back.
 */
export class SwitchableEngine implements Engine {
  current: Engine

  constructor(engine: Engine) {
    this.current = engine
  }

  get capabilities() {
    return this.current.capabilities
  }

  get migrator() {
    return this.current.migrator
  }

  get search() {
    return this.current.search
  }

  start(): Promise<void> {
    return this.current.start()
  }

  query<Row>(statement: Sql): Promise<Row[]> {
    return this.current.query<Row>(statement)
  }

  run(statement: Sql): Promise<RunResult> {
    return this.current.run(statement)
  }

  transaction<T>(work: (tx: Executor) => Promise<T>): Promise<T> {
    return this.current.transaction(work)
  }

  ping(): Promise<void> {
    return this.current.ping()
  }

  isOutage(error: unknown): boolean {
    return this.current.isOutage(error)
  }

  stop(): Promise<void> {
    return this.current.stop()
  }
}
