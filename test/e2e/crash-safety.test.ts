import { expect } from 'chai'
import Database from 'better-sqlite3'
import type { MqttClient } from 'mqtt'
import type { Socket } from 'node:net'
import type { Engine } from '../../src/storage/engine.js'
import { openEngine } from '../../src/storage/open-engine.js'
import { sql } from '../../src/storage/sql.js'
import { childHarness, type ChildHarness } from '../support/e2e-child-service.js'
import { exitWithin } from '../support/e2e-child.js'
import { checkResponse } from '../support/e2e-contract.js'
import { describeMatrix } from '../support/e2e-service.js'
import { eventually } from '../support/e2e-wait.js'
import { ENGINE_NAMES } from '../support/engines.js'
import { frigateMessage } from '../support/frigate.js'
import { connectClient, request } from '../support/mqtt-client.js'

// Mosquitto drops QoS 1 messages past max_queued_messages (1000 by default)
// for one client, online or not; a larger stream would test its config.
const STREAM_SIZE = { aedes: 3000, mosquitto: 900 }

// No flush by size, one a second by time: the stream is sent in three
// parts. The first is applied; the second (IN_INBOX) is acknowledged into
// the inbox and waits for the flush; the kill lands while the third is being
// delivered. A restart has to take every recovery path: skip what the
// database holds, apply the inbox, receive the broker's redeliveries.
const INGEST = { batchSize: 10_000, flushIntervalMs: 1000 }
const IN_INBOX = 200

describeMatrix('crash safety of the service process', { engines: ENGINE_NAMES }, (env) => {
  let harness: ChildHarness | undefined
  let publisher: MqttClient | undefined
  let reader: Engine | undefined

  afterEach(async function () {
    await publisher?.endAsync()
    await reader?.stop()
    await harness?.close()
    publisher = reader = harness = undefined
  })

  async function count(table: 'events' | 'dead_letters'): Promise<number> {
    const from = table === 'events' ? sql`events` : sql`dead_letters`
    const rows = await reader!.query<{ n: number | string }>(
      sql`SELECT count(*) AS n FROM ${from}`,
    )

    return Number(rows[0]?.n)
  }

  async function health(client: MqttClient, base: string) {
    const reply = checkResponse('health', await request(client, 'health', {}, { base }))

    return reply.data as { ingest: { received: number; applied: number; pending: number } }
  }

  it('stores every event exactly once when the service is killed mid-stream', async function () {
    this.timeout(60_000)
    const { broker, engine } = env()
    const n = STREAM_SIZE[broker.name]
    const ids = Array.from({ length: n }, (_, i) => `${1_718_987_128 + i}.5-${i.toString(36)}`)
    const h = await childHarness(broker, engine, { ingest: INGEST })
    harness = h
    const base = h.names.baseTopic
    const first = await h.start()
    reader = openEngine(h.database.settings)
    await reader.start()
    const client = await connectClient(broker.url)
    publisher = client
    ;(client.stream as Socket).setNoDelay(true)

    let brokerAcks = 0
    const publish = (from: number, to: number) =>
      Promise.all(
        ids.slice(from, to).map(async (id, i) => {
          const message = frigateMessage('new', id, { start_time: 1_718_987_128 + from + i })
          const topic = `${h.names.frigatePrefix}/events`
          await client.publishAsync(topic, JSON.stringify(message), { qos: 1 })
          brokerAcks++
        }),
      )
    const ingestState = async (expected: { received: number; applied: number }) =>
      eventually(
        async () => {
          const { ingest } = await health(client, base)
          expect(ingest).to.include(expected)
          return ingest
        },
        { timeoutMs: 20_000, intervalMs: 0 },
      )
    const applied = Math.floor(n / 3)
    const inInbox = applied + IN_INBOX

    await publish(0, applied)
    await ingestState({ received: applied, applied })
    await publish(applied, inInbox)
    const atKill = await ingestState({ received: inInbox, applied })
    const rest = publish(inInbox, n)
    await eventually(() => expect(brokerAcks).to.be.at.least(inInbox + (n - inInbox) / 4))
    const mark = h.availability.messages.length
    first.process.kill('SIGKILL')
    await exitWithin(first, 5000)
    const leftInInbox = inboxCount(h.inboxPath)
    await h.availability.next('offline', mark)
    await rest

    await h.start()
    await eventually(async () => expect(await count('events')).to.equal(n), {
      timeoutMs: 30_000,
      intervalMs: 100,
    })
    const rows = await reader.query<{ id: string }>(sql`SELECT id FROM events`)
    const paged = await pageAllIds(client, base)
    const after = await health(client, base)

    expect(atKill.pending, 'killed with entries in the inbox').to.equal(IN_INBOX)
    expect(leftInInbox).to.be.at.least(IN_INBOX)
    expect(rows.map((r) => r.id).sort()).to.deep.equal([...ids].sort())
    expect(paged.sort()).to.deep.equal([...ids].sort())
    expect(await count('dead_letters')).to.equal(0)
    expect(after.ingest.pending).to.equal(0)
  })
})

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
    const reply = checkResponse('events/query', await request(client, 'events/query', body, { base }))
    expect(reply.status, JSON.stringify(reply.error)).to.equal('ok')
    ids.push(...(reply.data.events as { id: string }[]).map((e) => e.id))
    cursor = reply.data.next_cursor as string | null
  } while (cursor)

  return ids
}
