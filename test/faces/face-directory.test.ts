import { expect } from 'chai'
import type { FaceDirectory } from '../../src/faces/face-directory.js'
import { FaceDirectoryError } from '../../src/faces/face-directory-error.js'
import type { Repositories } from '../../src/storage/repositories/repositories.js'
import { describeEachEngine } from '../support/engines.js'
import { DLIB } from './support/face-models.js'
import { dlib, enrolment, openDirectory } from './support/face-directory.js'

/** The refusal `work` ends with; fails when it succeeds or fails otherwise. */
async function refusal(work: () => Promise<unknown>): Promise<FaceDirectoryError> {
  try {
    await work()
  } catch (error) {
    if (error instanceof FaceDirectoryError) return error
    throw error
  }

  throw new Error('expected a FaceDirectoryError')
}

describeEachEngine('FaceDirectory writes', (ctx) => {
  let directory: FaceDirectory
  let repos: Repositories

  const nearest = (leading: number[]) =>
    directory.search({ encoding: dlib(leading), model: DLIB.name })

  const audit = async (personId: number) => {
    const rows = await repos.audit.query({ targetId: String(personId), limit: 100 })
    return rows.reverse()
  }

  beforeEach(async () => {
    ;({ directory, repos } = await openDirectory(ctx().engine))
  })

  describe('enroll', () => {
    it('creates a person on the known list with the encoding when the name is new', async () => {
      const before = Date.now() / 1000

      const result = await directory.enroll(enrolment('alice', [0.1, 0.2]))

      expect(result.created).to.equal(true)
      expect(result.encodingIds).to.have.length(1)
      expect(result.person).to.deep.include({
        name: 'alice',
        list: 'known',
        reason: null,
        metadata: {},
        active: true,
        encodingCount: 1,
      })
      expect(result.person.createdAt).to.be.within(before, Date.now() / 1000)
      expect(await repos.faces.getPerson(result.person.id)).to.deep.equal(result.person)
    })

    it('stores the encoding as float32 bytes that read back to the same vector', async () => {
      const result = await directory.enroll(enrolment('alice', [0.1, -2.5, 1e-8]))

      const [row] = await repos.faces.encodingsOf(result.person.id)

      expect(row?.bytes.byteLength).to.equal(128 * 4)
      const expected = Buffer.alloc(128 * 4)
      dlib([0.1, -2.5, 1e-8]).forEach((x, i) => expected.writeFloatLE(x, i * 4))
      expect(Buffer.from(row?.bytes ?? [])).to.deep.equal(expected)
    })

    it('adds samples to the active person of that name instead of a second person', async () => {
      const first = await directory.enroll(enrolment('alice', [0.1]))

      const second = await directory.enroll(enrolment('alice', [0.2], { list: 'known' }))

      expect(second.created).to.equal(false)
      expect(second.person.id).to.equal(first.person.id)
      expect(second.person.encodingCount).to.equal(2)
      expect(second.encodingIds[0]).to.be.above(first.encodingIds[0] ?? Infinity)
    })

    it('adds several encodings at once, in order, when given a person_id', async () => {
      const { person } = await directory.enroll(enrolment('alice', [0.1]))

      const result = await directory.enroll({
        personId: person.id,
        model: DLIB.name,
        encodings: [1, 2, 3].map((x, i) => ({
          value: dlib([x]),
          field: `encodings.${i}`,
        })),
        actor: 'test',
      })

      expect(result.person.encodingCount).to.equal(4)
      expect([...result.encodingIds].sort((a, b) => a - b)).to.deep.equal(
        result.encodingIds,
      )
      expect(nearest([2]).matches[0]?.encodingId).to.equal(result.encodingIds[1])
    })

    it('keeps person fields of the first enrolment when samples are added by name', async () => {
      await directory.enroll(
        enrolment('mallory', [0.5], { list: 'blacklist', reason: 'stole a parcel' }),
      )

      const again = await directory.enroll(
        enrolment('mallory', [0.6], { reason: 'other', metadata: { a: 1 } }),
      )

      expect(again.person).to.deep.include({
        list: 'blacklist',
        reason: 'stole a parcel',
        metadata: {},
      })
    })

    it('refuses samples by name on another list than the person is on', async () => {
      await directory.enroll(enrolment('alice', [0.1]))

      const error = await refusal(() =>
        directory.enroll(enrolment('alice', [0.2], { list: 'blacklist' })),
      )

      expect(error).to.include({ code: 'FACE_LIST_MISMATCH', field: 'list' })
    })

    const refused: [string, () => Parameters<FaceDirectory['enroll']>[0], string][] = [
      [
        'an unconfigured model',
        () => enrolment('x', [1], { model: 'facenet' }),
        'FACE_UNKNOWN_MODEL',
      ],
      [
        'an unconfigured version',
        () => enrolment('x', [1], { modelVersion: '2' }),
        'FACE_UNKNOWN_MODEL',
      ],
      [
        'an encoding of the wrong length',
        () =>
          enrolment('x', [1], { encodings: [{ value: [1, 2, 3], field: 'encoding' }] }),
        'FACE_INVALID_ENCODING',
      ],
      [
        'an encoding beyond float32 (infinite once stored)',
        () => enrolment('x', [1e39]),
        'FACE_INVALID_ENCODING',
      ],
      [
        'a NaN in base64',
        () => {
          const vector = new Float32Array(128)
          vector[3] = NaN
          const value = Buffer.from(vector.buffer).toString('base64')
          return enrolment('x', [], { encodings: [{ value, field: 'encodings.1' }] })
        },
        'FACE_INVALID_ENCODING',
      ],
      [
        'neither name nor person_id',
        () => enrolment('', [1], { name: undefined }),
        'FACE_INVALID_INPUT',
      ],
      [
        'person_id with a name',
        () => enrolment('x', [1], { personId: 1 }),
        'FACE_INVALID_INPUT',
      ],
      [
        'an unknown person_id',
        () => enrolment('', [1], { name: undefined, personId: 999 }),
        'FACE_PERSON_NOT_FOUND',
      ],
    ]

    for (const [what, request, code] of refused) {
      it(`refuses ${what} and writes nothing`, async () => {
        const error = await refusal(() => directory.enroll(request()))

        expect(error.code).to.equal(code)
        expect(error.message).to.be.a('string').and.not.equal('')
        expect(await repos.faces.pagePersons({ status: 'all', limit: 10 })).to.be.empty
        expect(await repos.audit.query({ limit: 10 })).to.be.empty
        expect(directory.stats.encodings).to.equal(0)
      })
    }

    it('names the failing encoding in the refusal', async () => {
      const error = await refusal(() =>
        directory.enroll(
          enrolment('x', [], {
            encodings: [
              { value: dlib([1]), field: 'encodings.0' },
              { value: dlib([Infinity]), field: 'encodings.1' },
            ],
          }),
        ),
      )

      expect(error).to.include({ code: 'FACE_INVALID_ENCODING', field: 'encodings.1' })
    })
  })

  describe('changes', () => {
    it('renames a person and answers searches with the new name', async () => {
      const { person } = await directory.enroll(enrolment('alice', [0.1]))

      const result = await directory.update(person.id, { name: 'Alice B.' }, 'test')

      expect(result.actions).to.deep.equal(['rename'])
      expect(result.person.name).to.equal('Alice B.')
      expect(nearest([0.1]).matches[0]?.name).to.equal('Alice B.')
    })

    it('moves a person between lists and the verdict follows', async () => {
      const { person } = await directory.enroll(enrolment('bob', [0.1]))

      await directory.update(person.id, { list: 'blacklist', reason: 'threats' }, 'test')
      const blacklisted = nearest([0.1])
      await directory.update(person.id, { list: 'known' }, 'test')

      expect(blacklisted.verdict).to.equal('blacklist')
      expect(blacklisted.matches[0]?.reason).to.equal('threats')
      expect(nearest([0.1]).verdict).to.equal('known')
    })

    it('changes nothing and records nothing when the fields are already so', async () => {
      const { person } = await directory.enroll(enrolment('alice', [0.1]))

      const result = await directory.update(
        person.id,
        { name: 'alice', list: 'known', reason: null, metadata: {}, active: true },
        'test',
      )

      expect(result.actions).to.deep.equal([])
      expect(result.person).to.deep.equal(person)
      expect((await audit(person.id)).map((e) => e.action)).to.deep.equal(['enroll'])
    })

    it('never matches a removed person, and matches them again once restored', async () => {
      const { person } = await directory.enroll(enrolment('alice', [0.1]))

      const removed = await directory.remove(person.id, 'test')
      const whileRemoved = nearest([0.1])
      const restored = await directory.update(person.id, { active: true }, 'test')

      expect(removed.person.active).to.equal(false)
      expect(whileRemoved.verdict).to.equal('unknown')
      expect(restored.actions).to.deep.equal(['restore'])
      expect(nearest([0.1]).matches.map((m) => m.personId)).to.deep.equal([person.id])
    })

    it('keeps samples added while removed out of searches until restored', async () => {
      const { person } = await directory.enroll(enrolment('alice', [0.1]))
      await directory.remove(person.id, 'test')

      await directory.enroll({
        ...enrolment('', [3]),
        name: undefined,
        personId: person.id,
      })
      const whileRemoved = nearest([3])
      await directory.update(person.id, { active: true, list: 'blacklist' }, 'test')

      expect(whileRemoved.matches).to.deep.equal([])
      expect(nearest([3]).matches[0]).to.deep.include({
        personId: person.id,
        list: 'blacklist',
        distance: 0,
      })
    })

    it('lets a new person take the name of a removed one, and refuses restoring the old', async () => {
      const old = await directory.enroll(enrolment('alice', [0.1]))
      await directory.remove(old.person.id, 'test')

      const fresh = await directory.enroll(enrolment('alice', [0.2]))
      const error = await refusal(() =>
        directory.update(old.person.id, { active: true }, 'test'),
      )

      expect(fresh.created).to.equal(true)
      expect(fresh.person.id).to.not.equal(old.person.id)
      expect(error).to.include({ code: 'FACE_NAME_TAKEN', field: 'id' })
    })

    it('refuses a rename to the name of another active person', async () => {
      await directory.enroll(enrolment('alice', [0.1]))
      const { person } = await directory.enroll(enrolment('bob', [0.2]))

      const error = await refusal(() =>
        directory.update(person.id, { name: 'alice' }, 't'),
      )

      expect(error).to.include({ code: 'FACE_NAME_TAKEN', field: 'name' })
      expect((await repos.faces.getPerson(person.id))?.name).to.equal('bob')
    })

    it('refuses a change to an unknown person with FACE_PERSON_NOT_FOUND', async () => {
      const error = await refusal(() => directory.remove(12345, 'test'))

      expect(error).to.include({ code: 'FACE_PERSON_NOT_FOUND', field: 'id' })
    })
  })

  describe('audit trail', () => {
    it('records every change with the actor, the time and what changed', async () => {
      const before = Date.now() / 1000
      const { person, encodingIds } = await directory.enroll(
        enrolment('mallory', [0.5], {
          list: 'blacklist',
          reason: 'parcel',
          actor: 'cam',
        }),
      )
      const sample = await directory.enroll(enrolment('mallory', [0.6], { actor: 'cam' }))
      await directory.update(person.id, { name: 'M.', list: 'known' }, 'alice')
      await directory.update(person.id, { reason: null, metadata: { a: 1 } }, 'alice')
      await directory.remove(person.id, 'bob')
      await directory.update(person.id, { active: true }, 'carol')

      const entries = await audit(person.id)

      expect(entries.map((e) => [e.actor, e.action, e.details])).to.deep.equal([
        [
          'cam',
          'enroll',
          {
            name: 'mallory',
            list: 'blacklist',
            reason: 'parcel',
            model: DLIB.name,
            model_version: DLIB.version,
            encoding_ids: encodingIds,
          },
        ],
        [
          'cam',
          'add_sample',
          {
            model: DLIB.name,
            model_version: DLIB.version,
            encoding_ids: sample.encodingIds,
          },
        ],
        ['alice', 'rename', { from: 'mallory', to: 'M.' }],
        ['alice', 'move', { from: 'blacklist', to: 'known' }],
        [
          'alice',
          'update',
          { reason: { from: 'parcel', to: null }, metadata: { from: {}, to: { a: 1 } } },
        ],
        ['bob', 'remove', { name: 'M.' }],
        ['carol', 'restore', { name: 'M.' }],
      ])
      for (const entry of entries) {
        expect(entry).to.include({ targetType: 'person', targetId: String(person.id) })
        expect(entry.time).to.be.within(before, Date.now() / 1000)
      }
    })

    it('records nothing for a refused change', async () => {
      await directory.enroll(enrolment('alice', [0.1]))
      const { person } = await directory.enroll(enrolment('bob', [0.2]))

      await refusal(() => directory.update(person.id, { name: 'alice' }, 't'))

      expect((await audit(person.id)).map((e) => e.action)).to.deep.equal(['enroll'])
    })
  })

  it('applies concurrent writes to the index in commit order', async () => {
    const { person } = await directory.enroll(enrolment('alice', [0.1]))
    const lists = ['blacklist', 'known', 'blacklist', 'known', 'blacklist'] as const

    await Promise.all(lists.map((list) => directory.update(person.id, { list }, 't')))

    expect((await repos.faces.getPerson(person.id))?.list).to.equal('blacklist')
    expect(nearest([0.1]).verdict).to.equal('blacklist')
  })
})
