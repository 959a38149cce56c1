import { expect } from 'chai'
import { generateBatch } from '../../bench/events-dataset.js'
import { writeBatch } from '../../src/ingest/write-batch.js'
import type { Engine } from '../../src/storage/engine.js'
import { openEngine } from '../../src/storage/open-engine.js'
import {
  createRepositories,
  type Repositories,
} from '../../src/storage/repositories/repositories.js'
import { raw, sql, type Sql } from '../../src/storage/sql.js'
import {
  ENGINE_NAMES,
  createTestDatabase,
  type EngineName,
  type TestDatabase,
} from '../support/engines.js'
import { postgresProblem, requireService } from '../support/services.js'

/**
 * Each main read of the repositories uses the index docs/indexing.md says it
 * does. The statements are the ones the repositories issue (captured by an
 * engine wrapper), explained on a few thousand generated events. PostgreSQL
 * runs ANALYZE and then enable_seqscan = off: on tables this small a
 * sequential scan is cheapest and the plan would depend on the statistics;
 * with it off the planner still picks among the indexes by cost, so a lost
 * index still fails here.
 */
const EVENTS = 3_000
const END = 1_767_225_600
const DAY = 86_400
const HOUR = 3_600

interface PlanCase {
  name: string
  read: (repos: Repositories) => Promise<unknown>
  /** Which of the captured statements to explain (0: the first). */
  statement?: number
  /** Index the plan must use, per engine; a list: every one of them. */
  index: Record<EngineName, string | string[]>
  /** Words the plan must not contain, per engine. */
  absent?: Partial<Record<EngineName, string>>
}

const CASES: PlanCase[] = [
  {
    name: 'events/query without filters pages by start time',
    read: (r) => r.events.page({ filter: {}, sort: 'start_time_desc', limit: 51 }),
    index: { sqlite: 'events_start', postgres: 'events_start' },
  },
  {
    name: 'events/query with cameras, labels and after',
    read: (r) =>
      r.events.page({
        filter: {
          cameras: ['front_door', 'garden'],
          labels: ['person', 'car'],
          after: END - 7 * DAY,
        },
        sort: 'start_time_desc',
        limit: 51,
      }),
    // SQLite, without statistics, reads the labels' index and sorts;
    // PostgreSQL takes the cameras' from its statistics. Either: no scan.
    index: { sqlite: 'events_label_start', postgres: 'events_camera_start' },
  },
  {
    name: 'events/query for one camera since yesterday',
    read: (r) =>
      r.events.page({
        filter: { cameras: ['garage'], after: END - DAY },
        sort: 'start_time_desc',
        limit: 51,
      }),
    index: { sqlite: 'events_camera_start', postgres: 'events_camera_start' },
  },
  {
    name: 'events/query by person (face result or sub_label)',
    read: (r) =>
      r.events.page({
        filter: { persons: ['alice'] },
        sort: 'start_time_desc',
        limit: 51,
      }),
    index: {
      sqlite: ['events_person_start', 'events_sub_label_start'],
      postgres: ['events_person_start', 'events_sub_label_start'],
    },
  },
  {
    name: 'events/query by zone',
    read: (r) =>
      r.events.page({ filter: { zones: ['gate'] }, sort: 'start_time_desc', limit: 51 }),
    // SQLite walks events newest first and probes each one's zones by key.
    index: { sqlite: ['events_start', 'PRIMARY KEY'], postgres: 'event_zones_zone' },
  },
  {
    name: 'events/query sorted by score',
    read: (r) => r.events.page({ filter: {}, sort: 'score_desc', limit: 51 }),
    index: { sqlite: 'events_score', postgres: 'events_score' },
  },
  {
    name: 'events/query in progress',
    read: (r) =>
      r.events.page({ filter: { inProgress: true }, sort: 'start_time_desc', limit: 51 }),
    index: { sqlite: 'events_open', postgres: 'events_open' },
  },
  {
    name: 'events/query with q searches the words index',
    read: (r) =>
      r.events.page({
        filter: { words: ['parcel'] },
        sort: 'start_time_desc',
        limit: 51,
      }),
    index: { sqlite: 'events_fts', postgres: 'events_search' },
    // SQLite walks the index in time order (0006) and stops after the page.
    absent: { sqlite: 'TEMP B-TREE' },
  },
  {
    name: 'events/stats over 24 hours reads the hourly rollup',
    read: (r) => r.eventStats.totals({ after: END - DAY, before: END }, HOUR, {}),
    index: {
      sqlite: ['event_rollup_hourly', 'PRIMARY KEY'],
      postgres: 'event_rollup_hourly_pkey',
    },
  },
  {
    name: 'events/stats over 30 days reads the daily rollup',
    read: (r) => r.eventStats.totals({ after: END - 30 * DAY, before: END }, DAY, {}),
    index: {
      sqlite: ['event_rollup_daily', 'PRIMARY KEY'],
      postgres: 'event_rollup_daily_pkey',
    },
  },
  {
    name: 'events/get reads the event by id',
    read: (r) => r.events.get('1766000000.000000-000001'),
    index: { sqlite: 'sqlite_autoindex_events_1', postgres: 'events_pkey' },
  },
  {
    name: 'events/get reads the children of an event',
    read: (r) => r.events.children('1766000000.000000-000001'),
    index: { sqlite: 'events_parent', postgres: 'events_parent' },
  },
  {
    name: 'events/get reads the timeline',
    read: (r) => r.eventTimeline.forEvent('1766000000.000000-000001'),
    index: { sqlite: 'event_timeline_time', postgres: 'event_timeline_time' },
  },
  {
    name: 'events/get reads the recognition results',
    read: (r) => r.eventResults.forEvent('1766000000.000000-000001'),
    index: { sqlite: 'event_results_time', postgres: 'event_results_time' },
  },
  {
    name: 'events/get reads the review items that list the event',
    read: (r) => r.reviews.forEvent('1766000000.000000-000001'),
    index: { sqlite: 'review_values_value', postgres: 'review_values_value' },
  },
  {
    name: 'reviews/query for a camera pages by start time',
    read: (r) =>
      r.reviews.page({
        filter: { cameras: ['front_door'] },
        sort: 'start_time_desc',
        limit: 51,
      }),
    index: { sqlite: 'reviews_camera_start', postgres: 'reviews_camera_start' },
  },
  {
    name: 'deadletters/query by topic',
    read: (r) => r.deadLetters.query({ topic: 'frigate/events', limit: 51 }),
    index: { sqlite: 'dead_letters_topic', postgres: 'dead_letters_topic' },
  },
]

