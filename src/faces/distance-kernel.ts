import type { WasmMemory } from './wasm-api.js'

export const KERNEL_NAMES = ['wasm-simd', 'js'] as const

export type KernelName = (typeof KERNEL_NAMES)[number]

/**
 * The passes over one model's memory. Every pointer is a byte offset into that
 * memory, 16-byte aligned; `width` is a row's size in bytes, a multiple of 64. The
 * row passes also write mins[g] = the smallest key of rows g·64 .. g·64+63.
 */
export interface BoundKernel {
  /** out[r] = squared euclidean distance of row r to the query. */
  l2(
    query: number,
    matrix: number,
    out: number,
    mins: number,
    rows: number,
    width: number,
  ): void
  /** out[r] = -(dot(row r, query) * scales[r]). */
  dot(
    query: number,
    matrix: number,
    scales: number,
    out: number,
    mins: number,
    rows: number,
    width: number,
  ): void
  /** Sum of the floats in [pointer, pointer + bytes): the memory-read floor. */
  sum(pointer: number, bytes: number): number
}

/** One implementation of the passes; bound once to each model's memory. */
export interface DistanceKernel {
  readonly name: KernelName
  bind(memory: WasmMemory): BoundKernel
}
