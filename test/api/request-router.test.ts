import { expect } from 'chai'
import { deadLettersHandlers } from '../../src/api/handlers/deadletters.js'
import { eventsHandlers } from '../../src/api/handlers/events.js'
import type { HandlerMap } from '../../src/api/handler.js'
import { REQUEST_ERROR_CODES } from '../../src/api/request-error.js'
import {
  RequestRouter,
  responseSchemaId,
  type Envelope,
  type Reply,
  type RequestProperties,
} from '../../src/api/request-router.js'
import { mapFrigateEvent } from '../../src/ingest/mappers/frigate-event-mapper.js'
import type { FrigateEventMessage } from '../../src/ingest/mappers/frigate-event-mapper.js'
import { emptyBrokerStats } from '../../src/mqtt/broker-stats.js'
import { checkHealth } from '../../src/ops/health.js'
import type { Engine } from '../../src/storage/engine.js'
import { openEngine } from '../../src/storage/open-engine.js'
import { createRepositories } from '../../src/storage/repositories/repositories.js'
import { SchemaRegistry } from '../../src/validation/schema-registry.js'
import { describeEachEngine } from '../support/engines.js'
import { frigateMessage } from '../support/frigate.js'
import { silentLogger } from '../support/logger.js'
import { unreachableEngine } from '../support/switchable-engine.js'

const schemas = new SchemaRegistry()
const BASE = 'doorbell-storage'
const T0 = 1_718_990_000

/** Checks a reply against the contract in schemas/response/ and returns its envelope. */
function readReply(op: string, reply: Reply): Envelope {
  const envelope = JSON.parse(reply.payload) as Envelope
  const shape = schemas.validate('response/envelope.schema.json', envelope)
  expect(shape.ok, JSON.stringify(shape)).to.equal(true)

  if (envelope.status === 'ok') {
    const id = responseSchemaId(op)
    expect(schemas.has(id), `${id} exists`).to.equal(true)
    const data = schemas.validate(id, envelope.data)
    expect(data.ok, `${id}: ${JSON.stringify(data)}`).to.equal(true)
  } else {
    expect(REQUEST_ERROR_CODES).to.include(envelope.error?.code)
  }

  return envelope
}

function healthHandler(engine: Engine) {
  return () =>
    checkHealth({
      version: '0.0.0-test',
      startedAt: Date.now() - 5000,
      engine,
      mqtt: { connected: true, protocolVersion: 5 },
      brokerKind: 'external',
      ingest: { received: 3, deadLettered: 1 },
      applier: {
        applied: 2,
        lastBatchSize: 2,
        lastBatchMs: 1.5,
        lastError: null,
        paused: false,
      },
      inboxPending: () => 1,
      broker: emptyBrokerStats(),
      retention: {
        lastRunAt: 1_718_990_000.5,
        lastRunMs: 12,
        deleted: { events: 4, reviews: 0, deadLetters: 2, audit: 0 },
        lastError: null,
      },
    })
}

async function seed(engine: Engine): Promise<void> {
  const repos = createRepositories(engine)
  const events = Array.from({ length: 7 }, (_, i) =>
    mapFrigateEvent(
      frigateMessage(i % 3 === 0 ? 'end' : 'update', `e-${i}`, {
        camera: i % 2 === 0 ? 'front_door' : 'garden',
        start_time: T0 + (i % 4),
        frame_time: T0 + 10,
        end_time: i % 3 === 0 ? T0 + 20 : null,
        entered_zones: ['porch'],
        sub_label: i === 1 ? ['alice', null] : null,
      }) as FrigateEventMessage,
      T0 + 30,
    ),
  )
  const letters = [Buffer.from('{"broken":'), Buffer.from([0xff, 0x00, 0x81])].map(
    (payload, i) => ({
      messageKey: `inbox:${i}`,
      topic: 'frigate/events',
      payload,
      size: payload.length,
      truncated: false,
      reason: 'test',
      receivedAt: T0 + i,
    }),
  )

  await engine.transaction(async (tx) => {
    await repos.events.upsert(tx, events)
    await repos.deadLetters.insert(tx, letters)
  })
}

