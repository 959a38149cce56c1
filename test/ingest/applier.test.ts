import { expect } from 'chai'
import { DirectBatchWriter } from '../../src/ingest/batch-writer.js'
import { Applier, type ApplierOptions } from '../../src/ingest/applier.js'
import { Inbox, type InboxEntry, type NewInboxEntry } from '../../src/ingest/inbox.js'
import { IngestHandler } from '../../src/ingest/ingest-handler.js'
import type { Engine } from '../../src/storage/engine.js'
import { openEngine } from '../../src/storage/open-engine.js'
import {
  createRepositories,
  type Repositories,
} from '../../src/storage/repositories/repositories.js'
import { sql } from '../../src/storage/sql.js'
import { SchemaRegistry } from '../../src/validation/schema-registry.js'
import { describeEachEngine } from '../support/engines.js'
import { frigateMessage } from '../support/frigate.js'
import { silentLogger } from '../support/logger.js'
import { rejectionOf } from '../support/rejection.js'
import { SwitchableEngine, unreachableEngine } from '../support/switchable-engine.js'
import { createTempInbox, type TempInbox } from '../support/temp-inbox.js'
import { settlesSoon, waitUntil } from '../support/wait.js'

const schemas = new SchemaRegistry()

/** An inbox that never forgets: the process died after the commit, before the delete. */
class CrashBeforeRemoveInbox extends Inbox {
  override removeThrough(): void {}
}

function frigateEntry(id: string, receivedAt = 1_718_990_000): NewInboxEntry {
  const payload = Buffer.from(JSON.stringify(frigateMessage('new', id)))

  return {
    kind: 'frigate-event',
    topic: 'frigate/events',
    payload,
    size: payload.length,
    reason: null,
    receivedAt,
  }
}

function craftedEntry(kind: string, payload: string): NewInboxEntry {
  return {
    kind,
    topic: 'frigate/events',
    payload: Buffer.from(payload),
    size: Buffer.byteLength(payload),
    reason: null,
    receivedAt: 1_718_990_000,
  }
}

async function count(engine: Engine, table: 'events' | 'dead_letters'): Promise<number> {
  const query =
    table === 'events'
      ? sql`SELECT count(*) AS n FROM events`
      : sql`SELECT count(*) AS n FROM dead_letters`
  const rows = await engine.query<{ n: number | string }>(query)

  return Number(rows[0]?.n ?? 0)
}

async function eventIds(engine: Engine): Promise<string[]> {
  const rows = await engine.query<{ id: string }>(sql`SELECT id FROM events ORDER BY id`)

  return rows.map((row) => row.id)
}

