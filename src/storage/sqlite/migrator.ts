import type Database from 'better-sqlite3'
import type { MigrationResult, MigrationStatus, Migrator } from '../engine.js'
import { listMigrations, type MigrationFile } from '../migration-files.js'

const TABLE = 'schema_migrations'

/**
 * Runs migrations/sqlite/NNNN_name.up.sql and .down.sql in order, each in its
 * own transaction with its record in schema_migrations.
 */
export class SqliteMigrator implements Migrator {
  readonly #connection: () => Database.Database

  constructor(connection: () => Database.Database) {
    this.#connection = connection
  }

  up(): Promise<MigrationResult> {
    const applied = new Set(this.#applied())
    const pending = listMigrations('sqlite').filter((m) => !applied.has(m.name))

    for (const migration of pending) this.#apply(migration, 'up')

    return Promise.resolve({ direction: 'up', ran: pending.map((m) => m.name) })
  }

  down(count: number): Promise<MigrationResult> {
    const byName = new Map(listMigrations('sqlite').map((m) => [m.name, m]))
    const targets = this.#applied().reverse().slice(0, count)
    const ran: string[] = []

    for (const name of targets) {
      const migration = byName.get(name)
      if (!migration) throw new Error(`applied migration ${name} has no file`)
      this.#apply(migration, 'down')
      ran.push(name)
    }

    return Promise.resolve({ direction: 'down', ran })
  }

  status(): Promise<MigrationStatus[]> {
    const applied = new Set(this.#applied())
    const files = listMigrations('sqlite')

    return Promise.resolve(
      files.map((m) => ({ name: m.name, applied: applied.has(m.name) })),
    )
  }

  #applied(): string[] {
    const db = this.#connection()
    db.exec(
      `CREATE TABLE IF NOT EXISTS ${TABLE} (name TEXT PRIMARY KEY, run_on REAL NOT NULL)`,
    )
    const rows = db.prepare(`SELECT name FROM ${TABLE} ORDER BY name`).all() as {
      name: string
    }[]

    return rows.map((row) => row.name)
  }

  #apply(migration: MigrationFile, direction: 'up' | 'down'): void {
    const db = this.#connection()
    const script = direction === 'up' ? migration.up : migration.down
    if (script === undefined)
      throw new Error(`migration ${migration.name} has no down file`)

    db.transaction(() => {
      db.exec(script)
      if (direction === 'up') {
        db.prepare(`INSERT INTO ${TABLE} (name, run_on) VALUES (?, ?)`).run(
          migration.name,
          Date.now() / 1000,
        )
      } else {
        db.prepare(`DELETE FROM ${TABLE} WHERE name = ?`).run(migration.name)
      }
    })()
  }
}
