import { expect } from 'chai'
import type { Engine, Executor } from '../../src/storage/engine.js'
import type { AuditEntry } from '../../src/storage/repositories/audit-repository.js'
import type { DeadLetter } from '../../src/storage/repositories/dead-letters-repository.js'
import { ROLLUPS } from '../../src/storage/repositories/event-derived-state.js'
import { createRepositories } from '../../src/storage/repositories/repositories.js'
import type { PruneRequest } from '../../src/storage/repositories/retention-repository.js'
import { raw, sql, type Sql } from '../../src/storage/sql.js'
import { describeEachEngine, type EngineName } from '../support/engines.js'
import { frigateMessage } from '../support/frigate.js'
import {
  applyMessages,
  descriptionResult,
  reviewMessage,
  type StreamMessage,
} from '../support/frigate-security.js'
import { readRollups, recompute } from '../support/rollups.js'

const T0 = 1_718_928_000 // a UTC midnight
const DAY = 86_400

/** A Frigate event on a camera, started `at`, with a zone and a description. */
function frigateEvent(id: string, camera: string, at: number): StreamMessage[] {
  const fields = { camera, start_time: at, frame_time: at, entered_zones: ['porch'] }

  return [
    {
      stream: 'frigate-event',
      message: frigateMessage('new', id, fields),
      receivedAt: at,
    },
    {
      stream: 'frigate-object-update',
      message: descriptionResult(id, 'a parcel'),
      receivedAt: at,
    },
  ]
}

/** A doorbell event without a camera. */
function ring(id: string, at: number): StreamMessage {
  const message = { event_id: id, event_type: 'doorbell_pressed', timestamp: at }

  return {
    stream: 'native-event',
    message: { ...message, source: 'doorbell' },
    receivedAt: at,
  }
}

function letter(n: number, receivedAt: number): DeadLetter {
  return {
    messageKey: `inbox-a:${n}`,
    topic: 'frigate/events',
    payload: Buffer.from(`{"n":${n}}`),
    size: 8,
    truncated: false,
    reason: `reason ${n}`,
    receivedAt,
  }
}

function auditEntry(n: number, time: number): AuditEntry {
  return {
    time,
    actor: 'test',
    action: 'rename',
    targetType: 'person',
    targetId: String(n),
    details: { n },
  }
}

async function column(engine: Engine, statement: Sql): Promise<string[]> {
  const rows = await engine.query<{ v: string | number }>(statement)

  return rows.map((row) => String(row.v)).sort()
}