describeEachEngine('Applier', (ctx) => {
  // Nested, so these hooks run inside the engine's: the applier stops first.
  describe('over a temp inbox', () => {
    let temp: TempInbox
    let engine: SwitchableEngine
    let repos: Repositories
    let appliedBatches: number[]
    const appliers: Applier[] = []
    const extraEngines: Engine[] = []

    const newApplier = (overrides: Partial<ApplierOptions> = {}) => {
      const applier = new Applier({
        inbox: temp.inbox,
        writer: new DirectBatchWriter(engine, repos),
        batchSize: 4,
        flushIntervalMs: 5,
        retryMaxMs: 20,
        maxPending: 1000,
        logger: silentLogger(),
        onApplied: (entries: readonly InboxEntry[]) =>
          appliedBatches.push(entries.length),
        ...overrides,
      })
      appliers.push(applier)
      return applier
    }

    const handlerFor = (applier: Applier) =>
      new IngestHandler({
        inbox: temp.inbox,
        schemas,
        maxPayloadBytes: 1024,
        onAppended: () => applier.notify(),
        logger: silentLogger(),
      })

    beforeEach(() => {
      temp = createTempInbox()
      engine = new SwitchableEngine(ctx().engine)
      repos = createRepositories(engine)
      appliedBatches = []
    })

    afterEach(async () => {
      engine.current = ctx().engine
      while (appliers.length > 0) await appliers.pop()?.stop()
      while (extraEngines.length > 0) await extraEngines.pop()?.stop()
      temp.remove()
    })

    it('applies what waits at start in batches and records the offset', async () => {
      const seqs = Array.from({ length: 10 }, (_, i) =>
        temp.inbox.append(frigateEntry(`obj-${String(i).padStart(2, '0')}`)),
      )
      const applier = newApplier()

      await applier.start()

      expect(appliedBatches).to.deep.equal([4, 4, 2])
      expect(await count(engine, 'events')).to.equal(10)
      expect(await repos.ingestOffsets.get(temp.inbox.id)).to.equal(seqs[9])
      expect(temp.inbox.pending).to.equal(0)
      expect(applier.stats).to.include({ applied: 10, lastBatchSize: 2, lastError: null })
    })

    it('applies a full batch without waiting for flushIntervalMs', async () => {
      const applier = newApplier({ flushIntervalMs: 60_000 })
      const handler = handlerFor(applier)
      await applier.start()

      for (const id of ['a', 'b', 'c', 'd']) {
        handler.accept('frigate/events', 'frigate-event', frigateEntry(id).payload)
      }
      await waitUntil('the full batch', () => temp.inbox.pending === 0, 2000)

      expect(appliedBatches).to.deep.equal([4])
      expect(await eventIds(engine)).to.deep.equal(['a', 'b', 'c', 'd'])
    })

    it('applies fewer than batchSize entries once flushIntervalMs has passed', async () => {
      const applier = newApplier({ flushIntervalMs: 300 })
      const handler = handlerFor(applier)
      await applier.start()
      const started = performance.now()

      handler.accept('frigate/events', 'frigate-event', frigateEntry('a').payload)
      handler.accept('frigate/events', 'frigate-event', frigateEntry('b').payload)
      await new Promise((resolve) => setTimeout(resolve, 100))
      const early = await count(engine, 'events')
      await waitUntil('the flush', () => temp.inbox.pending === 0, 2000)

      expect(early).to.equal(0)
      expect(performance.now() - started).to.be.at.least(290)
      expect(appliedBatches).to.deep.equal([2])
    })

    it('applies nothing twice when restarted on entries it already committed', async () => {
      temp.inbox.stop()
      const crashing = new CrashBeforeRemoveInbox(temp.path)
      crashing.start()
      temp.inbox = crashing
      const first = newApplier()
      handlerFor(first).accept('frigate/events', 'frigate-event', Buffer.from('not json'))
      for (const id of ['a', 'b', 'c']) crashing.append(frigateEntry(id))
      await first.start()
      await first.stop()
      const committed = await repos.ingestOffsets.get(crashing.id)
      // Emptied behind the applier's back: anything applied again would reappear.
      await engine.transaction(async (tx) => {
        await tx.run(sql`DELETE FROM events`)
        await tx.run(sql`DELETE FROM dead_letters`)
      })

      const reopened = temp.reopen()
      const leftOver = reopened.pending
      appliedBatches = []
      const second = newApplier()
      await second.start()

      expect(leftOver).to.equal(4)
      expect(committed).to.be.at.least(4)
      expect(reopened.pending).to.equal(0)
      expect(appliedBatches).to.deep.equal([])
      expect(second.stats.applied).to.equal(0)
      expect(await count(engine, 'events')).to.equal(0)
      expect(await count(engine, 'dead_letters')).to.equal(0)

      expect(reopened.append(frigateEntry('d'))).to.be.above(committed)
      await second.stop()
      expect(await eventIds(engine)).to.deep.equal(['d'])
    })

    it('applies a new entry after a restart on an emptied inbox', async () => {
      for (const id of ['a', 'b', 'c']) temp.inbox.append(frigateEntry(id))
      const first = newApplier()
      await first.start()
      await first.stop()
      const committed = await repos.ingestOffsets.get(temp.inbox.id)

      const reopened = temp.reopen()
      const second = newApplier()
      await second.start()
      const seq = reopened.append(frigateEntry('d'))
      await second.stop()

      expect(seq).to.be.above(committed)
      expect(await eventIds(engine)).to.deep.equal(['a', 'b', 'c', 'd'])
      expect(reopened.pending).to.equal(0)
    })

    it('dead-letters poison entries and applies the rest of the batch', async () => {
      temp.inbox.append(frigateEntry('a'))
      // No start_time: the database refuses the row (NOT NULL).
      const refusedSeq = temp.inbox.append(
        craftedEntry(
          'frigate-event',
          JSON.stringify({
            type: 'new',
            after: { id: 'p', camera: 'c', label: 'l', frame_time: 1 },
          }),
        ),
      )
      temp.inbox.append(frigateEntry('b'))
      temp.inbox.append(craftedEntry('frigate-event', '{"type":"new"}'))
      temp.inbox.append(craftedEntry('face-embedding', '{}'))
      const lastSeq = temp.inbox.append(frigateEntry('c'))
      const applier = newApplier({ batchSize: 10 })

      await applier.start()
      const letters = await repos.deadLetters.query({ limit: 10 })
      const reasons = letters.map((l) => l.reason).reverse()

      expect(await eventIds(engine)).to.deep.equal(['a', 'b', 'c'])
      expect(reasons).to.have.length(3)
      expect(reasons[0]).to.match(/^the database refused it: /)
      expect(reasons[1]).to.match(/^could not be mapped: /)
      expect(reasons[2]).to.equal('unknown inbox kind face-embedding')
      expect(letters.at(-1)?.messageKey).to.equal(`${temp.inbox.id}:${refusedSeq}`)
      expect(await repos.ingestOffsets.get(temp.inbox.id)).to.equal(lastSeq)
      expect(temp.inbox.pending).to.equal(0)
      expect(applier.stats.lastError).to.equal(null)
    })

    it('dead-letters a native event whose valid timestamp has no unix time', async () => {
      const applier = newApplier()
      const handler = handlerFor(applier)
      const event = (id: string, timestamp: string) =>
        Buffer.from(
          JSON.stringify({
            event_id: id,
            event_type: 'motion',
            timestamp,
            source: 'doorbell',
          }),
        )
      // Both pass the schema's date-time format (RFC 3339); Date.parse reads neither.
      handler.accept(
        'doorbell-storage/ingest/event',
        'native-event',
        event('hour', '2024-06-21T16:25:28+02'),
      )
      handler.accept(
        'doorbell-storage/ingest/event',
        'native-event',
        event('leap', '2016-12-31T23:59:60Z'),
      )
      handler.accept(
        'doorbell-storage/ingest/event',
        'native-event',
        event('fine', '2024-06-21T16:25:28Z'),
      )

      await applier.start()
      const starts = await engine.query<{ id: string; start_time: number }>(
        sql`SELECT id, start_time FROM events ORDER BY id`,
      )
      const letters = await repos.deadLetters.query({ limit: 10 })

      expect(handler.counters.deadLettered).to.equal(0)
      expect(starts).to.deep.equal([{ id: 'fine', start_time: 1_718_987_128 }])
      expect(letters.map((l) => l.reason)).to.have.length(2)
      for (const letter of letters)
        expect(letter.reason).to.match(/^could not be mapped: .*timestamp/)
    })

    it('stores dead letters from the accept step with their size and truncation', async () => {
      const applier = newApplier()
      const handler = handlerFor(applier)
      const big = Buffer.from(
        JSON.stringify(frigateMessage('new', 'big', { pad: 'x'.repeat(3000) })),
      )
      handler.accept('frigate/events', 'frigate-event', big)
      handler.accept('frigate/events', 'frigate-event', Buffer.from([0xff, 0x00, 0xfe]))

      await applier.start()
      const [binary, truncated] = await repos.deadLetters.query({ limit: 10 })

      expect(truncated).to.include({
        size: big.length,
        truncated: true,
        topic: 'frigate/events',
      })
      expect(truncated?.payload).to.deep.equal(big.subarray(0, 1024))
      expect(truncated?.reason).to.match(/exceeds ingest\.maxPayloadBytes/)
      expect(binary).to.include({ size: 3, truncated: false })
      expect(binary?.payload).to.deep.equal(Buffer.from([0xff, 0x00, 0xfe]))
      expect(binary?.reason).to.match(/^not valid JSON/)
    })

    it('keeps entries and sets lastError while the database is unreachable', async () => {
      const applier = newApplier()
      const handler = handlerFor(applier)
      await applier.start()
      const unreachable = unreachableEngine()
      extraEngines.push(unreachable)
      engine.current = unreachable

      for (const id of ['a', 'b', 'c']) {
        handler.accept('frigate/events', 'frigate-event', frigateEntry(id).payload)
      }
      await waitUntil('lastError', () => applier.stats.lastError !== null)
      const pendingWhileDown = temp.inbox.pending
      engine.current = ctx().engine
      await waitUntil('the drain', () => temp.inbox.pending === 0)

      expect(pendingWhileDown).to.equal(3)
      expect(applier.stats.lastError).to.equal(null)
      expect(await eventIds(engine)).to.deep.equal(['a', 'b', 'c'])
      expect(await count(engine, 'dead_letters')).to.equal(0)
    })

    it('keeps entries and sets lastError once its engine is stopped', async () => {
      const own = openEngine(ctx().database.settings)
      await own.start()
      const applier = newApplier({
        writer: new DirectBatchWriter(own, createRepositories(own)),
      })
      const handler = handlerFor(applier)
      await applier.start()

      await own.stop()
      handler.accept('frigate/events', 'frigate-event', frigateEntry('a').payload)
      await waitUntil('lastError', () => applier.stats.lastError !== null)
      await applier.stop()

      expect(temp.inbox.pending).to.equal(1)
      expect(await count(engine, 'events')).to.equal(0)
      expect(await count(engine, 'dead_letters')).to.equal(0)
    })

    it('fails to start and keeps the inbox when the database is unreachable', async () => {
      temp.inbox.append(frigateEntry('a'))
      const unreachable = unreachableEngine()
      extraEngines.push(unreachable)
      const applier = newApplier({
        writer: new DirectBatchWriter(unreachable, createRepositories(unreachable)),
      })

      await rejectionOf(applier.start())

      expect(temp.inbox.pending).to.equal(1)
    })

    it('holds acknowledgements past maxPending and releases them after the drain', async () => {
      const applier = newApplier({ maxPending: 3 })
      const handler = handlerFor(applier)
      await applier.start()
      const unreachable = unreachableEngine()
      extraEngines.push(unreachable)
      engine.current = unreachable

      handler.accept('frigate/events', 'frigate-event', frigateEntry('a').payload)
      handler.accept('frigate/events', 'frigate-event', frigateEntry('b').payload)
      const roomAtTwo = applier.waitForRoom()
      handler.accept('frigate/events', 'frigate-event', frigateEntry('c').payload)
      const wait = applier.waitForRoom()
      const heldWhileDown = wait !== undefined && !(await settlesSoon(wait, 100))
      const pausedWhileDown = applier.stats.paused
      engine.current = ctx().engine

      await wait
      expect(roomAtTwo).to.equal(undefined)
      expect(heldWhileDown).to.equal(true)
      expect(pausedWhileDown).to.equal(true)
      expect(applier.stats.paused).to.equal(false)
      expect(temp.inbox.pending).to.be.below(3)
      expect(applier.waitForRoom()).to.equal(undefined)
    })

    it('releases held acknowledgements when it stops', async () => {
      const applier = newApplier({ maxPending: 1 })
      await applier.start()
      const unreachable = unreachableEngine()
      extraEngines.push(unreachable)
      engine.current = unreachable
      handlerFor(applier).accept(
        'frigate/events',
        'frigate-event',
        frigateEntry('a').payload,
      )
      const wait = applier.waitForRoom()

      await applier.stop()

      expect(wait).to.not.equal(undefined)
      expect(await settlesSoon(wait ?? Promise.reject(new Error('no wait')))).to.equal(
        true,
      )
      expect(temp.inbox.pending).to.equal(1)
    })

    it('applies what waits when it stops', async () => {
      const applier = newApplier({ flushIntervalMs: 60_000 })
      await applier.start()
      temp.inbox.append(frigateEntry('a'))
      applier.notify()

      await applier.stop()

      expect(await eventIds(engine)).to.deep.equal(['a'])
      expect(temp.inbox.pending).to.equal(0)
    })
  })
})
