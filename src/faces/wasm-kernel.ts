import type { BoundKernel, DistanceKernel } from './distance-kernel.js'
import { KERNEL_WASM_BASE64 } from './kernel-wasm.js'
import { type WasmMemory, type WasmModule, wasmApi } from './wasm-api.js'

/**
 * Compiles the kernels' binary (built from kernel-wat.ts by `npm run
 * gen:kernel`) to a module once; each model's memory gets its own instance of
 * it. Returns undefined when this runtime cannot run WebAssembly SIMD.
 */
export function compileWasmKernel(): Promise<DistanceKernel | undefined> {
  const binary = new Uint8Array(Buffer.from(KERNEL_WASM_BASE64, 'base64'))

  if (!wasmApi.validate(binary)) return Promise.resolve(undefined)
  const module = new wasmApi.Module(binary)

  return Promise.resolve({
    name: 'wasm-simd',
    bind: (memory) => instantiate(module, memory),
  })
}

function instantiate(module: WasmModule, memory: WasmMemory): BoundKernel {
  const instance = new wasmApi.Instance(module, { env: { memory } })

  // The exports are exactly the functions declared in kernel-wat.ts
  return instance.exports as unknown as BoundKernel
}
