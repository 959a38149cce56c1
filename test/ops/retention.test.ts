import { Writable } from 'node:stream'
import { expect } from 'chai'
import { pino } from 'pino'
import { loadConfig } from '../../src/config/load-config.js'
import { DirectBatchWriter } from '../../src/ingest/batch-writer.js'
import type { Logger } from '../../src/log/logger.js'
import { Retention, type RetentionSettings } from '../../src/ops/retention.js'
import type { Engine, Executor } from '../../src/storage/engine.js'
import { ROLLUPS } from '../../src/storage/repositories/event-derived-state.js'
import { createRepositories } from '../../src/storage/repositories/repositories.js'
import type { PruneRequest } from '../../src/storage/repositories/retention-repository.js'
import { raw, sql } from '../../src/storage/sql.js'
import { describeEachEngine } from '../support/engines.js'
import { frigateMessage } from '../support/frigate.js'
import {
  applyMessages,
  faceResult,
  reviewMessage,
  type StreamMessage,
} from '../support/frigate-security.js'
import { silentLogger } from '../support/logger.js'
import { SeededRandom } from '../support/random.js'
import { readRollups, recompute } from '../support/rollups.js'
import { SwitchableEngine, unreachableEngine } from '../support/switchable-engine.js'
import { eventually, sleep } from '../support/e2e-wait.js'

const DAY = 86_400
const T0 = 1_718_928_000 // a UTC midnight
const CAMERAS = ['front_door', 'garden', 'driveway', 'garage']

/** Retention settings as the config schema completes them. */
function settings(retention: Record<string, unknown> = {}): RetentionSettings {
  return loadConfig({ env: {}, skipDefaultFile: true, overrides: { retention } })
    .retention
}

function frigateEvent(id: string, camera: string, start: number): StreamMessage {
  const message = frigateMessage('end', id, {
    camera,
    start_time: start,
    frame_time: start + 5,
    end_time: start + 5,
  })

  return { stream: 'frigate-event', message, receivedAt: start }
}

function ring(id: string, start: number): StreamMessage {
  const message = { event_id: id, event_type: 'doorbell_pressed', timestamp: start }

  return {
    stream: 'native-event',
    message: { ...message, source: 'doorbell' },
    receivedAt: start,
  }
}

/** Log lines as objects, to see what was logged and at which level. */
function capturingLogger(): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = []
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>)
      done()
    },
  })

  return { logger: pino({ level: 'debug' }, stream), lines }
}

interface Harness {
  retention: Retention
  /** Every chunk asked for, with how many rows it deleted. */
  chunks: { request: PruneRequest; count: number }[]
  setNow: (seconds: number) => void
}

