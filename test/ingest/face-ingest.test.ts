import { expect } from 'chai'
import type { EnrollRequest } from '../../src/faces/face-requests.js'
import { FaceDirectoryError } from '../../src/faces/face-directory-error.js'
import { FaceIndexError } from '../../src/faces/face-index-error.js'
import { FaceIngest } from '../../src/ingest/face-ingest.js'
import { DEAD_LETTER_KIND, IngestHandler } from '../../src/ingest/ingest-handler.js'
import { SchemaRegistry } from '../../src/validation/schema-registry.js'
import { silentLogger } from '../support/logger.js'
import { createTempInbox, type TempInbox } from '../support/temp-inbox.js'

const TOPIC = 'doorbell-storage/ingest/face'
const schemas = new SchemaRegistry()
const json = (value: unknown) => Buffer.from(JSON.stringify(value))
const ENROL = { name: 'alice', model: 'dlib', encoding: [0.5, 0.25] }

describe('FaceIngest', () => {
  let temp: TempInbox
  let handler: IngestHandler
  let calls: EnrollRequest[]
  let outcomes: (() => Promise<unknown>)[]
  let faces: FaceIngest

  const reasons = () => temp.inbox.read(0, 10).map((e) => [e.kind, e.reason])

  beforeEach(() => {
    temp = createTempInbox()
    handler = new IngestHandler({
      inbox: temp.inbox,
      schemas,
      maxPayloadBytes: 4096,
      onAppended: () => undefined,
      logger: silentLogger(),
    })
    calls = []
    outcomes = []
    faces = new FaceIngest({
      check: (schemaId, payload) => handler.check(schemaId, payload),
      reject: (topic, payload, reason) => handler.reject(topic, payload, reason),
      enroll: (request) => {
        calls.push(request)
        return outcomes.shift()?.() ?? Promise.resolve()
      },
      retryMaxMs: 20,
      logger: silentLogger(),
    })
  })

  afterEach(() => temp.remove())

  it('enrols a valid payload with the ingest actor and writes no dead letter', async () => {
    await faces.accept(TOPIC, json({ ...ENROL, list: 'blacklist', reason: 'thief' }))

    expect(calls).to.deep.equal([
      {
        personId: undefined,
        name: 'alice',
        list: 'blacklist',
        reason: 'thief',
        metadata: undefined,
        model: 'dlib',
        modelVersion: undefined,
        encodings: [{ value: [0.5, 0.25], field: 'encoding' }],
        actor: 'ingest',
      },
    ])
    expect(reasons()).to.deep.equal([])
    expect(faces.counters).to.deep.equal({ enrolled: 1, rejected: 0 })
  })

  it('passes several encodings with their fields and the actor given', async () => {
    await faces.accept(
      TOPIC,
      json({ person_id: 4, model: 'dlib', encodings: [[1], 'AAAAAA=='], actor: 'cam-1' }),
    )

    expect(calls[0]?.encodings).to.deep.equal([
      { value: [1], field: 'encodings.0' },
      { value: 'AAAAAA==', field: 'encodings.1' },
    ])
    expect(calls[0]).to.include({ personId: 4, actor: 'cam-1' })
  })

  const invalid: [string, Buffer, string][] = [
    ['bad JSON', Buffer.from('{"name":'), 'not valid JSON'],
    ['no model', json({ name: 'a', encoding: [1] }), '/model is required'],
    ['no encoding', json({ name: 'a', model: 'm' }), 'oneOf'],
    ['both encodings', json({ ...ENROL, encodings: [[1]] }), 'oneOf'],
    ['no name nor person_id', json({ model: 'm', encoding: [1] }), 'anyOf'],
    ['an unknown field', json({ ...ENROL, lsit: 'blacklist' }), '/lsit'],
    ['an unknown list', json({ ...ENROL, list: 'vip' }), '/list'],
    ['a damaged base64 string', json({ ...ENROL, encoding: 'a b' }), '/encoding'],
  ]

  for (const [what, payload, reason] of invalid) {
    it(`dead-letters ${what} without enrolling`, async () => {
      await faces.accept(TOPIC, payload)

      expect(calls).to.deep.equal([])
      expect(reasons()).to.have.length(1)
      expect(reasons()[0]?.[0]).to.equal(DEAD_LETTER_KIND)
      expect(reasons()[0]?.[1]).to.include(reason)
    })
  }

  it('dead-letters a payload the directory refuses, with its reason', async () => {
    const refusal = new FaceDirectoryError(
      'FACE_UNKNOWN_MODEL',
      'model dlib is not configured',
    )
    outcomes.push(() => Promise.reject(refusal))

    await faces.accept(TOPIC, json(ENROL))

    expect(reasons()).to.deep.equal([[DEAD_LETTER_KIND, 'model dlib is not configured']])
    expect(faces.counters).to.deep.equal({ enrolled: 0, rejected: 1 })
  })

  it('retries while the database fails, then enrols once', async () => {
    const down = () => Promise.reject(new Error('connection refused'))
    outcomes.push(down, down, down)

    await faces.accept(TOPIC, json(ENROL))

    expect(calls).to.have.length(4)
    expect(reasons()).to.deep.equal([])
    expect(faces.counters.enrolled).to.equal(1)
  })

  it('does not retry once the index refuses after the commit', async () => {
    outcomes.push(() => Promise.reject(new FaceIndexError('FACE_INDEX_FULL', 'full')))

    await faces.accept(TOPIC, json(ENROL))

    expect(calls).to.have.length(1)
    expect(reasons()).to.deep.equal([])
  })

  it('dead-letters a payload still retrying when stopped', async () => {
    const down = () => Promise.reject(new Error('connection refused'))
    outcomes.push(...Array.from({ length: 1000 }, () => down))

    const accepted = faces.accept(TOPIC, json(ENROL))
    await new Promise((resolve) => setTimeout(resolve, 50))
    faces.stop()
    await accepted

    expect(reasons()).to.have.length(1)
    expect(reasons()[0]?.[1]).to.include(
      'not enrolled before shutdown: connection refused',
    )
  })
})
