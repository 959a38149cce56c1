import { expect } from 'chai'

import { RowLookup } from '../../src/faces/row-lookup.js'
import { seededRandom } from './support/seeded-random.js'

describe('RowLookup', () => {
  it('answers like a Map under random sets, moves and deletes', () => {
    const random = seededRandom(11)
    const keys: number[] = []
    const lookup = new RowLookup((row) => keys[row] ?? Number.NaN)
    const expected = new Map<number, number>()

    for (let step = 0; step < 20_000; step++) {
      const roll = random()
      if (roll < 0.6 || keys.length === 0) {
        // Dense, clustered and negative ids all occur as database ids
        const key = roll < 0.3 ? keys.length * 8 : Math.floor((random() - 0.5) * 2 ** 32)
        if (expected.has(key)) continue
        keys.push(key)
        lookup.set(key, keys.length - 1)
        expected.set(key, keys.length - 1)
        continue
      }

      // Remove a random row the way the matrix does: the last row moves into it
      const row = Math.floor(random() * keys.length)
      const removed = keys[row] ?? Number.NaN
      const last = keys.length - 1
      expect(lookup.delete(removed)).to.equal(true)
      expected.delete(removed)
      if (row !== last) {
        keys[row] = keys[last] ?? Number.NaN
        lookup.set(keys[row] ?? Number.NaN, row)
        expected.set(keys[row] ?? Number.NaN, row)
      }
      keys.pop()
    }

    for (const [key, row] of expected) expect(lookup.get(key)).to.equal(row)
    expect(lookup.get(-1)).to.equal(-1)
    expect(lookup.delete(-1)).to.equal(false)
  })

  it('stays within 16 bytes a key when grown', () => {
    const keys = Array.from({ length: 100_000 }, (_, i) => i * 3)
    const lookup = new RowLookup((row) => keys[row] ?? Number.NaN)

    keys.forEach((key, row) => lookup.set(key, row))

    expect(lookup.byteLength).to.be.at.most(keys.length * 16)
    expect(lookup.get(299_997)).to.equal(99_999)
  })
})
