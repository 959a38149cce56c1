import { expect } from 'chai'
import type { Engine } from '../../src/storage/engine.js'
import { listMigrations } from '../../src/storage/migration-files.js'
import { raw, sql } from '../../src/storage/sql.js'
import { describeEachEngine } from '../support/engines.js'

const TABLES = [
  'events',
  'event_zones',
  'event_results',
  'event_timeline',
  'event_stages',
  'reviews',
  'review_values',
  'event_rollup_hourly',
  'event_rollup_daily',
  'dead_letters',
  'ingest_offsets',
  'persons',
  'face_encodings',
  'audit_log',
]

/** Which of the tables can be read; a dropped one fails to. */
async function readableTables(engine: Engine): Promise<string[]> {
  const found: string[] = []

  for (const table of TABLES) {
    const ok = await engine.query(sql`SELECT count(*) AS n FROM ${raw(table)}`).then(
      () => true,
      () => false,
    )
    if (ok) found.push(table)
  }

  return found
}

describeEachEngine('Migrator', (ctx) => {
  const names = (kind: string) =>
    listMigrations(kind === 'sqlite' ? 'sqlite' : 'postgres').map((m) => m.name)

  it('lists every migration file as applied after up', async () => {
    const { engine } = ctx()
    const files = names(engine.capabilities.kind)

    const status = await engine.migrator.status()

    expect(files).to.not.be.empty
    expect(status).to.deep.equal(files.map((name) => ({ name, applied: true })))
    expect(await readableTables(engine)).to.deep.equal(TABLES)
  })

  it('runs nothing when up runs again', async () => {
    const result = await ctx().engine.migrator.up()

    expect(result).to.deep.equal({ direction: 'up', ran: [] })
  })

  it('undoes the last n migrations with down and redoes them with up', async () => {
    const { engine } = ctx()
    const files = names(engine.capabilities.kind)

    const down = await engine.migrator.down(files.length)
    const statusDown = await engine.migrator.status()
    const tablesDown = await readableTables(engine)
    const up = await engine.migrator.up()

    expect(down).to.deep.equal({ direction: 'down', ran: [...files].reverse() })
    expect(statusDown.every((m) => !m.applied)).to.equal(true)
    expect(tablesDown).to.deep.equal([])
    expect(up).to.deep.equal({ direction: 'up', ran: files })
    expect(await readableTables(engine)).to.deep.equal(TABLES)
  })

  it('undoes only as many migrations as asked', async () => {
    const { engine } = ctx()
    const files = names(engine.capabilities.kind)

    const down = await engine.migrator.down(1)
    const status = await engine.migrator.status()

    expect(down.ran).to.deep.equal(files.slice(-1))
    expect(status.map((m) => m.applied)).to.deep.equal(
      files.map((_, i) => i < files.length - 1),
    )
  })

  it('keeps data written before up runs again', async () => {
    const { engine } = ctx()
    await engine.run(
      sql`INSERT INTO ingest_offsets (inbox_id, last_seq, updated_at) VALUES ('a', 7, 0)`,
    )

    await engine.migrator.up()
    const rows = await engine.query<{ last_seq: number }>(
      sql`SELECT last_seq FROM ingest_offsets`,
    )

    expect(rows.map((r) => Number(r.last_seq))).to.deep.equal([7])
  })
})
