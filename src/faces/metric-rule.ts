import type { BoundKernel } from './distance-kernel.js'

/** Byte offsets of one key pass over a model's memory. */
export interface KeyPass {
  query: number
  matrix: number
  scales: number
  out: number
  mins: number
  rows: number
  width: number
}

/** The exact float64 distance of a fixed query to the row at `offset` in `floats`. */
export type ExactDistance = (floats: Float32Array, offset: number) => number

/**
 * Everything that differs between metrics. Keys are what the kernel writes: float32,
 * ordered like the distance, cheap; distances are what the index answers: float64.
 */
export interface MetricRule {
  /** Whether each row keeps a float32 scale next to the matrix. */
  readonly scaled: boolean
  /** Encodings shorter than this are refused: they have no usable direction. */
  readonly minNorm: number
  /** Writes the kernel's form of the query into `target` (already zero-padded). */
  prepareQuery(query: Float32Array, target: Float32Array): void
  /** The scale stored with a row; unused when `scaled` is false. */
  rowScale(vector: Float32Array): number
  computeKeys(kernel: BoundKernel, pass: KeyPass): void
  exactDistance(query: Float32Array): ExactDistance
  /** The largest key a row within `threshold` can have. */
  keyCutoff(threshold: number, width: number): number
  /** The smallest exact distance a row with this key can have. */
  lowerBound(key: number, width: number): number
}
