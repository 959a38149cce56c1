import { expect } from 'chai'
import { DEAD_LETTER_KIND, IngestHandler } from '../../src/ingest/ingest-handler.js'
import type { InboxEntry } from '../../src/ingest/inbox.js'
import { SchemaRegistry } from '../../src/validation/schema-registry.js'
import { frigateMessage } from '../support/frigate.js'
import { silentLogger } from '../support/logger.js'
import { createTempInbox, type TempInbox } from '../support/temp-inbox.js'

const MAX_PAYLOAD_BYTES = 1024
const schemas = new SchemaRegistry()

const json = (value: unknown) => Buffer.from(JSON.stringify(value))

describe('IngestHandler', () => {
  let temp: TempInbox
  let handler: IngestHandler
  let appended = 0

  const entries = (): InboxEntry[] => temp.inbox.read(0, 100)

  const only = (): InboxEntry => {
    const all = entries()
    expect(all).to.have.length(1)
    return all[0] as InboxEntry
  }

  beforeEach(() => {
    temp = createTempInbox()
    appended = 0
    handler = new IngestHandler({
      inbox: temp.inbox,
      schemas,
      maxPayloadBytes: MAX_PAYLOAD_BYTES,
      onAppended: () => appended++,
      logger: silentLogger(),
    })
  })

  afterEach(() => temp.remove())

  it('appends a valid Frigate message to its stream as received', () => {
    const payload = json(frigateMessage('new', '1718987128.947436-g92ztx'))
    const before = Date.now() / 1000

    handler.accept('frigate/events', 'frigate-event', payload)
    const entry = only()

    expect(entry).to.include({
      kind: 'frigate-event',
      topic: 'frigate/events',
      size: payload.length,
      reason: null,
    })
    expect(entry.payload).to.deep.equal(payload)
    expect(entry.receivedAt).to.be.within(before, Date.now() / 1000)
    expect(handler.counters).to.deep.equal({ received: 1, deadLettered: 0 })
    expect(appended).to.equal(1)
  })

  it('appends a valid native event to its stream', () => {
    const payload = json({
      event_id: 'evt-1',
      event_type: 'doorbell_pressed',
      timestamp: '2024-06-21T16:25:28Z',
      source: 'doorbell',
    })

    handler.accept('doorbell-storage/ingest/event', 'native-event', payload)

    expect(only()).to.include({ kind: 'native-event', reason: null })
  })

  it('keeps an oversize payload as a truncated dead letter with its size', () => {
    const message = frigateMessage('new', 'big', { padding: 'x'.repeat(3000) })
    const payload = json(message)

    handler.accept('frigate/events', 'frigate-event', payload)
    const entry = only()

    expect(entry.kind).to.equal(DEAD_LETTER_KIND)
    expect(entry.size).to.equal(payload.length)
    expect(entry.payload).to.deep.equal(payload.subarray(0, MAX_PAYLOAD_BYTES))
    expect(entry.reason).to.match(/exceeds ingest\.maxPayloadBytes/)
    expect(entry.reason).to.include(String(payload.length))
    expect(handler.counters).to.deep.equal({ received: 1, deadLettered: 1 })
  })

  it('accepts a payload of exactly maxPayloadBytes', () => {
    const base = json(frigateMessage('new', 'edge', { padding: '' }))
    const padding = 'x'.repeat(MAX_PAYLOAD_BYTES - base.length)
    const payload = json(frigateMessage('new', 'edge', { padding }))

    handler.accept('frigate/events', 'frigate-event', payload)

    expect(payload.length).to.equal(MAX_PAYLOAD_BYTES)
    expect(only().kind).to.equal('frigate-event')
  })

  it('dead-letters a payload that is not JSON, keeping its bytes', () => {
    const payload = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10])

    handler.accept('frigate/events', 'frigate-event', payload)
    const entry = only()

    expect(entry).to.include({ kind: DEAD_LETTER_KIND, size: 6 })
    expect(entry.reason).to.match(/^not valid JSON/)
    expect(entry.payload).to.deep.equal(payload)
  })

  it('dead-letters an empty payload', () => {
    handler.accept('frigate/events', 'frigate-event', Buffer.alloc(0))

    expect(only()).to.include({ kind: DEAD_LETTER_KIND, size: 0 })
  })

  it('dead-letters a schema failure with a reason naming the field', () => {
    const wrongType = frigateMessage('new', 'x', { camera: 42 })
    const missing = { type: 'new', after: { id: 'y', camera: 'c', label: 'l' } }

    handler.accept('frigate/events', 'frigate-event', json(wrongType))
    handler.accept('frigate/events', 'frigate-event', json(missing))
    const [first, second] = entries()

    expect(first?.kind).to.equal(DEAD_LETTER_KIND)
    expect(first?.reason).to.include('ingest/frigate-event.schema.json')
    expect(first?.reason).to.include('/after/camera must be string')
    expect(second?.reason).to.include('/after/frame_time is required')
    expect(second?.reason).to.include('/after/start_time is required')
  })

  it('dead-letters a native event whose timestamp is not a date', () => {
    const payload = json({
      event_id: 'evt-1',
      event_type: 'motion',
      timestamp: 'yesterday',
      source: 'doorbell',
    })

    handler.accept('doorbell-storage/ingest/event', 'native-event', payload)

    expect(only().reason).to.include('/timestamp')
  })

  it('dead-letters a message on an ingest topic no stream serves', () => {
    const payload = json({ any: 'thing' })

    handler.accept('doorbell-storage/ingest/faces', undefined, payload)

    expect(only()).to.include({
      kind: DEAD_LETTER_KIND,
      topic: 'doorbell-storage/ingest/faces',
      reason: 'no ingest stream serves this topic',
    })
    expect(appended).to.equal(1)
  })

  it('truncates an oversize payload on an unknown ingest topic too', () => {
    const payload = Buffer.alloc(MAX_PAYLOAD_BYTES * 2, 0x61)

    handler.accept('doorbell-storage/ingest/faces', undefined, payload)

    expect(only().payload).to.have.length(MAX_PAYLOAD_BYTES)
    expect(only().size).to.equal(MAX_PAYLOAD_BYTES * 2)
  })

  it('dead-letters a payload with the reason given, for topics outside the inbox', () => {
    const payload = json({ name: 'alice' })

    handler.reject('doorbell-storage/ingest/face', payload, 'model x is not configured')

    expect(only()).to.include({
      kind: DEAD_LETTER_KIND,
      topic: 'doorbell-storage/ingest/face',
      reason: 'model x is not configured',
      size: payload.length,
    })
    expect(handler.counters).to.deep.equal({ received: 1, deadLettered: 1 })
    expect(appended).to.equal(1)
  })

  it('checks a payload against a named schema without appending it', () => {
    const ok = handler.check(
      'ingest/face.schema.json',
      json({ name: 'a', model: 'm', encoding: [1] }),
    )
    const bad = handler.check('ingest/face.schema.json', json({ name: 'a' }))

    expect(ok).to.deep.equal({ message: { name: 'a', model: 'm', encoding: [1] } })
    expect(bad).to.have.property('reason').that.includes('/model is required')
    expect(entries()).to.deep.equal([])
  })

  it('keeps appended entries across a restart of the inbox', () => {
    handler.accept('frigate/events', 'frigate-event', json(frigateMessage('new', 'a')))
    handler.accept('frigate/events', 'frigate-event', Buffer.from('nope'))
    const id = temp.inbox.id

    const reopened = temp.reopen()

    expect(reopened.id).to.equal(id)
    expect(reopened.pending).to.equal(2)
    expect(reopened.read(0, 10).map((e) => e.kind)).to.deep.equal([
      'frigate-event',
      DEAD_LETTER_KIND,
    ])
  })
})

