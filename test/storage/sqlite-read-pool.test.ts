import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { SqliteEngine } from '../../src/storage/sqlite/engine.js'
import { sql } from '../../src/storage/sql.js'
import { rejectionOf } from '../support/rejection.js'

describe('SqliteEngine with reader threads', function () {
  let dir: string
  let engine: SqliteEngine

  before(async function () {
    dir = mkdtempSync(join(tmpdir(), 'doorbell-read-pool-'))
    engine = new SqliteEngine({ path: join(dir, 'test.db'), readThreads: 2 })
    await engine.start()
    await engine.run(
      sql`CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, flag INTEGER, b BLOB)`,
    )
    await engine.transaction(async (tx) => {
      for (let i = 1; i <= 50; i++) {
        await tx.run(
          sql`INSERT INTO t VALUES (${i}, ${`n${i}`}, ${i % 2 === 0}, ${Buffer.from([i])})`,
        )
      }
    })
  })

  after(async function () {
    await engine.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('reads committed rows with bound values, booleans and bytes intact', async function () {
    const rows = await engine.query<{ id: number; b: Uint8Array }>(
      sql`SELECT id, b FROM t WHERE flag = ${true} AND id <= ${6} ORDER BY id`,
    )

    expect(rows.map((r) => r.id)).to.deep.equal([2, 4, 6])
    expect(Buffer.from(rows[2]?.b ?? []).equals(Buffer.from([6]))).to.equal(true)
  })

  it('answers many concurrent queries each with its own result', async function () {
    const ids = Array.from({ length: 200 }, (_, i) => (i % 50) + 1)
    const answers = await Promise.all(
      ids.map((id) =>
        engine.query<{ name: string }>(sql`SELECT name FROM t WHERE id = ${id}`),
      ),
    )

    expect(answers.map((rows) => rows[0]?.name)).to.deep.equal(ids.map((id) => `n${id}`))
  })

  it('sees a write as soon as its transaction commits', async function () {
    await engine.run(sql`INSERT INTO t (id, name) VALUES (${1000}, ${'late'})`)
    const rows = await engine.query<{ name: string }>(
      sql`SELECT name FROM t WHERE id = ${1000}`,
    )

    expect(rows[0]?.name).to.equal('late')
  })

  it('rejects a bad query with the SQLite error code, and keeps serving', async function () {
    const error = await rejectionOf(engine.query(sql`SELECT nope FROM t`))

    expect((error as { code?: string }).code).to.equal('SQLITE_ERROR')
    expect(await engine.query(sql`SELECT count(*) AS n FROM t`)).to.deep.equal([
      { n: 51 },
    ])
  })

  it('refuses writes on a reader thread', async function () {
    const error = await rejectionOf(
      engine.query(sql`INSERT INTO t (id) VALUES (${2000}) RETURNING id`),
    )

    expect((error as { code?: string }).code).to.equal('SQLITE_READONLY')
  })
})
