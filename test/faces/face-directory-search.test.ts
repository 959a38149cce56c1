import { expect } from 'chai'
import type { FaceDirectory } from '../../src/faces/face-directory.js'
import type { SearchRequest } from '../../src/faces/face-requests.js'
import type { BlacklistMatch } from '../../src/faces/face-events.js'
import { describeEachEngine } from '../support/engines.js'
import { ARCFACE, DLIB } from './support/face-models.js'
import {
  ARCFACE_MODEL,
  DLIB_MODEL,
  arcface,
  dlib,
  enrolment,
  openDirectory,
} from './support/face-directory.js'

describeEachEngine('FaceDirectory search', (ctx) => {
  let directory: FaceDirectory
  let alerts: BlacklistMatch[]

  const open = async (options?: Parameters<typeof openDirectory>[1]) => {
    ;({ directory } = await openDirectory(ctx().engine, options))
    alerts = []
    directory.events.on('blacklistMatch', (match) => alerts.push(match))
  }

  const search = (leading: number[], options: Partial<SearchRequest> = {}) =>
    directory.search({ encoding: dlib(leading), model: DLIB.name, ...options })

  /** alice and bob known, mallory on the blacklist, all dlib. */
  const enrolThree = async () => {
    const alice = await directory.enroll(enrolment('alice', [0.1]))
    const bob = await directory.enroll(enrolment('bob', [0.5]))
    const mallory = await directory.enroll(
      enrolment('mallory', [0.9], { list: 'blacklist', reason: 'parcel thief' }),
    )

    return { alice: alice.person.id, bob: bob.person.id, mallory: mallory.person.id }
  }

  beforeEach(async () => {
    await open()
  })

  it('answers the nearest persons within the threshold, best first, with confidence', async () => {
    const ids = await enrolThree()

    const result = search([0.2])

    expect(result.verdict).to.equal('known')
    expect(result.threshold).to.equal(0.6)
    expect(result.topK).to.equal(5)
    expect(result.matches.map((m) => [m.personId, m.name, m.list])).to.deep.equal([
      [ids.alice, 'alice', 'known'],
      [ids.bob, 'bob', 'known'],
    ])
    const [first] = result.matches
    expect(first?.distance).to.be.closeTo(0.1, 1e-7)
    expect(first?.confidence).to.be.closeTo(1 - first!.distance / 1.2, 1e-12)
    expect(alerts).to.deep.equal([])
  })

  it('answers unknown with no matches when nobody is within the threshold', async () => {
    await enrolThree()

    const result = search([0.1, 0.7])

    expect(result).to.deep.include({ verdict: 'unknown', matches: [] })
    expect(search([0.1, 0.7], { threshold: 0.8 }).verdict).to.equal('known')
  })

  it('answers unknown when nobody is enrolled at all', () => {
    expect(search([0]).verdict).to.equal('unknown')
  })

  it('counts a distance equal to the threshold as a match', async () => {
    await directory.enroll(enrolment('alice', [0.5]))

    expect(search([0], { threshold: 0.5 }).verdict).to.equal('known')
    expect(search([0], { threshold: 0.4999 }).verdict).to.equal('unknown')
  })

  it('orders exact ties by the older encoding, stably across searches', async () => {
    const same = [0.25, -0.5]
    const first = await directory.enroll(enrolment('carol', same))
    const second = await directory.enroll(enrolment('dave', same))
    const third = await directory.enroll(enrolment('erin', same))

    for (let i = 0; i < 3; i++) {
      expect(search([0.25, -0.5]).matches.map((m) => m.personId)).to.deep.equal([
        first.person.id,
        second.person.id,
        third.person.id,
      ])
    }
  })

  it('returns each person once, with their nearest encoding', async () => {
    const alice = await directory.enroll(enrolment('alice', [0.4]))
    const near = await directory.enroll(enrolment('alice', [0.15]))
    await directory.enroll(enrolment('bob', [0.3]))

    const result = search([0.1])

    expect(result.matches.map((m) => m.name)).to.deep.equal(['alice', 'bob'])
    expect(result.matches[0]?.encodingId).to.equal(near.encodingIds[0])
    expect(result.matches[0]?.personId).to.equal(alice.person.id)
  })

  it('cuts the answer to top_k', async () => {
    await enrolThree()

    expect(search([0.2], { topK: 1 }).matches.map((m) => m.name)).to.deep.equal(['alice'])
  })

  it('flags a blacklist verdict and announces it with the context of the search', async () => {
    const ids = await enrolThree()

    const result = search([0.85], { camera: 'front_door', eventId: 'ev-1' })

    expect(result.verdict).to.equal('blacklist')
    expect(result.matches[0]).to.deep.include({
      list: 'blacklist',
      reason: 'parcel thief',
    })
    expect(alerts).to.have.length(1)
    expect(alerts[0]).to.deep.include({
      personId: ids.mallory,
      name: 'mallory',
      reason: 'parcel thief',
      encodingId: result.matches[0]?.encodingId,
      distance: result.matches[0]?.distance,
      threshold: 0.6,
      model: DLIB.name,
      modelVersion: DLIB.version,
      camera: 'front_door',
      eventId: 'ev-1',
    })
  })

  it('announces nothing when a blacklisted person matches behind a nearer known one', async () => {
    await enrolThree()

    const result = search([0.55])

    expect(result.verdict).to.equal('known')
    expect(result.matches.map((m) => m.list)).to.include('blacklist')
    expect(alerts).to.deep.equal([])
  })

  it('searches only the lists asked for', async () => {
    await enrolThree()

    const all = search([0.5])
    const blacklistOnly = search([0.5], { lists: ['blacklist'] })

    expect(all.matches.map((m) => m.name)).to.deep.equal(['bob', 'mallory', 'alice'])
    expect(blacklistOnly.matches.map((m) => m.name)).to.deep.equal(['mallory'])
    expect(blacklistOnly.verdict).to.equal('blacklist')
    expect(alerts).to.have.length(1)
  })

  it('never compares encodings of different models', async () => {
    await directory.enroll(enrolment('alice', [0.1]))
    const arc = await directory.enroll({
      name: 'zoe',
      model: ARCFACE.name,
      encodings: [{ value: arcface([1, 0.1]), field: 'encoding' }],
      actor: 'test',
    })

    const byArcface = directory.search({ encoding: arcface([1]), model: ARCFACE.name })

    expect(byArcface.matches.map((m) => m.personId)).to.deep.equal([arc.person.id])
    expect(byArcface.threshold).to.equal(0.68)
    expect(byArcface.matches[0]?.distance).to.be.closeTo(1 - 1 / Math.sqrt(1.01), 1e-7)
    expect(search([0.1]).matches.map((m) => m.name)).to.deep.equal(['alice'])
  })

  it('gives identical answers for an encoding sent as numbers or as base64', async () => {
    await enrolThree()
    const numbers = dlib([0.3, -0.125, 0.0625])
    const base64 = Buffer.from(new Float32Array(numbers).buffer).toString('base64')

    const fromNumbers = search([], { encoding: numbers })
    const fromBase64 = search([], { encoding: base64 })

    expect(fromBase64).to.deep.equal(fromNumbers)
  })

  it('reads base64 as little-endian float32', async () => {
    await directory.enroll(enrolment('alice', [1.5]))
    const bytes = Buffer.alloc(128 * 4)
    bytes.writeFloatLE(1.5, 0)

    const result = search([], { encoding: bytes.toString('base64') })

    expect(result.matches[0]?.distance).to.equal(0)
  })

  it('gives the same answers after a restart, loading from the database', async () => {
    await enrolThree()
    const { person } = await directory.enroll(enrolment('frank', [0.3, 0.3]))
    await directory.enroll(enrolment('frank', [0.35, 0.3]))
    const removed = await directory.enroll(enrolment('gina', [0.2, 0.1]))
    await directory.remove(removed.person.id, 'test')
    await directory.update(person.id, { list: 'blacklist' }, 'test')
    await directory.enroll({
      name: 'zoe',
      model: ARCFACE.name,
      encodings: [{ value: arcface([1, 0.2]), field: 'encoding' }],
      actor: 'test',
    })
    const queries = [[0.2], [0.3, 0.25], [0.2, 0.1], [0.9], [0.6, 0.1]]
    const before = queries.map((q) => search(q, { threshold: 2 }))
    const arcBefore = directory.search({ encoding: arcface([1]), model: ARCFACE.name })

    await open({ loadPageSize: 2 })

    expect(queries.map((q) => search(q, { threshold: 2 }))).to.deep.equal(before)
    expect(
      directory.search({ encoding: arcface([1]), model: ARCFACE.name }),
    ).to.deep.equal(arcBefore)
    expect(directory.stats).to.include({ persons: 5, encodings: 6 })
  })

  it('leaves encodings of a model no longer configured out of the index', async () => {
    await directory.enroll(enrolment('alice', [0.1]))
    await directory.enroll({
      name: 'zoe',
      model: ARCFACE.name,
      encodings: [{ value: arcface([1]), field: 'encoding' }],
      actor: 'test',
    })

    await open({ models: [DLIB_MODEL] })

    expect(directory.stats).to.include({ encodings: 1 })
    expect(search([0.1]).verdict).to.equal('known')
  })

  it('leaves encodings out when the configured dim of their model changed', async () => {
    await directory.enroll(enrolment('alice', [0.1]))

    await open({ models: [{ ...DLIB_MODEL, dim: 64 }, ARCFACE_MODEL] })

    expect(directory.stats.encodings).to.equal(0)
  })
})
