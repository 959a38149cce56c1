import { expect } from 'chai'
import { facesHandlers } from '../../src/api/handlers/faces.js'
import { REQUEST_ERROR_CODES } from '../../src/api/request-error.js'
import { RequestRouter, responseSchemaId } from '../../src/api/request-router.js'
import type { BlacklistMatch } from '../../src/faces/face-events.js'
import type { Repositories } from '../../src/storage/repositories/repositories.js'
import { SchemaRegistry } from '../../src/validation/schema-registry.js'
import { describeEachEngine } from '../support/engines.js'
import { checkResponse, type Envelope } from '../support/e2e-contract.js'
import { silentLogger } from '../support/logger.js'
import type { ResponseEnvelope } from '../support/mqtt-client.js'
import { DLIB } from '../faces/support/face-models.js'
import { dlib, openDirectory } from '../faces/support/face-directory.js'

const schemas = new SchemaRegistry()
const BASE = 'doorbell-storage'

describeEachEngine('faces requests', (ctx) => {
  let router: RequestRouter
  let repos: Repositories
  let alerts: BlacklistMatch[]

  /** Asks through the router; every answer is checked against schemas/response/. */
  const ask = async <Op extends string>(
    op: Op,
    body: Record<string, unknown> | string,
  ): Promise<Envelope<Op>> => {
    const payload = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body))
    const reply = await router.handle(op, payload)
    const envelope = checkResponse(op, JSON.parse(reply.payload) as ResponseEnvelope)

    expect(reply.topic).to.equal(`${BASE}/response/${op}`)
    expect(schemas.has(responseSchemaId(op)), op).to.equal(true)
    if (envelope.status === 'error')
      expect(REQUEST_ERROR_CODES).to.include(envelope.error?.code)

    return envelope
  }

  const enrol = async (name: string, leading: number[], extra: object = {}) => {
    const body = { name, model: DLIB.name, encoding: dlib(leading), ...extra }
    const envelope = await ask('faces/enroll', body)
    expect(envelope.status, JSON.stringify(envelope.error)).to.equal('ok')

    return envelope.data
  }

  beforeEach(async () => {
    const opened = await openDirectory(ctx().engine)
    repos = opened.repos
    alerts = []
    opened.directory.events.on('blacklistMatch', (match) => alerts.push(match))
    router = new RequestRouter({
      schemas,
      baseTopic: BASE,
      responseTopicPrefixes: [],
      logger: silentLogger(),
      handlers: facesHandlers({
        directory: opened.directory,
        faces: repos.faces,
        defaultLimit: 2,
        maxLimit: 3,
      }),
    })
  })

  describe('faces/enroll', () => {
    it('enrols a person and answers with the person and encoding ids', async () => {
      const envelope = await ask('faces/enroll', {
        name: 'mallory',
        list: 'blacklist',
        reason: 'parcel thief',
        metadata: { seen: 3 },
        model: DLIB.name,
        model_version: DLIB.version,
        encodings: [
          dlib([0.9]),
          Buffer.from(new Float32Array(dlib([0.8])).buffer).toString('base64'),
        ],
        actor: 'frigate-face',
        transaction: 't1',
      })

      expect(envelope).to.deep.include({ status: 'ok', transaction: 't1' })
      expect(envelope.data).to.deep.include({ created: true })
      expect(envelope.data.encoding_ids).to.have.length(2)
      expect(envelope.data.person).to.deep.include({
        name: 'mallory',
        list: 'blacklist',
        reason: 'parcel thief',
        metadata: { seen: 3 },
        active: true,
        encoding_count: 2,
      })
      const [entry] = await repos.audit.query({ limit: 1 })
      expect(entry).to.include({ actor: 'frigate-face', action: 'enroll' })
    })

    it('records mqtt as the actor when the request names none', async () => {
      await enrol('alice', [0.1])

      const [entry] = await repos.audit.query({ limit: 1 })

      expect(entry?.actor).to.equal('mqtt')
    })

    const invalid: [string, Record<string, unknown>, string, string][] = [
      ['an unconfigured model', { model: 'facenet' }, 'INVALID_REQUEST', 'model'],
      ['a wrong length', { encoding: [1, 2] }, 'INVALID_REQUEST', 'encoding'],
      ['an unknown field', { lsit: 'blacklist' }, 'INVALID_REQUEST', 'lsit'],
      ['an unknown list', { list: 'vip' }, 'INVALID_REQUEST', 'list'],
      ['a number as encoding', { encoding: 5 }, 'INVALID_REQUEST', 'encoding'],
      ['person_id with a name', { person_id: 1 }, 'INVALID_REQUEST', 'name'],
      [
        'an unknown person_id',
        { name: undefined, person_id: 77 },
        'NOT_FOUND',
        'person_id',
      ],
    ]

    for (const [what, change, code, field] of invalid) {
      it(`answers ${what} with ${code} naming ${field}`, async () => {
        const body = { name: 'x', model: DLIB.name, encoding: dlib([1]), ...change }

        const envelope = await ask('faces/enroll', body)

        expect(envelope.error).to.deep.include({ code, field })
        expect(await repos.faces.pagePersons({ status: 'all', limit: 5 })).to.be.empty
      })
    }

    it('answers both encoding and encodings with INVALID_REQUEST', async () => {
      const body = {
        name: 'x',
        model: DLIB.name,
        encoding: dlib([1]),
        encodings: [dlib([1])],
      }

      const envelope = await ask('faces/enroll', body)

      expect(envelope.error?.code).to.equal('INVALID_REQUEST')
      expect(envelope.error?.message).to.include('oneOf')
    })

    it('answers samples on another list with CONFLICT', async () => {
      await enrol('alice', [0.1])

      const envelope = await ask('faces/enroll', {
        name: 'alice',
        list: 'blacklist',
        model: DLIB.name,
        encoding: dlib([0.2]),
      })

      expect(envelope.error).to.deep.include({ code: 'CONFLICT', field: 'list' })
    })
  })

  describe('faces/update, faces/remove and faces/get', () => {
    it('renames, moves, removes and restores, answering what changed', async () => {
      const { person } = await enrol('bob', [0.2])

      const renamed = await ask('faces/update', {
        id: person.id,
        name: 'Bob',
        list: 'blacklist',
      })
      const same = await ask('faces/update', { id: person.id, name: 'Bob' })
      const removed = await ask('faces/remove', { id: person.id, actor: 'alice' })
      const got = await ask('faces/get', { id: person.id })
      const restored = await ask('faces/update', { id: person.id, active: true })

      expect(renamed.data.changes).to.deep.equal(['rename', 'move'])
      expect(renamed.data.person).to.include({ name: 'Bob', list: 'blacklist' })
      expect(same.data.changes).to.deep.equal([])
      expect(removed.data).to.deep.include({ changes: ['remove'] })
      expect(got.data.person).to.include({ active: false, encoding_count: 1 })
      expect(got.data.encodings).to.have.length(1)
      expect(got.data.encodings[0]).to.include({
        model: DLIB.name,
        model_version: DLIB.version,
        dim: 128,
      })
      expect(restored.data).to.deep.include({ changes: ['restore'] })
    })

    it('answers a rename to a taken name with CONFLICT', async () => {
      await enrol('alice', [0.1])
      const { person } = await enrol('bob', [0.2])

      const envelope = await ask('faces/update', { id: person.id, name: 'alice' })

      expect(envelope.error).to.deep.include({ code: 'CONFLICT', field: 'name' })
    })

    it('answers an unknown id with NOT_FOUND on every op that takes one', async () => {
      for (const op of ['faces/update', 'faces/remove', 'faces/get']) {
        const envelope = await ask(op, { id: 404, transaction: op })

        expect(envelope.error, op).to.deep.include({ code: 'NOT_FOUND', field: 'id' })
        expect(envelope.transaction).to.equal(op)
      }
    })

    it('answers an id that is not a positive integer with INVALID_REQUEST', async () => {
      for (const id of [0, -1, 1.5, '1', 2 ** 31]) {
        const envelope = await ask('faces/get', { id })

        expect(envelope.error, String(id)).to.deep.include({
          code: 'INVALID_REQUEST',
          field: 'id',
        })
      }
    })
  })

  describe('faces/list', () => {
    it('pages persons by enrolment order with next_cursor', async () => {
      const ids = []
      for (const name of ['a', 'b', 'c', 'd'])
        ids.push((await enrol(name, [0.1])).person.id)
      await ask('faces/remove', { id: ids[1] })

      const first = await ask('faces/list', {})
      const second = await ask('faces/list', { cursor: first.data.next_cursor })
      const removed = await ask('faces/list', { status: 'removed' })
      const capped = await ask('faces/list', { status: 'all', limit: 50 })

      const idsOf = (e: Envelope<'faces/list'>) => e.data.persons.map((p) => p.id)
      expect(idsOf(first)).to.deep.equal([ids[0], ids[2]])
      expect(idsOf(second)).to.deep.equal([ids[3]])
      expect(second.data.next_cursor).to.equal(null)
      expect(idsOf(removed)).to.deep.equal([ids[1]])
      expect(capped.data.limit).to.equal(3)
    })

    it('filters by list and name', async () => {
      await enrol('alice', [0.1])
      await enrol('mallory', [0.9], { list: 'blacklist' })

      const blacklist = await ask('faces/list', { lists: ['blacklist'] })
      const byName = await ask('faces/list', { name: 'alice' })

      expect(blacklist.data.persons.map((p) => p.name)).to.deep.equal(['mallory'])
      expect(byName.data.persons.map((p) => p.name)).to.deep.equal(['alice'])
    })

    it('answers a damaged cursor with INVALID_REQUEST', async () => {
      const envelope = await ask('faces/list', { cursor: 'bm9wZQ' })

      expect(envelope.error).to.deep.include({ code: 'INVALID_REQUEST', field: 'cursor' })
    })
  })

  describe('faces/search', () => {
    it('answers who is at the door, nearest first, with the model and threshold', async () => {
      const alice = await enrol('alice', [0.1])
      await enrol('bob', [0.4])

      const envelope = await ask('faces/search', {
        encoding: dlib([0.15]),
        model: DLIB.name,
        transaction: 'door',
      })

      expect(envelope.transaction).to.equal('door')
      expect(envelope.data).to.deep.include({
        verdict: 'known',
        model: DLIB.name,
        model_version: DLIB.version,
        metric: 'euclidean',
        threshold: 0.6,
        top_k: 5,
      })
      expect(envelope.data.matches.map((m) => m.name)).to.deep.equal(['alice', 'bob'])
      expect(envelope.data.matches[0]).to.deep.include({
        person_id: alice.person.id,
        list: 'known',
        reason: null,
        encoding_id: alice.encoding_ids[0],
      })
    })

    it('answers unknown with no matches for a stranger', async () => {
      await enrol('alice', [0.1])

      const envelope = await ask('faces/search', {
        encoding: dlib([0.9]),
        model: DLIB.name,
      })

      expect(envelope.data).to.deep.include({ verdict: 'unknown', matches: [] })
    })

    it('flags a blacklist verdict in the answer and announces it', async () => {
      await enrol('mallory', [0.9], { list: 'blacklist', reason: 'parcel thief' })

      const envelope = await ask('faces/search', {
        encoding: dlib([0.8]),
        model: DLIB.name,
        camera: 'front_door',
        event_id: 'ev-9',
      })

      expect(envelope.data.verdict).to.equal('blacklist')
      expect(envelope.data.matches[0]).to.deep.include({
        list: 'blacklist',
        reason: 'parcel thief',
      })
      expect(alerts.map((a) => [a.name, a.camera, a.eventId])).to.deep.equal([
        ['mallory', 'front_door', 'ev-9'],
      ])
    })

    const invalid: [string, Record<string, unknown>, string][] = [
      ['no encoding', { encoding: undefined }, 'encoding'],
      ['a top_k of 0', { top_k: 0 }, 'top_k'],
      ['a threshold of 0', { threshold: 0 }, 'threshold'],
      ['an empty lists', { lists: [] }, 'lists'],
      ['an unknown model version', { model_version: '9' }, 'model_version'],
      [
        'NaN in base64',
        {
          encoding: Buffer.from(new Float32Array(128).fill(NaN).buffer).toString(
            'base64',
          ),
        },
        'encoding',
      ],
    ]

    for (const [what, change, field] of invalid) {
      it(`answers ${what} with INVALID_REQUEST naming ${field}`, async () => {
        const body = { encoding: dlib([0.1]), model: DLIB.name, ...change }

        const envelope = await ask('faces/search', body)

        expect(envelope.error).to.deep.include({ code: 'INVALID_REQUEST', field })
      })
    }
  })
})
