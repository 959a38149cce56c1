import { expect } from 'chai'

import { compileWasmKernel } from '../../src/faces/wasm-kernel.js'
import { jsKernel } from '../../src/faces/js-kernel.js'
import { kernelErrorBound } from '../../src/faces/kernel-error-bound.js'
import type { BoundKernel, DistanceKernel } from '../../src/faces/index.js'
import { wasmApi } from '../../src/faces/wasm-api.js'
import { randomVector, seededRandom } from './support/seeded-random.js'

const DIM = 128
const ROWS = 200
const WIDTH = DIM * 4
const QUERY = 0
const MATRIX = WIDTH
const SCALES = MATRIX + ROWS * WIDTH
const KEYS = SCALES + ROWS * 4
const MINS = KEYS + ROWS * 4

/** One memory laid out by hand: query, rows, scales, keys, group minima. */
function fixture(kernel: DistanceKernel) {
  const memory = new wasmApi.Memory({ initial: 2 })
  const floats = new Float32Array(memory.buffer)
  const random = seededRandom(7)

  floats.set(randomVector(random, DIM), QUERY / 4)
  for (let r = 0; r < ROWS; r++)
    floats.set(randomVector(random, DIM), MATRIX / 4 + r * DIM)
  for (let r = 0; r < ROWS; r++) floats[SCALES / 4 + r] = 0.5 + random()

  return { bound: kernel.bind(memory), floats }
}

function keysOf(floats: Float32Array): Float32Array {
  return floats.slice(KEYS / 4, KEYS / 4 + ROWS)
}

function minsOf(floats: Float32Array): Float32Array {
  return floats.slice(MINS / 4, MINS / 4 + Math.ceil(ROWS / 64))
}

describe('distance kernels', () => {
  let wasm: { bound: BoundKernel; floats: Float32Array }
  let js: { bound: BoundKernel; floats: Float32Array }

  before(async () => {
    const compiled = await compileWasmKernel()
    if (!compiled) throw new Error('this runtime has no WebAssembly SIMD')
    wasm = fixture(compiled)
    js = fixture(jsKernel)
  })

  it('agree on squared euclidean keys within the error bound', () => {
    wasm.bound.l2(QUERY, MATRIX, KEYS, MINS, ROWS, WIDTH)
    js.bound.l2(QUERY, MATRIX, KEYS, MINS, ROWS, WIDTH)
    const [a, b] = [keysOf(wasm.floats), keysOf(js.floats)]

    for (let r = 0; r < ROWS; r++) {
      expect(a[r]).to.be.closeTo(b[r] ?? 0, (b[r] ?? 0) * kernelErrorBound(WIDTH))
    }
  })

  it('agree on scaled dot keys within the error bound', () => {
    wasm.bound.dot(QUERY, MATRIX, SCALES, KEYS, MINS, ROWS, WIDTH)
    js.bound.dot(QUERY, MATRIX, SCALES, KEYS, MINS, ROWS, WIDTH)
    const [a, b] = [keysOf(wasm.floats), keysOf(js.floats)]

    for (let r = 0; r < ROWS; r++) expect(a[r]).to.be.closeTo(b[r] ?? 0, 1e-4)
  })

  it('write each group minimum when the last group is partial', () => {
    for (const { bound, floats } of [wasm, js]) {
      bound.l2(QUERY, MATRIX, KEYS, MINS, ROWS, WIDTH)
      const keys = keysOf(floats)

      const expected = [0, 64, 128, 192].map((start) =>
        Math.min(...keys.subarray(start, Math.min(ROWS, start + 64))),
      )

      expect([...minsOf(floats)]).to.deep.equal(expected)
    }
  })

  it('sum the same floats when reading the floor', () => {
    const bytes = ROWS * WIDTH
    const expected = wasm.floats
      .subarray(MATRIX / 4, (MATRIX + bytes) / 4)
      .reduce((sum, value) => sum + value, 0)

    expect(wasm.bound.sum(MATRIX, bytes)).to.be.closeTo(expected, 1e-2)
    expect(js.bound.sum(MATRIX, bytes)).to.be.closeTo(expected, 1e-9)
  })

  it('write nothing when there are no rows', () => {
    for (const { bound, floats } of [wasm, js]) {
      floats[KEYS / 4] = 42
      bound.l2(QUERY, MATRIX, KEYS, MINS, 0, WIDTH)

      expect(floats[KEYS / 4]).to.equal(42)
      expect(bound.sum(MATRIX, 0)).to.equal(0)
    }
  })
})