describeEachEngine('RetentionRepository', (ctx) => {
  const repos = () => createRepositories(ctx().engine)
  const apply = (messages: StreamMessage[]) =>
    applyMessages(ctx().engine, repos(), messages)
  const eventIds = () => column(ctx().engine, sql`SELECT id AS v FROM events`)

  it('deletes one camera’s events before the time, oldest first, up to the limit', async () => {
    await apply([
      ...frigateEvent('g1', 'garden', T0 + 10),
      ...frigateEvent('g2', 'garden', T0 + 30),
      ...frigateEvent('g3', 'garden', T0 + 20),
      ...frigateEvent('g4', 'garden', T0 + 5 * DAY),
      ...frigateEvent('f1', 'front_door', T0 + 1),
      ring('ring-1', T0 + 2),
    ])
    const prune = (request: Omit<PruneRequest, 'store'>) =>
      repos().retention.prune({ store: 'events', ...request })

    const first = await prune({ camera: 'garden', before: T0 + DAY, limit: 2 })
    const afterFirst = await eventIds()
    const second = await prune({ camera: 'garden', before: T0 + DAY, limit: 2 })
    const none = await prune({ camera: null, before: T0 + 1, limit: 5 })
    const unnamed = await prune({ camera: null, before: T0 + DAY, limit: 5 })

    expect([first, second, none, unnamed]).to.deep.equal([2, 1, 0, 1])
    expect(afterFirst).to.deep.equal(['f1', 'g2', 'g4', 'ring-1'])
    expect(await eventIds()).to.deep.equal(['f1', 'g4'])
    for (const table of ['event_zones', 'event_results', 'event_timeline']) {
      const left = await column(
        ctx().engine,
        sql`SELECT DISTINCT event_id AS v FROM ${raw(table)}`,
      )
      expect(left, table).to.deep.equal(['f1', 'g4'])
    }
    for (const rollup of ROLLUPS) {
      expect(await readRollups(ctx().engine, rollup.table), rollup.table).to.deep.equal(
        await recompute(ctx().engine, rollup.seconds),
      )
    }
  })

  it('deletes every camera’s events when no camera is given', async () => {
    await apply([
      ...frigateEvent('g1', 'garden', T0 + 10),
      ...frigateEvent('f1', 'front_door', T0 + 20),
      ring('ring-1', T0 + 30),
      ring('ring-2', T0 + 2 * DAY),
    ])

    const count = await repos().retention.prune({
      store: 'events',
      before: T0 + DAY,
      limit: 10,
    })

    expect(count).to.equal(3)
    expect(await eventIds()).to.deep.equal(['ring-2'])
  })

  it('lists the cameras with events before the time, null for none', async () => {
    await apply([
      ...frigateEvent('g1', 'garden', T0 + 10),
      ...frigateEvent('f1', 'front_door', T0 + 3 * DAY),
      ring('ring-1', T0 + 20),
    ])
    const cameras = async (before: number) =>
      (await repos().retention.camerasBefore(before)).map(String).sort()

    expect(await cameras(T0)).to.deep.equal([])
    expect(await cameras(T0 + 0.25)).to.deep.equal(['garden', 'null'])
    expect(await cameras(T0 + DAY)).to.deep.equal(['garden', 'null'])
    expect(await cameras(T0 + 4 * DAY)).to.deep.equal(['front_door', 'garden', 'null'])

    await repos().retention.prune({
      store: 'events',
      camera: null,
      before: T0 + DAY,
      limit: 5,
    })

    expect(await cameras(T0 + DAY)).to.deep.equal(['garden'])
  })

  it('deletes the oldest review items before the time with their values', async () => {
    const review = (id: string, at: number, objects: string[]) =>
      reviewMessage('end', id, {
        start_time: at,
        end_time: at + 5,
        data: { objects, zones: ['porch'], detections: [`${id}-ev`] },
      })
    await apply(
      [
        review('r1', T0 + 30, ['person']),
        review('r2', T0 + 10, ['car']),
        review('r3', T0 + 20, ['dog']),
        review('r4', T0 + 3 * DAY, ['person']),
      ].map((message) => ({ stream: 'frigate-review', message, receivedAt: T0 })),
    )

    const first = await repos().retention.prune({
      store: 'reviews',
      before: T0 + DAY,
      limit: 2,
    })
    const valuesOf = () =>
      column(ctx().engine, sql`SELECT DISTINCT review_id AS v FROM review_values`)
    const afterFirst = await valuesOf()
    const second = await repos().retention.prune({
      store: 'reviews',
      before: T0 + DAY,
      limit: 2,
    })

    expect([first, second]).to.deep.equal([2, 1])
    expect(afterFirst).to.deep.equal(['r1', 'r4'])
    expect(await valuesOf()).to.deep.equal(['r4'])
    expect(await column(ctx().engine, sql`SELECT id AS v FROM reviews`)).to.deep.equal([
      'r4',
    ])
  })

  it('deletes the oldest dead letters received before the time', async () => {
    const { engine } = ctx()
    const times = [T0 + 50, T0 + 10, T0 + 30, T0 + 20, T0 + 2 * DAY]
    await engine.transaction((tx) =>
      repos().deadLetters.insert(
        tx,
        times.map((at, n) => letter(n, at)),
      ),
    )
    const prune = () =>
      repos().retention.prune({ store: 'deadLetters', before: T0 + DAY, limit: 3 })

    const counts = [await prune(), await prune()]
    const left = await repos().deadLetters.query({ limit: 10 })

    expect(counts).to.deep.equal([3, 1])
    expect(left.map((l) => l.receivedAt)).to.deep.equal([T0 + 2 * DAY])
  })

  it('deletes the oldest audit entries made before the time', async () => {
    const { engine } = ctx()
    await engine.transaction((tx) =>
      repos().audit.insert(tx, [
        auditEntry(1, T0 + 40),
        auditEntry(2, T0 + 10),
        auditEntry(3, T0 + 2 * DAY),
        auditEntry(4, T0 + 20),
      ]),
    )

    const first = await repos().retention.prune({
      store: 'audit',
      before: T0 + DAY,
      limit: 2,
    })
    const afterFirst = await repos().audit.query({ limit: 10 })
    const second = await repos().retention.prune({
      store: 'audit',
      before: T0 + DAY,
      limit: 2,
    })

    expect([first, second]).to.deep.equal([2, 1])
    expect(afterFirst.map((e) => e.targetId)).to.deep.equal(['3', '1'])
    expect(
      (await repos().audit.query({ limit: 10 })).map((e) => e.targetId),
    ).to.deep.equal(['3'])
  })

  describe('query plans', () => {
    // The index each chunk's search for old rows walks (docs/indexing.md).
    const PLANS: { request: PruneRequest; index: string }[] = [
      {
        request: { store: 'events', camera: 'garden', before: T0, limit: 10 },
        index: 'events_camera_start',
      },
      { request: { store: 'events', before: T0, limit: 10 }, index: 'events_start' },
      { request: { store: 'reviews', before: T0, limit: 10 }, index: 'reviews_start' },
      {
        request: { store: 'deadLetters', before: T0, limit: 10 },
        index: 'dead_letters_received',
      },
      { request: { store: 'audit', before: T0, limit: 10 }, index: 'audit_log_time' },
    ]

    for (const { request, index } of PLANS) {
      const what = `${request.store}${request.camera ? ' of one camera' : ''}`

      it(`finds old ${what} through ${index}`, async () => {
        const { engine } = ctx()
        const statements = await recordStatements(engine, (recording) =>
          createRepositories(recording).retention.prune(request),
        )
        const search = statements.find((s) => /\bLIMIT\b/.test(s.strings.join('?')))
        if (!search) throw new Error('no limited statement')

        expect(await explain(engine, search)).to.match(new RegExp(`\\b${index}\\b`))
      })
    }

    it('lists the cameras from the daily rollup', async () => {
      const { engine } = ctx()
      const statements = await recordStatements(engine, (recording) =>
        createRepositories(recording).retention.camerasBefore(T0),
      )
      const [statement] = statements
      if (!statement) throw new Error('no statement')
      const kind = engine.capabilities.kind as EngineName
      const index = { sqlite: 'PRIMARY KEY', postgres: 'event_rollup_daily_pkey' }[kind]

      expect(await explain(engine, statement)).to.include(index)
    })
  })
})

