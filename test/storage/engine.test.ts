import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'chai'
import { AppError } from '../../src/errors.js'
import type { Engine } from '../../src/storage/engine.js'
import { openEngine } from '../../src/storage/open-engine.js'
import { sql } from '../../src/storage/sql.js'
import { describeEachEngine } from '../support/engines.js'
import { rejectionOf } from '../support/rejection.js'

const UNREACHABLE_URL = 'postgres://postgres@127.0.0.1:1/x'

/** The promise `call` returns, or 'threw' when it throws instead. */
function outcome(call: () => Promise<unknown>): Promise<unknown> | 'threw' {
  try {
    return call()
  } catch {
    return 'threw'
  }
}

/** Fails when `call` throws synchronously or resolves; else its rejection. */
async function rejectsAsPromise(call: () => Promise<unknown>): Promise<Error> {
  const result = outcome(call)
  if (result === 'threw') throw new Error('threw synchronously instead of rejecting')

  return rejectionOf(result)
}

async function offsets(engine: Engine): Promise<string[]> {
  const rows = await engine.query<{ inbox_id: string }>(
    sql`SELECT inbox_id FROM ingest_offsets ORDER BY inbox_id`,
  )

  return rows.map((row) => row.inbox_id)
}

const insertOffset = (id: string) =>
  sql`INSERT INTO ingest_offsets (inbox_id, last_seq, updated_at) VALUES (${id}, 1, 0)`

describeEachEngine('Engine', (ctx) => {
  it('returns the rows of a query and the changes of a run', async () => {
    const { engine } = ctx()

    const inserted = await engine.run(insertOffset('a'))
    const updated = await engine.run(sql`UPDATE ingest_offsets SET last_seq = ${2}`)
    const rows = await engine.query<{ n: number | string }>(
      sql`SELECT last_seq AS n FROM ingest_offsets WHERE inbox_id = ${'a'}`,
    )

    expect(inserted.changes).to.equal(1)
    expect(updated.changes).to.equal(1)
    expect(rows.map((r) => Number(r.n))).to.deep.equal([2])
  })

  it('commits every write of a transaction and returns its result', async () => {
    const { engine } = ctx()

    const result = await engine.transaction(async (tx) => {
      await tx.run(insertOffset('a'))
      await tx.run(insertOffset('b'))
      return (await tx.query(sql`SELECT inbox_id FROM ingest_offsets`)).length
    })

    expect(result).to.equal(2)
    expect(await offsets(engine)).to.deep.equal(['a', 'b'])
  })

  it('rolls back every write and rethrows when the work fails', async () => {
    const { engine } = ctx()
    const failure = new Error('work failed')

    const error = await rejectionOf(
      engine.transaction(async (tx) => {
        await tx.run(insertOffset('a'))
        throw failure
      }),
    )

    expect(error).to.equal(failure)
    expect(await offsets(engine)).to.deep.equal([])
  })

  it('rolls back when a statement of the transaction fails', async () => {
    const { engine } = ctx()

    await rejectionOf(
      engine.transaction(async (tx) => {
        await tx.run(insertOffset('a'))
        await tx.run(insertOffset('a'))
      }),
    )

    expect(await offsets(engine)).to.deep.equal([])
    await engine.transaction((tx) => tx.run(insertOffset('b')))
    expect(await offsets(engine)).to.deep.equal(['b'])
  })

  it('reads only committed data outside a transaction in progress', async () => {
    const { engine } = ctx()

    const seenInside = await engine.transaction(async (tx) => {
      await tx.run(insertOffset('a'))
      return offsets(engine)
    })

    expect(seenInside).to.deep.equal([])
    expect(await offsets(engine)).to.deep.equal(['a'])
  })

  it('reports a failed statement as a rejected promise, not a throw', async () => {
    const { engine } = ctx()
    const bad = sql`SELECT * FROM no_such_table`

    const errors = [
      await rejectsAsPromise(() => engine.query(bad)),
      await rejectsAsPromise(() => engine.run(bad)),
      await engine.transaction((tx) => rejectsAsPromise(() => tx.query(bad))),
      await engine.transaction((tx) => rejectsAsPromise(() => tx.run(bad))),
    ]

    for (const error of errors) expect(error.message).to.match(/no_such_table/)
  })

  it('binds booleans, nulls, text with quotes and binary values', async () => {
    const { engine } = ctx()
    const payload = Buffer.from([0, 255, 39, 92])
    const letter = sql`INSERT INTO dead_letters
      (message_key, topic, payload, size, truncated, reason, received_at)
      VALUES (${"k'; DROP TABLE events; --"}, ${'t'}, ${payload}, ${4}, ${true}, ${'r'}, ${1.5})`

    await engine.run(letter)
    const rows = await engine.query<{ message_key: string; payload: Uint8Array }>(
      sql`SELECT message_key, payload FROM dead_letters WHERE truncated = ${true}`,
    )

    expect(rows.map((r) => r.message_key)).to.deep.equal(["k'; DROP TABLE events; --"])
    expect(Buffer.from(rows[0]?.payload ?? [])).to.deep.equal(payload)
  })

  it('answers ping while started and rejects it once stopped', async () => {
    const engine = openEngine(ctx().database.settings)
    await engine.start()

    await engine.ping()
    await engine.stop()

    await rejectsAsPromise(() => engine.ping())
  })
})

describe('openEngine', () => {
  it('rejects start with STORAGE_UNREACHABLE when PostgreSQL does not answer', async () => {
    const engine = openEngine({ url: UNREACHABLE_URL, poolSize: 1, schema: 'public' })

    const error = await rejectionOf(engine.start())
    await engine.stop()

    expect(error).to.be.instanceOf(AppError)
    expect((error as AppError).code).to.equal('STORAGE_UNREACHABLE')
  })

  it('rejects start with STORAGE_UNREACHABLE when the SQLite file cannot be opened', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'doorbell-engine-test-'))
    const blocker = join(dir, 'file')
    writeFileSync(blocker, '')
    const engine = openEngine({
      url: `sqlite:${join(blocker, 'x.db')}`,
      poolSize: 1,
      schema: 'public',
    })

    const error = await rejectionOf(engine.start())
    rmSync(dir, { recursive: true, force: true })

    expect((error as AppError).code).to.equal('STORAGE_UNREACHABLE')
  })

  it('opens SQLite for a path or a sqlite: URL and PostgreSQL for a postgres URL', () => {
    const kinds = [
      './data/x.db',
      'sqlite:./data/x.db',
      'postgresql://h/db',
      UNREACHABLE_URL,
    ].map((url) => openEngine({ url, poolSize: 1, schema: 'public' }).capabilities.kind)

    expect(kinds).to.deep.equal(['sqlite', 'sqlite', 'postgres', 'postgres'])
  })
})
