import { FaceIndexError } from './face-index-error.js'
import type { DistanceKernel, KernelName } from './distance-kernel.js'
import { jsKernel } from './js-kernel.js'
import { compileWasmKernel } from './wasm-kernel.js'

export interface LoadFaceKernelOptions {
  /** Force one kernel, e.g. 'js' to compare. Default: wasm-simd if the runtime has it. */
  kernel?: KernelName
}

/** Picks the fastest kernel this runtime can run; the composition root calls it once. */
export async function loadFaceKernel(
  options: LoadFaceKernelOptions = {},
): Promise<DistanceKernel> {
  if (options.kernel === 'js') return jsKernel

  const wasm = await compileWasmKernel()
  if (wasm) return wasm
  if (options.kernel === 'wasm-simd') {
    throw new FaceIndexError(
      'FACE_KERNEL_UNAVAILABLE',
      'this runtime has no WebAssembly SIMD',
    )
  }

  return jsKernel
}
