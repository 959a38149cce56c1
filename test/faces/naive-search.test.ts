import { expect } from 'chai'

import { naiveSearch, type NaiveRow } from '../../src/faces/index.js'
import { ARCFACE, DLIB } from './support/face-models.js'
import { referenceSearch } from './support/reference-search.js'
import { nearVector, randomVector, seededRandom } from './support/seeded-random.js'

describe('naiveSearch', () => {
  for (const model of [DLIB, ARCFACE]) {
    it(`answers like the reference for ${model.metric} when persons repeat`, () => {
      const random = seededRandom(5)
      const rows: NaiveRow[] = Array.from({ length: 500 }, (_, i) => ({
        encodingId: i + 1,
        personId: i % 120,
        list: i % 9 === 0 ? 'blacklist' : 'known',
        vector: randomVector(random, model.dim),
      }))

      for (let q = 0; q < 20; q++) {
        const base = rows[q * 7]?.vector ?? randomVector(random, model.dim)
        const query = nearVector(random, base, 0.05)
        const expected = referenceSearch(
          rows.map((row) => ({ ...row, active: true })),
          model.metric,
          query,
          { topK: 5 },
        )

        expect(naiveSearch(rows, model.metric, query, 5)).to.deep.equal(expected)
      }
    })
  }
})
