import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import type { Engine } from '../../src/storage/engine.js'
import { openEngine, type StorageSettings } from '../../src/storage/open-engine.js'
import { TEST_DATABASE_URL, postgresProblem, requireService } from './services.js'

export const ENGINE_NAMES = ['sqlite', 'postgres'] as const
export type EngineName = (typeof ENGINE_NAMES)[number]

/** A fresh, empty database of one engine: a temp file, or a new PostgreSQL schema. */
export interface TestDatabase {
  settings: StorageSettings
  drop(): Promise<void>
}

export function createTestDatabase(name: EngineName): Promise<TestDatabase> {
  if (name === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'doorbell-storage-test-'))
    return Promise.resolve({
      settings: { url: join(dir, 'test.db'), poolSize: 1, schema: 'public' },
      drop: () => Promise.resolve(rmSync(dir, { recursive: true, force: true })),
    })
  }

  const schema = `t_${randomBytes(6).toString('hex')}`
  return Promise.resolve({
    settings: { url: TEST_DATABASE_URL, poolSize: 5, schema },
    drop: async () => {
      const client = new pg.Client({ connectionString: TEST_DATABASE_URL })
      await client.connect()
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
      await client.end()
    },
  })
}

export interface EngineContext {
  engine: Engine
  database: TestDatabase
}

/**
 * Runs the same suite once per engine, each test on a fresh migrated
 * database. The PostgreSQL run skips, saying why, when it cannot connect.
 */
export function describeEachEngine(
  title: string,
  suite: (ctx: () => EngineContext) => void,
) {
  for (const name of ENGINE_NAMES) {
    describe(`${title} [${name}]`, function () {
      let current: EngineContext | undefined

      before(async function () {
        if (name === 'postgres') await requireService(this, postgresProblem())
      })

      beforeEach(async function () {
        const database = await createTestDatabase(name)
        const engine = openEngine(database.settings)
        await engine.start()
        await engine.migrator.up()
        current = { engine, database }
      })

      afterEach(async function () {
        if (!current) return
        await current.engine.stop()
        await current.database.drop()
        current = undefined
      })

      suite(() => {
        if (!current) throw new Error('no engine: used outside a test')
        return current
      })
    })
  }
}
