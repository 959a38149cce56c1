import { expect } from 'chai'
import type { AuditEntry } from '../../src/storage/repositories/audit-repository.js'
import { createRepositories } from '../../src/storage/repositories/repositories.js'
import { describeEachEngine } from '../support/engines.js'

const T0 = 1_718_990_000

function entry(n: number, overrides: Partial<AuditEntry> = {}): AuditEntry {
  return {
    time: T0 + n,
    actor: `actor-${n}`,
    action: 'rename',
    targetType: 'person',
    targetId: String(n % 2),
    details: { from: `a${n}`, to: `b${n}`, list: [n], nested: { ok: true } },
    ...overrides,
  }
}

describeEachEngine('AuditRepository', (ctx) => {
  const repo = () => createRepositories(ctx().engine).audit
  const insert = (entries: AuditEntry[]) =>
    ctx().engine.transaction((tx) => repo().insert(tx, entries))

  it('returns every field as inserted, newest first', async () => {
    await insert([entry(1), entry(2)])
    await insert([entry(3, { targetType: 'config', details: {} })])

    const rows = await repo().query({ limit: 10 })

    expect(rows.map(({ id: _id, ...rest }) => rest)).to.deep.equal([
      entry(3, { targetType: 'config', details: {} }),
      entry(2),
      entry(1),
    ])
    expect(rows[0]?.id).to.be.above(rows[1]?.id ?? Infinity)
  })

  it('filters by target and pages with beforeId', async () => {
    await insert([1, 2, 3, 4, 5].map((n) => entry(n)))

    const odd = await repo().query({ targetType: 'person', targetId: '1', limit: 2 })
    const next = await repo().query({ targetId: '1', limit: 2, beforeId: odd[1]?.id })

    expect(odd.map((r) => r.actor)).to.deep.equal(['actor-5', 'actor-3'])
    expect(next.map((r) => r.actor)).to.deep.equal(['actor-1'])
    expect(await repo().query({ targetType: 'config', limit: 5 })).to.deep.equal([])
  })

  it('writes nothing when the transaction rolls back', async () => {
    const failed = await ctx()
      .engine.transaction(async (tx) => {
        await repo().insert(tx, [entry(1)])
        throw new Error('rolled back')
      })
      .then(
        () => false,
        () => true,
      )

    expect(failed).to.equal(true)
    expect(await repo().query({ limit: 5 })).to.deep.equal([])
  })
})
