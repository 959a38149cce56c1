import { expect } from 'chai'
import { ENGINE_NAMES } from '../support/engines.js'
import type { WireDeadLetter } from '../support/e2e-contract.js'
import { describeMatrix, useService } from '../support/e2e-service.js'
import { eventually } from '../support/e2e-wait.js'
import { frigateMessage } from '../support/frigate.js'

const MAX_PAYLOAD_BYTES = 2048

describeMatrix('dead letters through the broker', { engines: ENGINE_NAMES }, (env) => {
  const service = useService(env, { ingest: { maxPayloadBytes: MAX_PAYLOAD_BYTES } })

  /** Publishes each payload, then waits until `count` dead letters are stored. */
  async function deadLetters(count: number, filter = {}): Promise<WireDeadLetter[]> {
    return eventually(async () => {
      const reply = await service().request('deadletters/query', filter)
      expect(reply.status, JSON.stringify(reply.error)).to.equal('ok')
      expect(reply.data.dead_letters).to.have.length(count)
      return reply.data.dead_letters
    })
  }

  it('keeps a payload that is not JSON with the parse error as reason', async function () {
    const s = service()

    await s.publish(s.frigateEvents, '{"type": "new", "after": ')
    const [letter] = await deadLetters(1)

    expect(letter).to.include({
      topic: s.frigateEvents,
      payload: '{"type": "new", "after": ',
      payload_encoding: 'utf8',
      size: 25,
      truncated: false,
    })
    expect(letter?.reason).to.match(/^not valid JSON/)
  })

  it('names the failing field when a Frigate event breaks the schema', async function () {
    const s = service()
    const message = frigateMessage('new', 'bad-1', {
      frame_time: 'soon',
      camera: undefined,
    })

    await s.publish(s.frigateEvents, JSON.stringify(message))
    const [letter] = await deadLetters(1)

    expect(letter?.reason).to.include('ingest/frigate-event.schema.json')
    expect(letter?.reason).to.include('/after/frame_time')
    expect(letter?.reason).to.include('/after/camera is required')
    expect(letter?.payload).to.equal(JSON.stringify(message))
  })

  it('names the failing field when a native event breaks the schema', async function () {
    const s = service()
    const topic = `${s.names.baseTopic}/ingest/event`
    const payload = JSON.stringify({ event_type: 'motion', timestamp: -1, source: 'pir' })

    await s.publish(topic, payload)
    const [letter] = await deadLetters(1)

    expect(letter).to.include({ topic, payload })
    expect(letter?.reason).to.include('/event_id is required')
    expect(letter?.reason).to.include('/timestamp')
  })

  it('stores an oversize payload truncated to the limit with its real size', async function () {
    const s = service()
    const message = frigateMessage('new', 'big-1', { description: 'x'.repeat(5000) })
    const payload = JSON.stringify(message)

    await s.publish(s.frigateEvents, payload)
    const [letter] = await deadLetters(1)

    expect(letter).to.include({
      size: Buffer.byteLength(payload),
      truncated: true,
      payload: payload.slice(0, MAX_PAYLOAD_BYTES),
      payload_encoding: 'utf8',
    })
    expect(letter?.reason).to.include('ingest.maxPayloadBytes (2048)')
  })

  it('returns binary garbage base64-encoded, byte for byte', async function () {
    const s = service()
    const garbage = Buffer.from([
      0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x80, 0xc3, 0x28, 0xfe,
    ])

    await s.publish(s.frigateEvents, garbage)
    const [letter] = await deadLetters(1)

    expect(letter).to.include({ payload_encoding: 'base64', size: garbage.length })
    expect(Buffer.from(letter?.payload ?? '', 'base64')).to.deep.equal(garbage)
    expect(letter?.reason).to.match(/^not valid JSON/)
  })

  it('keeps a message on an unknown <base>/ingest/ topic', async function () {
    const s = service()
    const topic = `${s.names.baseTopic}/ingest/whatever`

    await s.publish(topic, JSON.stringify({ hello: 'world' }))
    const [letter] = await deadLetters(1)

    expect(letter).to.include({ topic, payload: '{"hello":"world"}' })
    expect(letter?.reason).to.equal('no ingest stream serves this topic')
  })

  it('keeps running, stores valid events and answers health after every kind', async function () {
    const s = service()
    const ingest = `${s.names.baseTopic}/ingest`

    await s.publish(s.frigateEvents, 'nope')
    await s.publish(s.frigateEvents, JSON.stringify({ type: 'new' }))
    await s.publish(s.frigateEvents, 'y'.repeat(MAX_PAYLOAD_BYTES + 1))
    await s.publish(s.frigateEvents, Buffer.from([0x00, 0xff, 0x01]))
    await s.publish(`${ingest}/whatever`, '{}')
    await s.publish(`${ingest}/event`, '[]')
    await s.publish(s.frigateEvents, JSON.stringify(frigateMessage('new', 'good-1')))

    const all = await deadLetters(6)
    const byTopic = await deadLetters(1, { topic: `${ingest}/whatever` })
    const event = await eventually(async () => {
      const reply = await s.request('events/get', { id: 'good-1' })
      expect(reply.status).to.equal('ok')
      return reply
    })
    const health = await s.request('health')

    expect(all.map((l) => l.id)).to.deep.equal(
      [...all.map((l) => l.id)].sort((a, b) => b - a),
    )
    expect(byTopic[0]?.topic).to.equal(`${ingest}/whatever`)
    expect(event.data.id).to.equal('good-1')
    expect(health.data).to.deep.include({ status: 'ok', problems: [] })
    expect(health.data.ingest).to.include({ received: 7, dead_lettered: 6, pending: 0 })
  })

  it('pages dead letters newest first with next_cursor', async function () {
    const s = service()

    for (const n of [1, 2, 3]) await s.publish(s.frigateEvents, `bad ${n}`)
    await deadLetters(3)
    const first = await s.request('deadletters/query', { limit: 2 })
    const second = await s.request('deadletters/query', {
      limit: 2,
      cursor: first.data.next_cursor,
    })
    const payloads = [...first.data.dead_letters, ...second.data.dead_letters].map(
      (l) => l.payload,
    )

    expect(payloads).to.deep.equal(['bad 3', 'bad 2', 'bad 1'])
    expect(second.data.next_cursor).to.equal(null)
  })
})