describe('Inbox', () => {
  let temp: TempInbox

  const append = (n: number) =>
    temp.inbox.append({
      kind: 'frigate-event',
      topic: 'frigate/events',
      payload: Buffer.from(`{"n":${n}}`),
      size: 8,
      reason: null,
      receivedAt: n,
    })

  beforeEach(() => {
    temp = createTempInbox()
  })

  afterEach(() => temp.remove())

  it('reads entries after a sequence number, oldest first, up to a limit', () => {
    const seqs = [1, 2, 3, 4, 5].map(append)

    expect(seqs).to.deep.equal([...seqs].sort((a, b) => a - b))
    expect(temp.inbox.read(seqs[1] ?? 0, 2).map((e) => e.receivedAt)).to.deep.equal([
      3, 4,
    ])
    expect(temp.inbox.read(seqs[4] ?? 0, 10)).to.deep.equal([])
  })

  it('forgets entries through a sequence number and counts what is pending', () => {
    const seqs = [1, 2, 3, 4].map(append)

    temp.inbox.removeThrough(seqs[2] ?? 0)

    expect(temp.inbox.pending).to.equal(1)
    expect(temp.inbox.read(0, 10).map((e) => e.seq)).to.deep.equal([seqs[3]])
  })

  it('numbers after what it holds when it restarts', () => {
    append(1)
    const last = append(2)

    temp.reopen()

    expect(append(3)).to.be.above(last)
  })

  it('numbers after the applied offset given to resume, even when empty', () => {
    const last = append(1)
    temp.inbox.removeThrough(last)
    const reopened = temp.reopen()

    reopened.resume(last + 10)

    expect(append(2)).to.equal(last + 11)
    expect(reopened.pending).to.equal(1)
  })

  it('forgets what the database already holds on resume', () => {
    const seqs = [1, 2, 3].map(append)
    const reopened = temp.reopen()

    reopened.resume(seqs[1] ?? 0)

    expect(reopened.read(0, 10).map((e) => e.seq)).to.deep.equal([seqs[2]])
    expect(reopened.pending).to.equal(1)
  })

  it('has a stable id per file and a different one per file', () => {
    const other = createTempInbox()
    const id = temp.inbox.id

    try {
      expect(id).to.match(/^[0-9a-f-]{36}$/)
      expect(temp.reopen().id).to.equal(id)
      expect(other.inbox.id).to.not.equal(id)
    } finally {
      other.remove()
    }
  })
})
