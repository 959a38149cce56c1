import wabtInit from 'wabt'

import type { BoundKernel, DistanceKernel } from './distance-kernel.js'
import { KERNEL_WAT } from './kernel-wat.js'
import { type WasmMemory, type WasmModule, wasmApi } from './wasm-api.js'

/**
 * Compiles the WAT kernels to a module once; each model's memory gets its own
 * instance of it. Returns undefined when this runtime cannot run WebAssembly SIMD.
 */
export async function compileWasmKernel(): Promise<DistanceKernel | undefined> {
  const wabt = await wabtInit()
  const parsed = wabt.parseWat('face-kernels.wat', KERNEL_WAT, { simd: true })

  let binary: Uint8Array
  try {
    parsed.validate()
    binary = parsed.toBinary({}).buffer
  } finally {
    parsed.destroy()
  }

  if (!wasmApi.validate(binary)) return undefined
  const module = new wasmApi.Module(binary)

  return { name: 'wasm-simd', bind: (memory) => instantiate(module, memory) }
}

function instantiate(module: WasmModule, memory: WasmMemory): BoundKernel {
  const instance = new wasmApi.Instance(module, { env: { memory } })

  // The exports are exactly the functions declared in kernel-wat.ts
  return instance.exports as unknown as BoundKernel
}