describeEachEngine('Retention', (ctx) => {
  const repos = () => createRepositories(ctx().engine)
  const apply = (messages: StreamMessage[]) =>
    applyMessages(ctx().engine, repos(), messages)
  const eventRows = () =>
    ctx().engine.query<{ id: string; camera: string | null; start_time: number }>(
      sql`SELECT id, camera, start_time FROM events ORDER BY id`,
    )
  const count = async (table: string) => {
    const rows = await ctx().engine.query<{ n: number | string }>(
      sql`SELECT count(*) AS n FROM ${raw(table)}`,
    )
    return Number(rows[0]?.n)
  }

  function harness(
    retention: RetentionSettings,
    options: {
      engine?: Engine
      logger?: Logger
      firstRunDelayMs?: number
      onChunk?: (n: number) => void
    } = {},
  ): Harness {
    const engine = options.engine ?? ctx().engine
    const stores = createRepositories(engine)
    const writer = new DirectBatchWriter(engine, stores)
    const chunks: Harness['chunks'] = []
    let nowMs = 0

    return {
      retention: new Retention({
        settings: retention,
        prune: async (request) => {
          const deleted = await writer.prune(request)
          chunks.push({ request, count: deleted })
          options.onChunk?.(chunks.length)
          return deleted
        },
        cameras: (before) => stores.retention.camerasBefore(before),
        isOutage: (error) => engine.isOutage(error),
        logger: options.logger ?? silentLogger(),
        now: () => nowMs,
        firstRunDelayMs: options.firstRunDelayMs,
      }),
      chunks,
      setNow: (seconds) => (nowMs = seconds * 1000),
    }
  }

  const expectExactRollups = async (what: string) => {
    for (const rollup of ROLLUPS) {
      expect(
        await readRollups(ctx().engine, rollup.table),
        `${rollup.table} ${what}`,
      ).to.deep.equal(await recompute(ctx().engine, rollup.seconds))
    }
  }

  it('keeps the statistics exact while it deletes by camera and by age', async function () {
    this.timeout(60_000)
    const random = new SeededRandom(20_260_301)
    const days = { front_door: 45, driveway: 0.5, garage: null } as const
    const config = settings({ batchSize: 7, events: { days: 20, cameras: days } })
    const { retention, setNow } = harness(config)
    const keepDays = (camera: string | null): number | null =>
      camera !== null && Object.hasOwn(days, camera)
        ? days[camera as keyof typeof days]
        : 20
    let next = 0
    const someEvents = (from: number, to: number) =>
      Array.from({ length: 40 }, () => {
        const id = `ev-${next++}`
        const start = random.int(from, to) + random.next()
        if (random.chance(0.15)) return [ring(id, start)]
        const face = faceResult(id, random.pick(['alice', 'bob', null]), 0.9, start + 1)
        return [
          frigateEvent(id, random.pick(CAMERAS), start),
          { stream: 'frigate-object-update', message: face, receivedAt: start },
        ] satisfies StreamMessage[]
      }).flat()

    for (const nowDay of [30, 50, 61]) {
      const now = T0 + nowDay * DAY
      await apply(someEvents(T0, now))
      const before = await eventRows()

      setNow(now)
      await retention.run()
      const kept = before.filter((row) => {
        const keep = keepDays(row.camera)
        return keep === null || row.start_time >= now - keep * DAY
      })

      expect(
        (await eventRows()).map((row) => row.id),
        `day ${nowDay}`,
      ).to.deep.equal(kept.map((row) => row.id))
      expect(retention.stats.deleted.events).to.equal(before.length - kept.length)
      expect(before.length - kept.length, 'something to delete').to.be.above(0)
      await expectExactRollups(`at day ${nowDay}`)
    }
  })

  it('lets a camera’s own days win over the default, in both directions', async () => {
    const now = T0 + 400 * DAY
    await apply([
      frigateEvent('front-10d', 'front_door', now - 10 * DAY),
      frigateEvent('front-3d', 'front_door', now - 3 * DAY),
      frigateEvent('garden-10d', 'garden', now - 10 * DAY),
      frigateEvent('garden-40d', 'garden', now - 40 * DAY),
      frigateEvent('garage-399d', 'garage', now - 399 * DAY),
      frigateEvent('yard-40d', 'yard', now - 40 * DAY),
      ring('ring-40d', now - 40 * DAY),
    ])
    const config = settings({
      events: { days: 30, cameras: { front_door: 5, garage: null, yard: 60 } },
    })
    const { retention, setNow } = harness(config)

    setNow(now)
    await retention.run()

    expect((await eventRows()).map((row) => row.id)).to.deep.equal([
      'front-3d',
      'garage-399d',
      'garden-10d',
      'yard-40d',
    ])
    expect(retention.stats.deleted).to.deep.equal({
      events: 3,
      reviews: 0,
      deadLetters: 0,
      audit: 0,
    })
  })

  it('deletes nothing but old dead letters with the default settings', async () => {
    const now = T0 + 1000 * DAY
    await apply([
      frigateEvent('old', 'garden', T0),
      { stream: 'frigate-review', message: reviewMessage('end', 'r1'), receivedAt: T0 },
    ])
    await ctx().engine.transaction(async (tx) => {
      await repos().audit.insert(tx, [
        {
          time: T0,
          actor: 'a',
          action: 'enroll',
          targetType: 'person',
          targetId: '1',
          details: {},
        },
      ])
      await repos().deadLetters.insert(
        tx,
        [now - 31 * DAY, now - 29 * DAY].map((receivedAt, i) => ({
          messageKey: `inbox:${i}`,
          topic: 'frigate/events',
          payload: Buffer.from('{'),
          size: 1,
          truncated: false,
          reason: 'not JSON',
          receivedAt,
        })),
      )
    })
    const { retention, setNow } = harness(settings())

    setNow(now)
    await retention.run()

    expect(retention.stats.deleted).to.deep.equal({
      events: 0,
      reviews: 0,
      deadLetters: 1,
      audit: 0,
    })
    expect([
      await count('events'),
      await count('reviews'),
      await count('audit_log'),
      await count('dead_letters'),
    ]).to.deep.equal([1, 1, 1, 1])
  })

  it('deletes in chunks of batchSize, each its own transaction, until all are gone', async () => {
    const now = T0 + 100 * DAY
    await apply([
      ...Array.from({ length: 9 }, (_, i) => frigateEvent(`g${i}`, 'garden', T0 + i)),
      ...Array.from({ length: 3 }, (_, i) => ring(`ring-${i}`, T0 + i)),
      ...Array.from({ length: 5 }, (_, i) => ({
        stream: 'frigate-review' as const,
        message: reviewMessage('end', `r${i}`, { start_time: T0 + i, end_time: T0 + i }),
        receivedAt: T0,
      })),
      frigateEvent('recent', 'garden', now - DAY),
    ])
    const transactions = countingTransactions(ctx().engine)
    const config = settings({
      batchSize: 2,
      events: { days: 30 },
      reviews: { days: 30 },
      deadLetters: { days: null },
    })
    const { retention, chunks, setNow } = harness(config, { engine: transactions.engine })

    setNow(now)
    await retention.run()
    const counts = (store: string, camera?: string | null) =>
      chunks
        .filter((c) => c.request.store === store && c.request.camera === camera)
        .map((c) => c.count)

    expect(counts('events', 'garden')).to.deep.equal([2, 2, 2, 2, 1])
    expect(counts('events', null)).to.deep.equal([2, 1])
    expect(counts('reviews')).to.deep.equal([2, 2, 1])
    expect(transactions.count()).to.equal(chunks.length)
    expect(chunks.every((c) => c.request.limit === 2)).to.equal(true)
    expect((await eventRows()).map((row) => row.id)).to.deep.equal(['recent'])
    expect(await count('reviews')).to.equal(0)
    expect(await count('review_values')).to.equal(0)
    await expectExactRollups('after chunks')
  })

  it('lets an ingest batch asked for during a chunk in before the next one', async () => {
    const now = T0 + 100 * DAY
    await apply(
      Array.from({ length: 20 }, (_, i) => frigateEvent(`g${i}`, 'garden', T0 + i)),
    )
    const writer = new DirectBatchWriter(ctx().engine, repos())
    const payload = Buffer.from(
      JSON.stringify(frigateEvent('new', 'garden', now).message),
    )
    const entry = {
      seq: 1,
      kind: 'frigate-event',
      topic: 'frigate/events',
      payload,
      size: payload.length,
      reason: null,
      receivedAt: now,
    }
    const order: string[] = []
    let chunks = 0
    let written: Promise<unknown> | undefined
    const retention = new Retention({
      settings: settings({
        batchSize: 2,
        events: { days: 30 },
        deadLetters: { days: null },
      }),
      prune: (request) => {
        chunks++
        const chunk = writer.prune(request)
        // As the applier would: a batch arrives while the first chunk runs.
        written ??= writer
          .write({ inboxId: 'inbox-a', entries: [entry] })
          .then(() => order.push(`write done after chunk ${chunks}`))
        return chunk
      },
      cameras: (before) => repos().retention.camerasBefore(before),
      isOutage: () => false,
      logger: silentLogger(),
      now: () => now * 1000,
    })

    await retention.run()
    order.push(`run done after chunk ${chunks}`)
    await written

    expect(order[0]).to.match(/^write done after chunk [12]$/)
    expect(order[1]).to.equal('run done after chunk 11')
    expect((await eventRows()).map((row) => row.id)).to.deep.equal(['new'])
  })

  it('stops after the chunk in progress when stopped', async () => {
    await apply(
      Array.from({ length: 10 }, (_, i) => frigateEvent(`g${i}`, 'garden', T0 + i)),
    )
    let stopping: Promise<void> | undefined
    const config = settings({ batchSize: 1, events: { days: 1 } })
    const { retention, chunks, setNow } = harness(config, {
      onChunk: (n) => {
        if (n === 3) stopping = retention.stop()
      },
    })

    setNow(T0 + 10 * DAY)
    await retention.run()
    await stopping

    expect(chunks).to.have.length(3)
    expect(await eventRows()).to.have.length(7)
    expect(retention.stats).to.include({ lastError: null })
    expect(retention.stats.deleted.events).to.equal(3)
  })

  it('logs a warning when the database is away and deletes at the next run', async () => {
    await apply([frigateEvent('old', 'garden', T0)])
    const away = unreachableEngine()
    const switchable = new SwitchableEngine(away)
    const { logger, lines } = capturingLogger()
    const config = settings({ events: { days: 1 } })
    const { retention, setNow } = harness(config, { engine: switchable, logger })
    setNow(T0 + 10 * DAY)

    try {
      await retention.run()
      const failed = { ...retention.stats }
      switchable.current = ctx().engine
      await retention.run()

      expect(failed.lastError).to.be.a('string').and.not.equal('')
      expect(failed.deleted.events).to.equal(0)
      expect(lines.filter((l) => l.level === 40).map((l) => l.msg)).to.deep.equal([
        'retention run failed; the next run tries again',
      ])
      expect(retention.stats.lastError).to.equal(null)
      expect(retention.stats.deleted.events).to.equal(1)
      expect(lines.filter((l) => l.level === 30).map((l) => l.deleted)).to.deep.equal([
        { events: 1, reviews: 0, deadLetters: 0, audit: 0 },
      ])
    } finally {
      await away.stop()
    }
  })

  it('runs after the first delay, then every intervalMinutes until stopped', async () => {
    await apply([frigateEvent('old', 'garden', T0)])
    const config = settings({ intervalMinutes: 0.001, events: { days: 1 } }) // 60 ms
    const { retention, chunks, setNow } = harness(config, { firstRunDelayMs: 100 })
    setNow(T0 + 10 * DAY)
    const started = performance.now()

    try {
      retention.start()
      await sleep(50)
      const early = chunks.length
      // Each run has a dead letters pass; the first one an events pass too.
      await eventually(() => expect(chunks).to.have.length.at.least(4), { intervalMs: 5 })
      const elapsed = performance.now() - started
      await retention.stop()
      const stoppedWith = chunks.length
      await sleep(200)

      expect(early).to.equal(0)
      // The first run at 100 ms, two more at least 60 ms apart.
      expect(elapsed).to.be.at.least(220)
      expect(chunks.length).to.equal(stoppedWith)
      expect(chunks[0]?.count).to.equal(1)
      expect(await eventRows()).to.deep.equal([])
    } finally {
      await retention.stop()
    }
  })
})

/** The engine, counting the transactions begun through it. */
function countingTransactions(engine: Engine): { engine: Engine; count(): number } {
  let begun = 0
  const counting = new Proxy(engine, {
    get(target, property) {
      if (property === 'transaction') {
        return (work: (tx: Executor) => Promise<unknown>) => {
          begun++
          return target.transaction(work)
        }
      }
      const value: unknown = Reflect.get(target, property, target)
      // Bound: the engine's methods reach its #private fields through `this`.
      return typeof value === 'function' ? (value as () => unknown).bind(target) : value
    },
  })

  return { engine: counting, count: () => begun }
}
