import { expect } from 'chai'

import type { FaceIndex } from '../../src/faces/index.js'
import { describeEachKernel } from './support/each-kernel.js'
import { ARCFACE, DLIB, vectorOf } from './support/face-models.js'
import { refusal } from './support/refusal.js'

describeEachKernel('FaceIndex validation', (fresh) => {
  let index: FaceIndex

  beforeEach(() => {
    index = fresh()
  })

  const entry = { encodingId: 1, personId: 1, list: 'known' as const }

  it('refuses an encoding of the wrong dimension', () => {
    const error = refusal(
      () => index.add(DLIB, entry, new Float32Array(127)),
      'FACE_INVALID_ENCODING',
    )

    expect(error.message).to.contain('127').and.contain('128')
  })

  for (const [label, value] of [
    ['NaN', Number.NaN],
    ['infinite', Infinity],
    ['infinite', -Infinity],
    ['beyond', 1e10],
  ] as const) {
    it(`refuses an encoding when a component is ${String(value)}`, () => {
      const vector = vectorOf(DLIB, [0, 0, value])

      const error = refusal(() => index.add(DLIB, entry, vector), 'FACE_INVALID_ENCODING')

      expect(error.message).to.contain('component 2').and.contain(label)
      expect(index.size).to.equal(0)
    })
  }

  it('refuses a query with a NaN component', () => {
    const query = vectorOf(DLIB, [Number.NaN])

    refusal(() => index.search(DLIB, query, { topK: 1 }), 'FACE_INVALID_ENCODING')
  })

  it('refuses a zero-length cosine encoding or query', () => {
    const zero = new Float32Array(512)

    refusal(() => index.add(ARCFACE, entry, zero), 'FACE_INVALID_ENCODING')
    refusal(() => index.search(ARCFACE, zero, { topK: 1 }), 'FACE_INVALID_ENCODING')
  })

  it('refuses a vector that is not a Float32Array', () => {
    const array = Array.from({ length: 128 }, () => 0) as unknown as Float32Array

    refusal(() => index.add(DLIB, entry, array), 'FACE_INVALID_ENCODING')
  })

  it('refuses a second encoding with the same id, in any model', () => {
    index.add(DLIB, entry, vectorOf(DLIB, [1]))

    refusal(
      () => index.add(ARCFACE, entry, vectorOf(ARCFACE, [1])),
      'FACE_DUPLICATE_ENCODING',
    )
  })

  it('refuses ids that do not fit 32 bits and unknown lists', () => {
    const vector = vectorOf(DLIB, [1])
    const unknownList = { ...entry, list: 'vip' } as unknown as typeof entry

    refusal(
      () => index.add(DLIB, { ...entry, encodingId: 2 ** 31 }, vector),
      'FACE_INVALID_ID',
    )
    refusal(() => index.add(DLIB, { ...entry, personId: 1.5 }, vector), 'FACE_INVALID_ID')
    refusal(() => index.add(DLIB, unknownList, vector), 'FACE_INVALID_ARGUMENT')
  })

  it('refuses a search without a positive integer topK or with a NaN threshold', () => {
    const query = vectorOf(DLIB, [1])

    refusal(() => index.search(DLIB, query, { topK: 0 }), 'FACE_INVALID_ARGUMENT')
    refusal(() => index.search(DLIB, query, { topK: 2.5 }), 'FACE_INVALID_ARGUMENT')
    refusal(
      () => index.search(DLIB, query, { topK: 1, threshold: Number.NaN }),
      'FACE_INVALID_ARGUMENT',
    )
  })
})
