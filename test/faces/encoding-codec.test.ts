import { expect } from 'chai'
import {
  decodeEncoding,
  encodingFromBytes,
  encodingToBytes,
} from '../../src/faces/encoding-codec.js'
import { FaceDirectoryError } from '../../src/faces/face-directory-error.js'
import type { ModelSpec } from '../../src/faces/model-spec.js'

const TINY: ModelSpec = { name: 'tiny', version: '1', dim: 4, metric: 'euclidean' }
const COSINE: ModelSpec = { ...TINY, metric: 'cosine' }

function base64Of(values: number[]): string {
  const bytes = Buffer.alloc(values.length * 4)
  values.forEach((v, i) => bytes.writeFloatLE(v, i * 4))

  return bytes.toString('base64')
}

function refusalOf(work: () => unknown): FaceDirectoryError {
  try {
    work()
  } catch (error) {
    if (error instanceof FaceDirectoryError) return error
    throw error
  }

  throw new Error('expected a refusal')
}

describe('encoding codec', () => {
  it('decodes numbers and base64 of the same float32 values to the same vector', () => {
    const values = [0.5, -1.25, 3e-5, 1234.5]

    const fromNumbers = decodeEncoding(values, TINY, 'encoding')
    const fromBase64 = decodeEncoding(base64Of(values), TINY, 'encoding')

    expect(fromBase64).to.deep.equal(fromNumbers)
    expect(Array.from(fromNumbers)).to.deep.equal(Array.from(Float32Array.from(values)))
  })

  it('stores float32 little-endian and reads it back bit for bit', () => {
    const vector = Float32Array.from([0.1, -0, 7, -3.5e-20])

    const bytes = encodingToBytes(vector)

    expect(bytes.toString('base64')).to.equal(base64Of(Array.from(vector)))
    expect(encodingFromBytes(bytes)).to.deep.equal(vector)
    expect(encodingFromBytes(new Uint8Array(bytes))).to.deep.equal(vector)
  })

  it('reads bytes at an odd offset inside a larger buffer', () => {
    const bytes = Buffer.concat([Buffer.alloc(3), encodingToBytes(Float32Array.of(1, 2))])

    expect(Array.from(encodingFromBytes(bytes.subarray(3)))).to.deep.equal([1, 2])
  })

  const refused: [string, unknown, string][] = [
    ['too few numbers', [1, 2, 3], 'has 3 components'],
    ['too many bytes', base64Of([1, 2, 3, 4, 5]), 'holds 20 bytes'],
    ['a number beyond float32', [1, 2, 3, 1e39], 'component 3 is infinite'],
    ['NaN in base64', base64Of([1, NaN, 0, 0]), 'component 1 is NaN'],
    ['infinity in base64', base64Of([1, 0, -Infinity, 0]), 'infinite'],
    ['a string that is not base64', 'not base64!', 'neither a list of numbers'],
    ['base64 without its padding', base64Of([1, 2, 3, 4]).slice(0, -2), 'neither'],
  ]

  for (const [what, value, message] of refused) {
    it(`refuses ${what}, naming the field`, () => {
      const error = refusalOf(() =>
        decodeEncoding(value as number[] | string, TINY, 'encodings.2'),
      )

      expect(error.code).to.equal('FACE_INVALID_ENCODING')
      expect(error.field).to.equal('encodings.2')
      expect(error.message).to.include(message)
    })
  }

  it('refuses a zero vector for a cosine model', () => {
    const error = refusalOf(() => decodeEncoding([0, 0, 0, 0], COSINE, 'encoding'))

    expect(error.message).to.include('zero length')
  })
})
