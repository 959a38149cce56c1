import { kernelErrorBound } from './kernel-error-bound.js'
import type { MetricRule } from './metric-rule.js'

/** Below this length an encoding has no direction worth comparing. */
export const MIN_COSINE_NORM = 1e-12

/**
 * Rows stay as given, each with a float32 1/|x|; the query is normalised once per
 * search, so a key is -cos. Keeping the rows raw (not normalised copies) costs the
 * same memory plus 4 bytes a row and lets the float64 answer be computed from the
 * original encodings: 1 - dot / (|q| · |x|).
 */
export const cosineRule: MetricRule = {
  scaled: true,
  minNorm: MIN_COSINE_NORM,

  prepareQuery(query, target) {
    const norm = Math.sqrt(sumOfSquares(query))

    for (let i = 0; i < query.length; i++) target[i] = query[i]! / norm
  },

  rowScale: (vector) => 1 / Math.sqrt(sumOfSquares(vector)),

  computeKeys(kernel, pass) {
    const { query, matrix, scales, out, mins, rows, width } = pass
    kernel.dot(query, matrix, scales, out, mins, rows, width)
  },

  exactDistance(query) {
    const dim = query.length
    const queryNorm = Math.sqrt(sumOfSquares(query))

    return (floats, offset) => {
      let dot = 0
      let squares = 0
      for (let i = 0; i < dim; i++) {
        const x = floats[offset + i]!
        dot += query[i]! * x
        squares += x * x
      }

      return 1 - dot / (queryNorm * Math.sqrt(squares))
    }
  },

  keyCutoff: (threshold, width) => threshold - 1 + kernelErrorBound(width),

  lowerBound: (key, width) => 1 + key - kernelErrorBound(width),
}

function sumOfSquares(vector: Float32Array): number {
  let sum = 0
  for (let i = 0; i < vector.length; i++) sum += vector[i]! * vector[i]!

  return sum
}
