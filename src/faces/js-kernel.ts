import type { BoundKernel, DistanceKernel } from './distance-kernel.js'
import { GROUP_ROWS } from './kernel-wat.js'
import type { WasmMemory } from './wasm-api.js'

/**
 * The same passes in plain JS, for runtimes without WebAssembly SIMD. Sums run in
 * float64 and round once on store, so this kernel is never less exact than the wasm
 * one, only slower.
 */
export const jsKernel: DistanceKernel = {
  name: 'js',
  bind: (memory) => bindJs(memory),
}

function bindJs(memory: WasmMemory): BoundKernel {
  // memory.grow replaces memory.buffer, so every pass takes a fresh view
  const floats = (): Float32Array => new Float32Array(memory.buffer)

  return {
    l2(query, matrix, out, mins, rows, width) {
      const f = floats()
      const q = query >> 2
      const step = width >> 2

      for (let r = 0, p = matrix >> 2; r < rows; r++, p += step) {
        let sum = 0
        for (let i = 0; i < step; i++) {
          const d = f[p + i]! - f[q + i]!
          sum += d * d
        }
        f[(out >> 2) + r] = sum
      }
      groupMinima(f, out >> 2, mins >> 2, rows)
    },

    dot(query, matrix, scales, out, mins, rows, width) {
      const f = floats()
      const q = query >> 2
      const step = width >> 2

      for (let r = 0, p = matrix >> 2; r < rows; r++, p += step) {
        let sum = 0
        for (let i = 0; i < step; i++) sum += f[p + i]! * f[q + i]!
        f[(out >> 2) + r] = -(sum * f[(scales >> 2) + r]!)
      }
      groupMinima(f, out >> 2, mins >> 2, rows)
    },

    sum(pointer, bytes) {
      const f = floats()
      const end = (pointer + bytes) >> 2

      let sum = 0
      for (let i = pointer >> 2; i < end; i++) sum += f[i]!

      return sum
    },
  }
}

function groupMinima(f: Float32Array, keys: number, mins: number, rows: number): void {
  for (let g = 0; g * GROUP_ROWS < rows; g++) {
    const end = Math.min(rows, (g + 1) * GROUP_ROWS)

    let min = Infinity
    for (let r = g * GROUP_ROWS; r < end; r++) min = Math.min(min, f[keys + r]!)
    f[mins + g] = min
  }
}
