import type pg from 'pg'
import { loadPg } from './driver.js'
import type { MigrationResult, MigrationStatus, Migrator } from '../engine.js'
import { listMigrations, migrationsDir } from '../migration-files.js'

const TABLE = 'pgmigrations'

/**
 * node-pg-migrate over migrations/postgres/NNNN_name.up.sql and .down.sql; it
 * records what ran in pgmigrations and holds an advisory lock while it runs,
 * so several instances starting together migrate once.
 */
export class PostgresMigrator implements Migrator {
  readonly #pool: pg.Pool
  readonly #schema: string

  constructor(pool: pg.Pool, schema: string) {
    this.#pool = pool
    this.#schema = schema
  }

  up(): Promise<MigrationResult> {
    return this.#run('up', Infinity)
  }

  down(count: number): Promise<MigrationResult> {
    return this.#run('down', count)
  }

  async status(): Promise<MigrationStatus[]> {
    const applied = new Set(await this.#applied())

    return listMigrations('postgres').map((m) => ({
      name: m.name,
      applied: applied.has(m.name),
    }))
  }

  async #applied(): Promise<string[]> {
    const exists = await this.#pool.query<{ found: string | null }>(
      'SELECT to_regclass($1) AS found',
      [`${loadPg().escapeIdentifier(this.#schema)}.${TABLE}`],
    )
    if (!exists.rows[0]?.found) return []
    const table = `${loadPg().escapeIdentifier(this.#schema)}.${TABLE}`
    const result = await this.#pool.query<{ name: string }>(`SELECT name FROM ${table}`)

    return result.rows.map((row) => row.name)
  }

  async #run(direction: 'up' | 'down', count: number): Promise<MigrationResult> {
    // Loaded here: only migrations need it, and it is the heaviest dependency.
    const { runner } = await import('node-pg-migrate')
    const client = await this.#pool.connect()

    try {
      const ran = await runner({
        dbClient: client,
        dir: migrationsDir('postgres'),
        direction,
        count,
        migrationsTable: TABLE,
        schema: this.#schema,
        migrationsSchema: this.#schema,
        createSchema: true,
        createMigrationsSchema: true,
        migrationLoaderStrategies: [{ extensions: ['.sql'], loader: 'sql' }],
        singleTransaction: true,
        advisoryLockMode: 'wait',
        log: () => undefined,
      })
      return { direction, ran: ran.map((m) => m.name) }
    } finally {
      client.release()
    }
  }
}
