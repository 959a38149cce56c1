import { expect } from 'chai'
import type { Executor } from '../../src/storage/engine.js'
import type { NewPerson } from '../../src/storage/repositories/faces-repository.js'
import { createRepositories } from '../../src/storage/repositories/repositories.js'
import { describeEachEngine } from '../support/engines.js'

const T0 = 1_718_990_000
const MODEL = { modelName: 'dlib', modelVersion: '1' }

function person(name: string, overrides: Partial<NewPerson> = {}): NewPerson {
  return { name, list: 'known', reason: null, metadata: {}, ...overrides }
}

describeEachEngine('FacesRepository', (ctx) => {
  const repo = () => createRepositories(ctx().engine).faces
  const write = <T>(work: (tx: Executor) => Promise<T>) => ctx().engine.transaction(work)

  const addPerson = (name: string, overrides: Partial<NewPerson> = {}) =>
    write((tx) => repo().insertPerson(tx, person(name, overrides), T0))

  const addEncoding = (personId: number, bytes = Buffer.alloc(8, 1), dim = 2) =>
    write((tx) => repo().insertEncoding(tx, { ...MODEL, personId, dim, bytes }, T0 + 1))

  it('returns every field of a person as inserted', async () => {
    const metadata = { room: 'B', tags: ['staff'], nested: { x: 1.5 } }
    const id = await addPerson('mallory', {
      list: 'blacklist',
      reason: 'parcel thief',
      metadata,
    })

    expect(await repo().getPerson(id)).to.deep.equal({
      id,
      name: 'mallory',
      list: 'blacklist',
      reason: 'parcel thief',
      metadata,
      active: true,
      createdAt: T0,
      updatedAt: T0,
      encodingCount: 0,
    })
  })

  it('round-trips encoding bytes exactly and counts them per person', async () => {
    const id = await addPerson('alice')
    const bytes = Buffer.from(Array.from({ length: 16 }, (_, i) => (i * 37) % 256))

    const encodingId = await addEncoding(id, bytes, 4)
    const [stored] = await repo().encodingsOf(id)

    expect(stored).to.deep.include({
      id: encodingId,
      personId: id,
      dim: 4,
      list: 'known',
    })
    expect(Buffer.from(stored?.bytes ?? [])).to.deep.equal(bytes)
    expect((await repo().getPerson(id))?.encodingCount).to.equal(1)
    expect(await repo().encodingSummaries(id)).to.deep.equal([
      { id: encodingId, personId: id, ...MODEL, dim: 4, createdAt: T0 + 1 },
    ])
  })

  it('refuses encoding bytes that are not dim float32 values', async () => {
    const id = await addPerson('alice')

    const failed = await addEncoding(id, Buffer.alloc(7), 2).then(
      () => false,
      () => true,
    )

    expect(failed).to.equal(true)
    expect(await repo().encodingsOf(id)).to.deep.equal([])
  })

  it('refuses an encoding of a person that does not exist', async () => {
    const failed = await addEncoding(999).then(
      () => false,
      () => true,
    )

    expect(failed).to.equal(true)
  })

  it('keeps a name to one active person, and lets removed ones share it', async () => {
    const first = await addPerson('alice')
    await write((tx) => repo().updatePerson(tx, first, { active: false }, T0 + 5))

    const second = await addPerson('alice')
    const third = await addPerson('alice').then(
      () => 'stored',
      () => 'refused',
    )

    expect((await repo().findActiveByName('alice'))?.id).to.equal(second)
    expect(third).to.equal('refused')
  })

  it('updates only the fields given, and updated_at', async () => {
    const id = await addPerson('alice', { reason: 'note', metadata: { a: 1 } })

    const changed = await write((tx) =>
      repo().updatePerson(tx, id, { list: 'blacklist', reason: null }, T0 + 9),
    )
    const missing = await write((tx) => repo().updatePerson(tx, 999, { name: 'x' }, T0))

    expect(changed).to.equal(true)
    expect(missing).to.equal(false)
    expect(await repo().getPerson(id)).to.deep.include({
      name: 'alice',
      list: 'blacklist',
      reason: null,
      metadata: { a: 1 },
      updatedAt: T0 + 9,
      createdAt: T0,
    })
  })

  it('pages persons by id with status, list and name filters', async () => {
    const a = await addPerson('a')
    const b = await addPerson('b', { list: 'blacklist' })
    const c = await addPerson('c')
    await write((tx) => repo().updatePerson(tx, c, { active: false }, T0))
    const ids = async (request: Parameters<ReturnType<typeof repo>['pagePersons']>[0]) =>
      (await repo().pagePersons(request)).map((p) => p.id)

    expect(await ids({ status: 'active', limit: 10 })).to.deep.equal([a, b])
    expect(await ids({ status: 'removed', limit: 10 })).to.deep.equal([c])
    expect(await ids({ status: 'all', limit: 10 })).to.deep.equal([a, b, c])
    expect(await ids({ status: 'all', lists: ['known'], limit: 10 })).to.deep.equal([
      a,
      c,
    ])
    expect(await ids({ status: 'all', name: 'b', limit: 10 })).to.deep.equal([b])
    expect(await ids({ status: 'all', limit: 2, afterId: a })).to.deep.equal([b, c])
  })

  it('reads only active persons for the index, counted and paged by encoding id', async () => {
    const a = await addPerson('a')
    const b = await addPerson('b')
    const encodings = [await addEncoding(a), await addEncoding(b), await addEncoding(a)]
    await write((tx) =>
      repo().insertEncoding(
        tx,
        {
          modelName: 'arc',
          modelVersion: '2',
          personId: a,
          dim: 1,
          bytes: Buffer.alloc(4),
        },
        T0,
      ),
    )
    const removed = await addPerson('c')
    await addEncoding(removed)
    await write((tx) => repo().updatePerson(tx, removed, { active: false }, T0))

    const first = await repo().activeEncodingsAfter(0, 2)
    const rest = await repo().activeEncodingsAfter(first[1]?.id ?? 0, 10)

    expect(first.map((e) => e.id)).to.deep.equal(encodings.slice(0, 2))
    expect(rest.map((e) => e.personId)).to.deep.equal([a, a])
    expect((await repo().activePersons()).map((p) => p.id)).to.deep.equal([a, b])
    expect(await repo().countActiveEncodings()).to.deep.equal([
      { modelName: 'arc', modelVersion: '2', dim: 1, count: 1 },
      { ...MODEL, dim: 2, count: 3 },
    ])
  })
})
