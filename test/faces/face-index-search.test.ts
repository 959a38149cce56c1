import { expect } from 'chai'

import type { FaceIndex, ModelSpec } from '../../src/faces/index.js'
import { describeEachKernel } from './support/each-kernel.js'
import { ARCFACE, DLIB, vectorOf } from './support/face-models.js'
import { refusal } from './support/refusal.js'

describeEachKernel('FaceIndex search', (fresh) => {
  let index: FaceIndex

  beforeEach(() => {
    index = fresh()
  })

  const ids = (model: ModelSpec, query: number[], topK = 10) =>
    index.search(model, vectorOf(model, query), { topK }).map((m) => m.encodingId)

  describe('search', () => {
    it('returns persons by ascending euclidean distance when several match', () => {
      index.add(
        DLIB,
        { encodingId: 1, personId: 10, list: 'known' },
        vectorOf(DLIB, [3, 4]),
      )
      index.add(DLIB, { encodingId: 2, personId: 20, list: 'known' }, vectorOf(DLIB, [1]))
      index.add(
        DLIB,
        { encodingId: 3, personId: 30, list: 'blacklist' },
        vectorOf(DLIB, [0, 2]),
      )

      const matches = index.search(DLIB, vectorOf(DLIB, [0]), { topK: 5 })

      expect(matches).to.deep.equal([
        { encodingId: 2, personId: 20, list: 'known', distance: 1 },
        { encodingId: 3, personId: 30, list: 'blacklist', distance: 2 },
        { encodingId: 1, personId: 10, list: 'known', distance: 5 },
      ])
    })

    it('returns one match per person, its best, when a person has several', () => {
      index.add(
        DLIB,
        { encodingId: 1, personId: 10, list: 'known' },
        vectorOf(DLIB, [0.5]),
      )
      index.add(
        DLIB,
        { encodingId: 2, personId: 10, list: 'known' },
        vectorOf(DLIB, [0.1]),
      )
      index.add(
        DLIB,
        { encodingId: 3, personId: 20, list: 'known' },
        vectorOf(DLIB, [0.3]),
      )

      expect(ids(DLIB, [0])).to.deep.equal([2, 3])
      expect(ids(DLIB, [0], 1)).to.deep.equal([2])
    })

    it('breaks exact ties by encodingId when distances are equal', () => {
      const same = [0.25, -0.5]
      index.add(DLIB, { encodingId: 7, personId: 1, list: 'known' }, vectorOf(DLIB, same))
      index.add(DLIB, { encodingId: 3, personId: 2, list: 'known' }, vectorOf(DLIB, same))
      index.add(DLIB, { encodingId: 5, personId: 3, list: 'known' }, vectorOf(DLIB, same))
      index.add(DLIB, { encodingId: 4, personId: 3, list: 'known' }, vectorOf(DLIB, same))

      expect(ids(DLIB, [0])).to.deep.equal([3, 4, 7])
    })

    it('orders by float64 distance when the float32 keys tie', () => {
      // 1 + 2^-26 rounds to 1 in float32 but not in float64
      index.add(
        DLIB,
        { encodingId: 1, personId: 1, list: 'known' },
        vectorOf(DLIB, [1, 2 ** -13]),
      )
      index.add(DLIB, { encodingId: 2, personId: 2, list: 'known' }, vectorOf(DLIB, [1]))

      expect(ids(DLIB, [0])).to.deep.equal([2, 1])
    })

    it('finds the true best when more rows tie in float32 than it first keeps', () => {
      // Rows k = 1..256 all get the float32 key 1 (k²·2^-40 is at most half an ulp of
      // 1), far more than the 28 candidates topK 3 starts with: the set grows twice
      for (let id = 1; id <= 300; id++) {
        const entry = { encodingId: id, personId: id % 7, list: 'known' as const }
        index.add(DLIB, entry, vectorOf(DLIB, [1, (301 - id) * 2 ** -20]))
      }

      expect(ids(DLIB, [0], 3)).to.deep.equal([300, 299, 298])
    })

    it('returns nothing when no encoding is within the threshold', () => {
      index.add(
        DLIB,
        { encodingId: 1, personId: 1, list: 'known' },
        vectorOf(DLIB, [0.7]),
      )

      const matches = index.search(DLIB, vectorOf(DLIB, [0]), {
        topK: 5,
        threshold: 0.6,
      })

      expect(matches).to.deep.equal([])
    })

    it('includes a match exactly at the threshold', () => {
      const edge = Math.fround(0.6)
      index.add(
        DLIB,
        { encodingId: 1, personId: 1, list: 'known' },
        vectorOf(DLIB, [edge]),
      )
      const query = vectorOf(DLIB, [0])

      expect(index.search(DLIB, query, { topK: 1, threshold: edge })).to.have.length(1)
      expect(index.search(DLIB, query, { topK: 1, threshold: 0.6 })).to.have.length(0)
    })

    it('searches only the requested lists when lists are given', () => {
      index.add(
        DLIB,
        { encodingId: 1, personId: 1, list: 'known' },
        vectorOf(DLIB, [0.1]),
      )
      index.add(
        DLIB,
        { encodingId: 2, personId: 2, list: 'blacklist' },
        vectorOf(DLIB, [0.2]),
      )
      const query = vectorOf(DLIB, [0])

      const blacklisted = index.search(DLIB, query, { topK: 5, lists: ['blacklist'] })
      const known = index.search(DLIB, query, { topK: 5, lists: ['known'] })
      const none = index.search(DLIB, query, { topK: 5, lists: [] })

      expect(blacklisted.map((m) => m.encodingId)).to.deep.equal([2])
      expect(known.map((m) => m.encodingId)).to.deep.equal([1])
      expect(none).to.deep.equal([])
    })

    it('returns 1 - cos as the distance when the model is cosine', () => {
      index.add(
        ARCFACE,
        { encodingId: 1, personId: 1, list: 'known' },
        vectorOf(ARCFACE, [1, 1]),
      )
      index.add(
        ARCFACE,
        { encodingId: 2, personId: 2, list: 'known' },
        vectorOf(ARCFACE, [-2]),
      )
      index.add(
        ARCFACE,
        { encodingId: 3, personId: 3, list: 'known' },
        vectorOf(ARCFACE, [0, 5]),
      )

      const matches = index.search(ARCFACE, vectorOf(ARCFACE, [3]), { topK: 5 })

      expect(matches.map((m) => m.encodingId)).to.deep.equal([1, 3, 2])
      expect(matches[0]?.distance).to.be.closeTo(1 - Math.SQRT1_2, 1e-15)
      expect(matches[1]?.distance).to.equal(1)
      expect(matches[2]?.distance).to.equal(2)
    })

    it('ignores the length of cosine encodings', () => {
      index.add(
        ARCFACE,
        { encodingId: 1, personId: 1, list: 'known' },
        vectorOf(ARCFACE, [1, 2]),
      )
      index.add(
        ARCFACE,
        { encodingId: 2, personId: 2, list: 'known' },
        vectorOf(ARCFACE, [8, 16]),
      )

      const matches = index.search(ARCFACE, vectorOf(ARCFACE, [0.5, 1]), { topK: 5 })

      expect(matches.map((m) => m.encodingId)).to.deep.equal([1, 2])
      expect(matches[0]?.distance).to.be.closeTo(0, 1e-15)
      expect(matches[1]?.distance).to.be.closeTo(0, 1e-15)
    })

    it('returns nothing when the model has no encodings', () => {
      expect(ids(DLIB, [0])).to.deep.equal([])
    })
  })

  describe('models', () => {
    it('never compares encodings of different models', () => {
      const v2: ModelSpec = { ...DLIB, version: '2' }
      index.add(
        DLIB,
        { encodingId: 1, personId: 1, list: 'known' },
        vectorOf(DLIB, [0.5]),
      )
      index.add(v2, { encodingId: 2, personId: 2, list: 'known' }, vectorOf(v2, [0]))
      index.add(
        ARCFACE,
        { encodingId: 3, personId: 3, list: 'known' },
        vectorOf(ARCFACE, [1]),
      )

      expect(ids(DLIB, [0])).to.deep.equal([1])
      expect(ids(v2, [0.5])).to.deep.equal([2])
      expect(ids(ARCFACE, [1])).to.deep.equal([3])
      expect(index.size).to.equal(3)
    })

    it('refuses a model whose dim or metric differs from the one indexed', () => {
      index.add(
        DLIB,
        { encodingId: 1, personId: 1, list: 'known' },
        vectorOf(DLIB, [0.5]),
      )
      const wider: ModelSpec = { ...DLIB, dim: 256 }
      const cosine: ModelSpec = { ...DLIB, metric: 'cosine' }

      refusal(
        () => index.search(wider, vectorOf(wider, [0]), { topK: 1 }),
        'FACE_MODEL_MISMATCH',
      )
      refusal(
        () =>
          index.add(
            cosine,
            { encodingId: 2, personId: 1, list: 'known' },
            vectorOf(DLIB, [1]),
          ),
        'FACE_MODEL_MISMATCH',
      )
    })

    it('refuses a malformed model spec', () => {
      const bad = { ...DLIB, dim: 0 }

      refusal(
        () => index.search(bad, new Float32Array(0), { topK: 1 }),
        'FACE_INVALID_MODEL',
      )
      refusal(
        () => index.search({ ...DLIB, name: '' }, vectorOf(DLIB, []), { topK: 1 }),
        'FACE_INVALID_MODEL',
      )
    })
  })
})
