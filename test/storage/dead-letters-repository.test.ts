import { expect } from 'chai'
import type { DeadLetter } from '../../src/storage/repositories/dead-letters-repository.js'
import { createRepositories } from '../../src/storage/repositories/repositories.js'
import { describeEachEngine } from '../support/engines.js'

const T0 = 1_718_990_000

function letter(n: number, overrides: Partial<DeadLetter> = {}): DeadLetter {
  return {
    messageKey: `inbox-a:${n}`,
    topic: n % 2 === 0 ? 'frigate/events' : 'doorbell-storage/ingest/event',
    payload: Buffer.from(`{"n":${n}}`),
    size: 8,
    truncated: false,
    reason: `reason ${n}`,
    receivedAt: T0 + n,
    ...overrides,
  }
}

describeEachEngine('DeadLettersRepository', (ctx) => {
  const insert = async (letters: DeadLetter[]) => {
    const { engine } = ctx()
    const repos = createRepositories(engine)
    await engine.transaction((tx) => repos.deadLetters.insert(tx, letters))
  }

  const repo = () => createRepositories(ctx().engine).deadLetters

  it('stores a message key once however often it is inserted', async () => {
    await insert([letter(1), letter(2)])
    await insert([letter(1, { reason: 'second copy' })])
    await insert([letter(3), letter(3, { reason: 'same batch' })])

    const rows = await repo().query({ limit: 10 })

    expect(await repo().count()).to.equal(3)
    expect(rows.map((r) => r.reason)).to.deep.equal(['reason 3', 'reason 2', 'reason 1'])
  })

  it('returns every field as inserted', async () => {
    const original = letter(4, { size: 300_000, truncated: true })
    await insert([original])

    const [stored] = await repo().query({ limit: 1 })

    expect(stored).to.deep.equal({ ...original, id: stored?.id })
    expect(stored?.id).to.be.a('number')
  })

  it('round-trips a binary payload byte for byte', async () => {
    const bytes = Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 7) % 256))
    await insert([letter(5, { payload: bytes, size: bytes.length })])
    await insert([letter(6, { payload: Buffer.alloc(0), size: 0 })])

    const rows = await repo().query({ limit: 10 })

    expect(rows.map((r) => r.payload)).to.deep.equal([Buffer.alloc(0), bytes])
  })

  it('narrows by topic, after and before', async () => {
    await insert(Array.from({ length: 10 }, (_, i) => letter(i)))

    const frigate = await repo().query({ topic: 'frigate/events', limit: 100 })
    const window = await repo().query({ after: T0 + 3, before: T0 + 7, limit: 100 })
    const none = await repo().query({ topic: 'nowhere', limit: 100 })

    expect(frigate.map((r) => r.messageKey)).to.deep.equal(
      [8, 6, 4, 2, 0].map((n) => `inbox-a:${n}`),
    )
    expect(window.map((r) => r.receivedAt)).to.deep.equal([6, 5, 4, 3].map((n) => T0 + n))
    expect(none).to.deep.equal([])
  })

  it('pages newest first by id with no gaps or repeats', async () => {
    await insert(Array.from({ length: 7 }, (_, i) => letter(i)))
    await insert(Array.from({ length: 6 }, (_, i) => letter(i + 7)))
    const all = await repo().query({ limit: 100 })
    const seen: number[] = []
    let beforeId: number | undefined

    for (;;) {
      const page = await repo().query({ limit: 4, beforeId })
      seen.push(...page.map((r) => r.id))
      const last = page[page.length - 1]
      if (page.length < 4 || !last) break
      beforeId = last.id
    }

    expect(all).to.have.length(13)
    expect(seen).to.deep.equal(all.map((r) => r.id))
    expect(seen).to.deep.equal([...seen].sort((a, b) => b - a))
    expect(all.map((r) => r.messageKey)[0]).to.equal('inbox-a:12')
  })

  it('combines a filter with paging', async () => {
    await insert(Array.from({ length: 12 }, (_, i) => letter(i)))
    const first = await repo().query({ topic: 'frigate/events', limit: 2 })
    const second = await repo().query({
      topic: 'frigate/events',
      limit: 2,
      beforeId: first[1]?.id,
    })

    expect([...first, ...second].map((r) => r.messageKey)).to.deep.equal(
      [10, 8, 6, 4].map((n) => `inbox-a:${n}`),
    )
  })
})

describeEachEngine('IngestOffsetsRepository', (ctx) => {
  const repo = () => createRepositories(ctx().engine).ingestOffsets

  it('reads 0 for an inbox it has never seen', async () => {
    expect(await repo().get('never-seen')).to.equal(0)
  })

  it('keeps the last offset written per inbox', async () => {
    const { engine } = ctx()

    await engine.transaction((tx) => repo().set(tx, 'inbox-a', 10))
    await engine.transaction((tx) => repo().set(tx, 'inbox-b', 3))
    await engine.transaction((tx) => repo().set(tx, 'inbox-a', 25))

    expect(await repo().get('inbox-a')).to.equal(25)
    expect(await repo().get('inbox-b')).to.equal(3)
  })

  it('keeps offsets beyond 32 bits', async () => {
    const { engine } = ctx()
    const big = 2 ** 40 + 5

    await engine.transaction((tx) => repo().set(tx, 'inbox-a', big))

    expect(await repo().get('inbox-a')).to.equal(big)
  })

  it('keeps the old offset when the transaction rolls back', async () => {
    const { engine } = ctx()
    await engine.transaction((tx) => repo().set(tx, 'inbox-a', 5))

    await engine
      .transaction(async (tx) => {
        await repo().set(tx, 'inbox-a', 9)
        throw new Error('abort')
      })
      .catch(() => undefined)

    expect(await repo().get('inbox-a')).to.equal(5)
  })
})
