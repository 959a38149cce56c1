import { expect } from 'chai'
import { compileKernelWat, renderKernelModule } from '../../scripts/gen-face-kernel.js'
import { KERNEL_WASM_BASE64 } from '../../src/faces/kernel-wasm.js'

describe('kernel-wasm', function () {
  it('is the binary that wabt compiles from kernel-wat.ts', async function () {
    const binary = await compileKernelWat()

    expect(KERNEL_WASM_BASE64).to.equal(
      Buffer.from(binary).toString('base64'),
      'run npm run gen:kernel',
    )
    expect(renderKernelModule(binary)).to.include(KERNEL_WASM_BASE64.slice(0, 40))
  })
})
