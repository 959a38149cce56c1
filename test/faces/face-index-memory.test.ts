import { expect } from 'chai'

import { FaceIndex, loadFaceKernel } from '../../src/faces/index.js'
import { ARCFACE, DLIB } from './support/face-models.js'
import { randomVector, seededRandom } from './support/seeded-random.js'

describe('FaceIndex memory', () => {
  for (const [model, rows] of [
    [DLIB, 100_000],
    [ARCFACE, 10_000],
  ] as const) {
    it(`stays within 10% of the raw vectors at ${rows} × ${model.dim}`, async () => {
      const index = new FaceIndex(await loadFaceKernel())
      const random = seededRandom(3)
      const vector = randomVector(random, model.dim)

      for (let id = 0; id < rows; id++) {
        vector[id % model.dim] = random()
        index.add(model, { encodingId: id, personId: id >> 2, list: 'known' }, vector)
      }

      expect(index.memoryBytes() / (rows * model.dim * 4)).to.be.below(1.1)
    })
  }

  it('grows no further when the rows were reserved', async () => {
    const index = new FaceIndex(await loadFaceKernel())
    const random = seededRandom(5)

    index.reserve(ARCFACE, 3000)
    const reserved = index.memoryBytes()
    for (let id = 0; id < 3000; id++) {
      index.add(
        ARCFACE,
        { encodingId: id, personId: id, list: 'known' },
        randomVector(random, 512),
      )
    }

    expect(index.memoryBytes()).to.equal(reserved)
    expect(reserved / (3000 * 512 * 4)).to.be.below(1.03)
    expect(index.search(ARCFACE, randomVector(random, 512), { topK: 3 })).to.have.length(
      3,
    )
  })

  it('keeps its memory when encodings are removed, and reuses it', async () => {
    const index = new FaceIndex(await loadFaceKernel())
    const random = seededRandom(4)
    for (let id = 0; id < 5000; id++) {
      index.add(
        DLIB,
        { encodingId: id, personId: id, list: 'known' },
        randomVector(random, 128),
      )
    }
    const full = index.memoryBytes()

    for (let id = 0; id < 5000; id += 2) index.remove(id)
    for (let id = 5000; id < 7500; id++) {
      index.add(
        DLIB,
        { encodingId: id, personId: id, list: 'known' },
        randomVector(random, 128),
      )
    }

    expect(index.memoryBytes()).to.equal(full)
    expect(index.size).to.equal(5000)
  })
})