/** Runs `work` over an engine that records every statement, also in transactions. */
async function recordStatements(
  engine: Engine,
  work: (recording: Engine) => Promise<unknown>,
): Promise<Sql[]> {
  const statements: Sql[] = []
  const record = (executor: Executor): Executor => ({
    query: (statement) => (statements.push(statement), executor.query(statement)),
    run: (statement) => (statements.push(statement), executor.run(statement)),
  })
  const recording = new Proxy(engine, {
    get(target, property) {
      if (property === 'query') return (statement: Sql) => record(target).query(statement)
      if (property === 'run') return (statement: Sql) => record(target).run(statement)
      if (property === 'transaction') {
        return (inner: (tx: Executor) => Promise<unknown>) =>
          target.transaction((tx) => inner(record(tx)))
      }
      const value: unknown = Reflect.get(target, property, target)
      // Bound: the engine's methods reach its #private fields through `this`.
      return typeof value === 'function' ? (value as () => unknown).bind(target) : value
    },
  })
  await work(recording)

  return statements
}

/**
 * The plan as text. PostgreSQL without sequential scans: on tables this small
 * one would be cheapest, and the point is which index serves the statement.
 */
async function explain(engine: Engine, statement: Sql): Promise<string> {
  if (engine.capabilities.kind === 'postgres') {
    return engine.transaction(async (tx) => {
      await tx.run(sql`SET LOCAL enable_seqscan = off`)
      const rows = await tx.query<{ 'QUERY PLAN': string }>(sql`EXPLAIN ${statement}`)
      return rows.map((row) => row['QUERY PLAN']).join('\n')
    })
  }

  const rows = await engine.query<{ detail: string }>(
    sql`EXPLAIN QUERY PLAN ${statement}`,
  )

  return rows.map((row) => row.detail).join('\n')
}
