import { expect } from 'chai'

import { FaceIndexError, loadFaceKernel } from '../../src/faces/index.js'
import { wasmApi } from '../../src/faces/wasm-api.js'

describe('loadFaceKernel', () => {
  const validate = wasmApi.validate

  afterEach(() => {
    wasmApi.validate = validate
  })

  it('picks the wasm-simd kernel when the runtime has SIMD', async () => {
    expect((await loadFaceKernel()).name).to.equal('wasm-simd')
  })

  it('returns the js kernel when asked for it', async () => {
    expect((await loadFaceKernel({ kernel: 'js' })).name).to.equal('js')
  })

  it('falls back to the js kernel when the runtime refuses SIMD', async () => {
    wasmApi.validate = () => false

    expect((await loadFaceKernel()).name).to.equal('js')
  })

  it('throws FACE_KERNEL_UNAVAILABLE when wasm-simd is demanded but absent', async () => {
    wasmApi.validate = () => false

    const error = await loadFaceKernel({ kernel: 'wasm-simd' }).catch((e: unknown) => e)

    expect(error).to.be.instanceOf(FaceIndexError)
    expect((error as FaceIndexError).code).to.equal('FACE_KERNEL_UNAVAILABLE')
  })
})
