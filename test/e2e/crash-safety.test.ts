import { expect } from 'chai'
import Database from 'better-sqlite3'
import type { MqttClient } from 'mqtt'
import type { Socket } from 'node:net'
import type { Engine } from '../../src/storage/engine.js'
import { openEngine } from '../../src/storage/open-engine.js'
import { childHarness, type ChildHarness } from '../support/e2e-child-service.js'
import { exitWithin } from '../support/e2e-child.js'
import { checkedRequest } from '../support/e2e-contract.js'
import { describeMatrix } from '../support/e2e-service.js'
import { countRows, storedEventIds } from '../support/e2e-rows.js'
import { eventually } from '../support/e2e-wait.js'
import { ENGINE_NAMES } from '../support/engines.js'
import { frigateMessage } from '../support/frigate.js'
import { connectClient } from '../support/mqtt-client.js'

// Mosquitto drops QoS 1 messages past max_queued_messages (1000 by default)
// for one client, online or not; a larger stream would test its config.
const STREAM_SIZE = { aedes: 3000, mosquitto: 900 }

// No flush by size, one every 1.5 s by time: the stream is sent in three
// parts. The first is applied; the second (IN_INBOX) is acknowledged into
// the inbox and waits for the flush; the kill lands while the third is being
// delivered. A restart has to take every recovery path: skip what the
// database holds, apply the inbox, receive the broker's redeliveries.
const INGEST = { batchSize: 10_000, flushIntervalMs: 1500 }
const IN_INBOX = 200

describeMatrix(
  'crash safety of the service process',
  { engines: ENGINE_NAMES },
  (env) => {
    let harness: ChildHarness | undefined
    let publisher: MqttClient | undefined
    let reader: Engine | undefined

    afterEach(async function () {
      await publisher?.endAsync()
      await reader?.stop()
      await harness?.close()
      publisher = reader = harness = undefined
    })

    it('stores every event exactly once when the service is killed mid-stream', async function () {
      this.timeout(60_000)
      const { broker, engine } = env()
      const n = STREAM_SIZE[broker.name]
      const ids = Array.from(
        { length: n },
        (_, i) => `${1_718_987_128 + i}.5-${i.toString(36)}`,
      )
      const h = (harness = await childHarness(broker, engine, { ingest: INGEST }))
      const base = h.names.baseTopic
      const first = await h.start()
      const db = (reader = openEngine(h.database.settings))
      await db.start()
      const client = (publisher = await connectClient(broker.url))
      ;(client.stream as Socket).setNoDelay(true)
      const stream = new EventStream(client, `${h.names.frigatePrefix}/events`, ids)
      const applied = Math.floor(n / 3)
      const inInbox = applied + IN_INBOX

      await stream.publish(0, applied)
      await ingestReaches(client, base, { received: applied, applied })
      await stream.publish(applied, inInbox)
      const atKill = await ingestReaches(client, base, { received: inInbox, applied })
      const rest = stream.publish(inInbox, n)
      await eventually(() =>
        expect(stream.acks).to.be.at.least(inInbox + (n - inInbox) / 5),
      )
      const mark = h.availability.messages.length
      first.process.kill('SIGKILL')
      await exitWithin(first, 5000)
      const leftInInbox = inboxCount(h.inboxPath)
      await h.availability.next('offline', mark)
      await rest

      await h.start()
      await eventually(async () => expect(await countRows(db, 'events')).to.equal(n), {
        timeoutMs: 30_000,
        intervalMs: 100,
      })
      const stored = await storedEventIds(db)
      const paged = await pageAllIds(client, base)
      const after = await checkedRequest(client, base, 'health')

      expect(atKill.pending, 'killed with entries in the inbox').to.equal(IN_INBOX)
      expect(leftInInbox).to.be.at.least(IN_INBOX)
      expect(stored).to.deep.equal([...ids].sort())
      expect(paged.sort()).to.deep.equal([...ids].sort())
      expect(await countRows(db, 'dead_letters')).to.equal(0)
      expect(after.data.ingest.pending).to.equal(0)
    })
  },
)

/** Distinct Frigate events at QoS 1 from one publisher that stays connected. */
class EventStream {
  /** PUBACKs from the broker so far. */
  acks = 0
  readonly #client: MqttClient
  readonly #topic: string
  readonly #ids: string[]

  constructor(client: MqttClient, topic: string, ids: string[]) {
    this.#client = client
    this.#topic = topic
    this.#ids = ids
  }

  /** Publishes ids[from..to) and resolves when the broker has them all. */
  async publish(from: number, to: number): Promise<void> {
    const sends = this.#ids.slice(from, to).map(async (id, i) => {
      const message = frigateMessage('new', id, { start_time: 1_718_987_128 + from + i })
      await this.#client.publishAsync(this.#topic, JSON.stringify(message), { qos: 1 })
      this.acks++
    })

    await Promise.all(sends)
  }
}

/** Polls health until the service's ingest counters show `expected`. */
async function ingestReaches(
  client: MqttClient,
  base: string,
  expected: { received: number; applied: number },
) {
  const check = async () => {
    const { ingest } = (await checkedRequest(client, base, 'health')).data
    expect(ingest).to.include(expected)
    return ingest
  }

  return eventually(check, { timeoutMs: 20_000, intervalMs: 0 })
}

/** Entries in an inbox whose process is gone (a live one holds it exclusively). */
function inboxCount(path: string): number {
  const db = new Database(path, { readonly: true, fileMustExist: true })

  try {
    return (db.prepare('SELECT count(*) AS n FROM inbox').get() as { n: number }).n
  } finally {
    db.close()
  }
}

/** Every event id through events/query, page by page. */
async function pageAllIds(client: MqttClient, base: string): Promise<string[]> {
  const ids: string[] = []
  let cursor: string | null = null

  do {
    const body: Record<string, unknown> = { limit: 500, sort: 'start_time_asc' }
    if (cursor) body.cursor = cursor
    const reply = await checkedRequest(client, base, 'events/query', body)
    expect(reply.status, JSON.stringify(reply.error)).to.equal('ok')
    ids.push(...reply.data.events.map((e) => e.id))
    cursor = reply.data.next_cursor
  } while (cursor)

  return ids
}
