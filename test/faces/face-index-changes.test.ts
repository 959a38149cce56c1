import { expect } from 'chai'

import type { FaceIndex, ModelSpec } from '../../src/faces/index.js'
import { describeEachKernel } from './support/each-kernel.js'
import { ARCFACE, DLIB, vectorOf } from './support/face-models.js'

describeEachKernel('FaceIndex changes', (fresh) => {
  let index: FaceIndex

  beforeEach(() => {
    index = fresh()
  })

  const ids = (model: ModelSpec, query: number[], topK = 10) =>
    index.search(model, vectorOf(model, query), { topK }).map((m) => m.encodingId)

  describe('remove', () => {
    it('keeps every other encoding findable when a middle row is swapped out', () => {
      for (let id = 1; id <= 5; id++) {
        index.add(
          DLIB,
          { encodingId: id, personId: id, list: 'known' },
          vectorOf(DLIB, [id]),
        )
      }

      expect(index.remove(2)).to.equal(true)

      expect(index.has(2)).to.equal(false)
      expect(index.size).to.equal(4)
      expect(ids(DLIB, [0])).to.deep.equal([1, 3, 4, 5])
      expect(ids(DLIB, [5], 1)).to.deep.equal([5])
      expect(index.remove(5)).to.equal(true)
      expect(ids(DLIB, [5])).to.deep.equal([4, 3, 1])
    })

    it('returns false when the encoding is not indexed', () => {
      expect(index.remove(42)).to.equal(false)
    })

    it('accepts the same encodingId again after removal', () => {
      index.add(DLIB, { encodingId: 1, personId: 1, list: 'known' }, vectorOf(DLIB, [1]))
      index.remove(1)
      index.add(DLIB, { encodingId: 1, personId: 2, list: 'known' }, vectorOf(DLIB, [2]))

      expect(index.search(DLIB, vectorOf(DLIB, [0]), { topK: 1 })[0]?.personId).to.equal(
        2,
      )
    })

    it('removes every encoding of a person in every model', () => {
      index.add(DLIB, { encodingId: 1, personId: 9, list: 'known' }, vectorOf(DLIB, [1]))
      index.add(DLIB, { encodingId: 2, personId: 8, list: 'known' }, vectorOf(DLIB, [2]))
      index.add(DLIB, { encodingId: 3, personId: 9, list: 'known' }, vectorOf(DLIB, [3]))
      index.add(
        ARCFACE,
        { encodingId: 4, personId: 9, list: 'known' },
        vectorOf(ARCFACE, [1]),
      )

      expect(index.removePerson(9)).to.equal(3)

      expect(ids(DLIB, [0])).to.deep.equal([2])
      expect(ids(ARCFACE, [1])).to.deep.equal([])
      expect(index.size).to.equal(1)
    })
  })

  describe('persons', () => {
    it('skips an inactive person and finds it again when reactivated', () => {
      index.add(
        DLIB,
        { encodingId: 1, personId: 1, list: 'known' },
        vectorOf(DLIB, [0.1]),
      )
      index.add(
        DLIB,
        { encodingId: 2, personId: 2, list: 'known' },
        vectorOf(DLIB, [0.2]),
      )

      expect(index.setPersonActive(1, false)).to.equal(1)
      expect(ids(DLIB, [0])).to.deep.equal([2])

      expect(index.setPersonActive(1, true)).to.equal(1)
      expect(ids(DLIB, [0])).to.deep.equal([1, 2])
    })

    it('keeps encodings added while the person is inactive hidden', () => {
      index.setPersonActive(1, false)
      index.add(
        DLIB,
        { encodingId: 1, personId: 1, list: 'known' },
        vectorOf(DLIB, [0.1]),
      )

      expect(ids(DLIB, [0])).to.deep.equal([])

      index.setPersonActive(1, true)
      expect(ids(DLIB, [0])).to.deep.equal([1])
    })

    it('moves every encoding of a person when its list changes', () => {
      index.add(
        DLIB,
        { encodingId: 1, personId: 1, list: 'known' },
        vectorOf(DLIB, [0.1]),
      )
      index.add(
        DLIB,
        { encodingId: 2, personId: 1, list: 'known' },
        vectorOf(DLIB, [0.3]),
      )
      index.setPersonActive(1, false)

      expect(index.setPersonList(1, 'blacklist')).to.equal(2)
      index.setPersonActive(1, true)

      const matches = index.search(DLIB, vectorOf(DLIB, [0]), {
        topK: 5,
        lists: ['blacklist'],
      })
      expect(matches).to.deep.equal([
        { encodingId: 1, personId: 1, list: 'blacklist', distance: Math.fround(0.1) },
      ])
    })
  })
})