for (const name of ENGINE_NAMES) {
  describe(`query plans [${name}]`, function () {
    this.timeout(120_000)
    let database: TestDatabase | undefined
    let engine: Engine | undefined

    before(async function () {
      if (name === 'postgres') await requireService(this, postgresProblem())
      database = await createTestDatabase(name)
      engine = openEngine({ ...database.settings, readThreads: 0 })
      await engine.start()
      await engine.migrator.up()
      await load(engine)
    })

    after(async function () {
      await engine?.stop()
      await database?.drop()
    })

    for (const planCase of CASES) {
      it(`${planCase.name} uses ${String(planCase.index[name])}`, async function () {
        if (!engine) throw new Error('no engine')
        const statements = await capture(engine, planCase.read)
        const statement = statements[planCase.statement ?? 0]
        if (!statement) throw new Error('the read issued no statement')

        const plan = await explain(engine, statement)
        if (process.env.PRINT_PLANS) console.log(`${planCase.name}\n${plan}\n`)
        for (const index of [planCase.index[name]].flat()) {
          expect(plan, `plan of ${planCase.name}`).to.match(new RegExp(`\\b${index}\\b`))
        }
        const absent = planCase.absent?.[name]
        if (absent) expect(plan, `plan of ${planCase.name}`).not.to.include(absent)
      })
    }
  })
}

/** The bench's generator, a few thousand events over 90 days; PostgreSQL analyzed. */
async function load(engine: Engine): Promise<void> {
  const repos = createRepositories(engine)
  await engine.transaction((tx) =>
    writeBatch(tx, repos, generateBatch(0, EVENTS, EVENTS)),
  )
  if (engine.capabilities.kind !== 'postgres') return

  for (const table of ['events', 'event_zones', 'event_results', 'event_timeline']) {
    await engine.run(sql`ANALYZE ${raw(table)}`)
  }
}

/** Runs a repository read over an engine that records each query it is given. */
async function capture(
  engine: Engine,
  read: (repos: Repositories) => Promise<unknown>,
): Promise<Sql[]> {
  const statements: Sql[] = []
  const recording = new Proxy(engine, {
    get(target, property) {
      if (property === 'query') {
        return (statement: Sql) => {
          statements.push(statement)
          return target.query(statement)
        }
      }
      const value: unknown = Reflect.get(target, property, target)
      // Bound: the engine's methods reach its #private fields through `this`.
      return typeof value === 'function' ? (value as () => unknown).bind(target) : value
    },
  })
  await read(createRepositories(recording))

  return statements
}

interface PgPlanNode {
  'Node Type': string
  'Index Name'?: string
  'Relation Name'?: string
  'Scan Direction'?: string
  Plans?: PgPlanNode[]
}

/** One line per node of PostgreSQL's JSON plan, indented by depth. */
function planLines(node: PgPlanNode, depth: number): string[] {
  const index = node['Index Name'] ? ` using ${node['Index Name']}` : ''
  const backward = node['Scan Direction'] === 'Backward' ? ' Backward' : ''
  const relation = node['Relation Name'] ? ` on ${node['Relation Name']}` : ''
  const line = `${'  '.repeat(depth)}${node['Node Type']}${backward}${index}${relation}`

  return [line, ...(node.Plans ?? []).flatMap((child) => planLines(child, depth + 1))]
}

/** The plan as text: SQLite's EXPLAIN QUERY PLAN lines, PostgreSQL's nodes. */
async function explain(engine: Engine, statement: Sql): Promise<string> {
  if (engine.capabilities.kind === 'postgres') {
    return engine.transaction(async (tx) => {
      await tx.run(sql`SET LOCAL enable_seqscan = off`)
      const rows = await tx.query<{ 'QUERY PLAN': [{ Plan: PgPlanNode }] }>(
        sql`EXPLAIN (FORMAT JSON) ${statement}`,
      )
      const root = rows[0]?.['QUERY PLAN'][0].Plan
      return root ? planLines(root, 0).join('\n') : ''
    })
  }

  const rows = await engine.query<{ detail: string }>(
    sql`EXPLAIN QUERY PLAN ${statement}`,
  )

  return rows.map((row) => row.detail).join('\n')
}