describeEachEngine('RequestRouter', (ctx) => {
  let calls: string[]
  let router: RequestRouter

  const build = (engine: Engine, responseTopicPrefixes: string[] = ['apps/']) => {
    const repos = createRepositories(engine)
    const limits = { defaultLimit: 3, maxLimit: 5 }
    const handlers: HandlerMap = {
      ...eventsHandlers({ ...repos, ...limits }),
      ...deadLettersHandlers({ deadLetters: repos.deadLetters, ...limits }),
      health: healthHandler(engine),
    }
    const spied = Object.fromEntries(
      Object.entries(handlers).map(([op, handler]) => [
        op,
        (request: Record<string, unknown>) => {
          calls.push(op)
          return handler(request)
        },
      ]),
    )

    return new RequestRouter({
      schemas,
      handlers: spied,
      baseTopic: BASE,
      responseTopicPrefixes,
      logger: silentLogger(),
    })
  }

  const ask = async (
    op: string,
    body: Record<string, unknown> | string | Buffer = {},
    properties?: RequestProperties,
  ) => {
    const payload =
      typeof body === 'string' || Buffer.isBuffer(body)
        ? Buffer.from(body)
        : Buffer.from(JSON.stringify(body))
    const reply = await router.handle(op, payload, properties)

    return { reply, envelope: readReply(op, reply) }
  }

  beforeEach(async () => {
    calls = []
    await seed(ctx().engine)
    router = build(ctx().engine)
  })

  describe('errors', () => {
    it('answers a payload that is not JSON with INVALID_JSON', async () => {
      const { reply, envelope } = await ask('events/query', '{"cameras": [')

      expect(reply.topic).to.equal(`${BASE}/response/events/query`)
      expect(envelope).to.deep.include({ status: 'error', data: null })
      expect(envelope.error?.code).to.equal('INVALID_JSON')
      expect(calls).to.deep.equal([])
    })

    it('answers JSON that is not an object with INVALID_REQUEST', async () => {
      for (const body of ['[1]', '"text"', '42', 'null']) {
        const { envelope } = await ask('events/query', body)
        expect(envelope.error?.code, body).to.equal('INVALID_REQUEST')
      }
    })

    it('answers an unknown op with UNKNOWN_OP naming the known ones', async () => {
      const { reply, envelope } = await ask('events/delete', { transaction: 't' })

      expect(reply.topic).to.equal(`${BASE}/response/events/delete`)
      expect(envelope.error?.code).to.equal('UNKNOWN_OP')
      expect(envelope.error?.message).to.include('events/query')
      expect(envelope.transaction).to.equal('t')
    })

    const badRequests: [string, Record<string, unknown>, string][] = [
      ['a limit of 0', { limit: 0 }, 'limit'],
      ['a fractional limit', { limit: 2.5 }, 'limit'],
      ['cameras as a string', { cameras: 'front_door' }, 'cameras'],
      ['an empty cameras list', { cameras: [] }, 'cameras'],
      ['a camera that is not a string', { cameras: ['a', 7] }, 'cameras.1'],
      ['an unknown field', { camera: ['front_door'] }, 'camera'],
      ['a score above 1', { min_score: 1.5 }, 'min_score'],
      ['a negative time', { after: -1 }, 'after'],
      ['an unknown sort', { sort: 'random' }, 'sort'],
      ['in_progress as text', { in_progress: 'yes' }, 'in_progress'],
      ['after not before before', { after: T0 + 5, before: T0 + 5 }, 'after'],
      ['a damaged cursor', { cursor: 'bm9wZQ' }, 'cursor'],
      ['a transaction that is an object', { transaction: { id: 1 } }, 'transaction'],
    ]

    for (const [what, body, field] of badRequests) {
      it(`answers ${what} with INVALID_REQUEST naming ${field}`, async () => {
        const { envelope } = await ask('events/query', body)

        expect(envelope.error?.code).to.equal('INVALID_REQUEST')
        expect(envelope.error?.field).to.equal(field)
        expect(envelope.error?.message).to.be.a('string').and.not.equal('')
      })
    }

    it('refuses a cursor of another sort', async () => {
      const first = await ask('events/query', { sort: 'start_time_asc' })
      const cursor = (first.envelope.data as { next_cursor: string }).next_cursor

      const { envelope } = await ask('events/query', { sort: 'score_desc', cursor })

      expect(cursor).to.be.a('string')
      expect(envelope.error).to.deep.include({ code: 'INVALID_REQUEST', field: 'cursor' })
    })

    it('answers events/get without an id with INVALID_REQUEST naming id', async () => {
      const { envelope } = await ask('events/get', {})

      expect(envelope.error).to.deep.include({ code: 'INVALID_REQUEST', field: 'id' })
    })

    it('answers events/get for an unknown id with NOT_FOUND', async () => {
      const { envelope } = await ask('events/get', { id: 'nope', transaction: 9 })

      expect(envelope.error).to.deep.include({ code: 'NOT_FOUND', field: 'id' })
      expect(envelope.transaction).to.equal(9)
    })

    it('answers INTERNAL when the database cannot be reached', async () => {
      const unreachable = unreachableEngine()
      router = build(unreachable)

      try {
        const { envelope } = await ask('events/query', { transaction: 'down' })
        expect(envelope.error?.code).to.equal('INTERNAL')
        expect(envelope.transaction).to.equal('down')
      } finally {
        await unreachable.stop()
      }
    })
  })

  describe('transaction', () => {
    it('echoes a string or number transaction on success and on error', async () => {
      for (const transaction of ['q-1', 17, 0, '']) {
        const ok = await ask('events/query', { transaction })
        const failed = await ask('events/query', { transaction, limit: 0 })

        expect(ok.envelope).to.deep.include({ status: 'ok', transaction })
        expect(failed.envelope).to.deep.include({ status: 'error', transaction })
      }
    })

    it('leaves transaction out when the request has none', async () => {
      const { envelope } = await ask('events/query', {})

      expect(envelope).to.not.have.property('transaction')
    })

    it('treats an empty payload as an empty request', async () => {
      const { envelope } = await ask('events/query', Buffer.alloc(0))

      expect(envelope.status).to.equal('ok')
      expect((envelope.data as { limit: number }).limit).to.equal(3)
    })
  })

  describe('response topic', () => {
    const correlationData = Buffer.from([1, 2, 3, 250])

    it('answers on an MQTT 5 response topic under an allowed prefix', async () => {
      const responseTopic = 'apps/phone-7/answers'

      const { reply, envelope } = await ask(
        'health',
        {},
        { responseTopic, correlationData },
      )

      expect(reply.topic).to.equal(responseTopic)
      expect(reply.correlationData).to.deep.equal(correlationData)
      expect(envelope.status).to.equal('ok')
    })

    it('always allows a response topic under <base>/response/', async () => {
      const responseTopic = `${BASE}/response/mine/42`

      const { reply } = await ask('health', {}, { responseTopic })

      expect(reply.topic).to.equal(responseTopic)
    })

    it('refuses a response topic outside the prefixes, on the default topic', async () => {
      const properties = { responseTopic: 'elsewhere/answers', correlationData }

      const { reply, envelope } = await ask(
        'events/query',
        { transaction: 'x' },
        properties,
      )

      expect(reply.topic).to.equal(`${BASE}/response/events/query`)
      expect(reply.correlationData).to.deep.equal(correlationData)
      expect(envelope.error?.code).to.equal('RESPONSE_TOPIC_NOT_ALLOWED')
      expect(envelope.transaction).to.equal('x')
      expect(calls).to.deep.equal([])
    })

    it('refuses a response topic with wildcards even under an allowed prefix', async () => {
      for (const responseTopic of ['apps/#', 'apps/+/answers']) {
        const { reply, envelope } = await ask('health', {}, { responseTopic })

        expect(reply.topic, responseTopic).to.equal(`${BASE}/response/health`)
        expect(envelope.error?.code, responseTopic).to.equal('RESPONSE_TOPIC_NOT_ALLOWED')
      }
    })

    it('answers on the default topic without correlation data when none is given', async () => {
      const { reply } = await ask('health')

      expect(reply.topic).to.equal(`${BASE}/response/health`)
      expect(reply.correlationData).to.equal(undefined)
    })
  })

  describe('data', () => {
    it('pages events/query with next_cursor to the end, each event once', async () => {
      for (const sort of ['start_time_desc', 'start_time_asc', 'score_desc']) {
        const seen: string[] = []
        let cursor: string | null = null

        do {
          const body: Record<string, unknown> =
            cursor === null ? { sort } : { sort, cursor }
          const { envelope } = await ask('events/query', body)
          const data = envelope.data as {
            events: { id: string }[]
            next_cursor: string | null
          }
          seen.push(...data.events.map((e) => e.id))
          cursor = data.next_cursor
        } while (cursor !== null)

        expect([...seen].sort(), sort).to.deep.equal([
          'e-0',
          'e-1',
          'e-2',
          'e-3',
          'e-4',
          'e-5',
          'e-6',
        ])
      }
    })

    it('applies the filters of events/query', async () => {
      const { envelope } = await ask('events/query', {
        cameras: ['front_door'],
        in_progress: false,
        zones: ['porch'],
        limit: 5,
      })
      const data = envelope.data as { events: { id: string; in_progress: boolean }[] }

      expect(data.events.map((e) => e.id).sort()).to.deep.equal(['e-0', 'e-6'])
      expect(data.events.every((e) => !e.in_progress)).to.equal(true)
    })

    it('caps limit at api.maxLimit and reports the limit used', async () => {
      const { envelope } = await ask('events/query', { limit: 1000 })
      const data = envelope.data as { events: unknown[]; limit: number }

      expect(data.limit).to.equal(5)
      expect(data.events).to.have.length(5)
    })

    it('answers events/get with the stored event in wire form', async () => {
      const { envelope } = await ask('events/get', { id: 'e-1' })

      expect(envelope.data).to.deep.include({
        id: 'e-1',
        origin: 'frigate',
        camera: 'garden',
        sub_label: 'alice',
        sub_label_score: null,
        in_progress: true,
        zones: ['porch'],
      })
    })

    it('answers deadletters/query with text as utf8 and bytes as base64', async () => {
      const { envelope } = await ask('deadletters/query', { topic: 'frigate/events' })
      const rows = (envelope.data as { dead_letters: Record<string, unknown>[] })
        .dead_letters

      expect(rows.map((r) => [r.payload, r.payload_encoding])).to.deep.equal([
        [Buffer.from([0xff, 0x00, 0x81]).toString('base64'), 'base64'],
        ['{"broken":', 'utf8'],
      ])
    })

    it('pages deadletters/query with next_cursor', async () => {
      const first = await ask('deadletters/query', { limit: 1 })
      const cursor = (first.envelope.data as { next_cursor: string }).next_cursor
      const second = await ask('deadletters/query', { limit: 1, cursor })
      const ids = [first, second].map(
        (r) =>
          (r.envelope.data as { dead_letters: { id: number }[] }).dead_letters[0]?.id,
      )

      expect(ids[0]).to.be.above(ids[1] ?? Infinity)
      expect((second.envelope.data as { next_cursor: unknown }).next_cursor).to.equal(
        null,
      )
    })

    it('answers health with every part the schema requires', async () => {
      const { envelope } = await ask('health')

      expect(envelope.data).to.deep.include({ status: 'ok', problems: [] })
      expect((envelope.data as { retention: unknown }).retention).to.deep.equal({
        last_run_at: 1_718_990_000.5,
        last_run_ms: 12,
        deleted: { events: 4, reviews: 0, dead_letters: 2, audit: 0 },
        last_error: null,
      })
    })

    it('answers health as degraded once the engine is stopped', async () => {
      const own = openEngine(ctx().database.settings)
      await own.start()
      await own.stop()
      router = build(own)

      const { envelope } = await ask('health')
      const data = envelope.data as { status: string; storage: { reachable: boolean } }

      expect(data.status).to.equal('degraded')
      expect(data.storage.reachable).to.equal(false)
    })

    it('answers health as degraded when the database cannot be reached', async () => {
      const unreachable = unreachableEngine()
      router = build(unreachable)

      try {
        const { envelope } = await ask('health')
        const data = envelope.data as { status: string; storage: { reachable: boolean } }

        expect(data.status).to.equal('degraded')
        expect(data.storage.reachable).to.equal(false)
      } finally {
        await unreachable.stop()
      }
    })
  })
})
